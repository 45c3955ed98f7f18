"""A reader for Qt's compiled resource bundles (.rcc), enough to list and read their files.

The format (Qt's src/corelib/io/qresource.cpp and tools/rcc/rcc.cpp): a 20-byte header
("qres", then big-endian version, tree offset, data offset, names offset; version 3 adds a
flags word), a tree of fixed-size nodes, a names table and a data table. A node is a name
offset, a flags word and either (child count, first child index) for a folder or (territory,
language, data offset) for a file; version 2 and later append an 8-byte modification time.
A name is a 16-bit length, a 32-bit hash and UTF-16BE characters; a file's data is a 32-bit
size and its bytes, zlib-compressed after a 4-byte length (qCompress) when flag 0x01 is set.

Only data is read: nothing in a bundle is executed, and every offset is checked against the
file's size, so a truncated or hostile bundle ends in a QrcError, never a crash or a hang.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

MAGIC = b"qres"
COMPRESSED, DIRECTORY, COMPRESSED_ZSTD = 0x01, 0x02, 0x04


class QrcError(ValueError):
    """A file that is not a readable Qt resource bundle."""


class QrcBundle:
    """The files in one .rcc bundle: ``names()`` lists their paths, ``read(path)`` their bytes."""

    def __init__(self, data: bytes, name: str = "bundle"):
        self._data, self._name = data, name
        if len(data) < 20 or data[:4] != MAGIC:
            raise QrcError(f"{name} is not a Qt resource bundle (no 'qres' header).")
        version, self._tree, self._payload, self._names = struct.unpack_from(">IIII", data, 4)
        if version not in (1, 2, 3):
            raise QrcError(f"{name} is a Qt resource bundle of version {version}, which this reader does not know.")
        self._node_size = 14 if version == 1 else 22
        self._files: dict[str, tuple[int, int]] = {}  # path: (flags, data offset)
        self._walk(0, "", depth=0)

    @classmethod
    def open(cls, path: str | Path) -> QrcBundle:
        path = Path(path)
        return cls(path.read_bytes(), path.name)

    def names(self) -> list[str]:
        return sorted(self._files)

    def read(self, path: str) -> bytes:
        flags, offset = self._files[path]
        (size,) = self._unpack(">I", self._payload + offset)
        start = self._payload + offset + 4
        blob = self._slice(start, size)
        if flags & COMPRESSED_ZSTD:
            raise QrcError(f"{self._name}:{path} is zstd-compressed, which this reader does not decode.")
        if flags & COMPRESSED:
            try:  # qCompress: a 4-byte big-endian length, then a zlib stream
                return zlib.decompress(blob[4:])
            except zlib.error as exc:
                raise QrcError(f"{self._name}:{path} is not valid zlib data ({exc}).") from None
        return blob

    def _walk(self, index: int, prefix: str, depth: int) -> None:
        if depth > 64:  # a cycle of folder nodes would otherwise never end
            raise QrcError(f"{self._name} has folders nested more than 64 deep.")
        node = self._tree + index * self._node_size
        name_offset, flags = self._unpack(">IH", node)
        name = prefix + self._name_at(name_offset) if index else ""
        if flags & DIRECTORY:
            count, first = self._unpack(">II", node + 6)
            for child in range(first, first + count):
                self._walk(child, f"{name}/" if index else "", depth + 1)
        else:
            (offset,) = self._unpack(">I", node + 10)
            self._files[name] = (flags, offset)

    def _name_at(self, offset: int) -> str:
        (length,) = self._unpack(">H", self._names + offset)
        return self._slice(self._names + offset + 6, 2 * length).decode("utf-16-be", "replace")

    def _unpack(self, fmt: str, at: int) -> tuple:
        return struct.unpack(fmt, self._slice(at, struct.calcsize(fmt)))

    def _slice(self, at: int, size: int) -> bytes:
        if at < 0 or at + size > len(self._data):
            raise QrcError(f"{self._name} is truncated or corrupt (an offset points past its end).")
        return self._data[at:at + size]
