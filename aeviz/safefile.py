"""Safe files: the one place where aeviz writes a file atomically, reads a safetensors
header, checksums a checkpoint's contents and locks a file against a second process.

Checkpoints, resume states, projection maps and the dataset cache all write through
write_atomic, so a crash, a kill or a full disk leaves the old file or none, never half of
one. Errors end in one sentence; the callers add what the file is for.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock

# A header longer than this is not a checkpoint's; refusing it keeps a hostile or random
# file from making us allocate gigabytes before anything is checked.
MAX_HEADER = 10_000_000


class WriteError(OSError):
    """A file that could not be written; the file that was there before, if any, is untouched."""


class HeaderError(ValueError):
    """A file whose safetensors header is truncated, oversized or not JSON."""


def write_atomic(path: Path, data: bytes | Callable[[BinaryIO], object], what: str = "the file",
                 error: type[Exception] = WriteError) -> Path:
    """Write data (bytes, or a function that writes to the open file) to path: through a hidden
    temporary file beside it, flushed and fsynced, renamed over path, and the folder fsynced so
    the rename itself survives a power cut. Any failure removes the temporary file and leaves
    path as it was; an OSError ends as error("Could not write {what} to {folder}: {reason}.")."""
    path = Path(path)
    # pid for whoever finds one left by a killed writer; the random part keeps two threads apart.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:  # an interrupt too: never leave the temporary file behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise error(f"Could not write {what} to {path.parent}: {exc.strerror or exc}.") from None
        raise
    fsync_directory(path.parent)
    return path


def fsync_directory(folder: Path) -> None:
    """Make a rename in folder durable. Windows cannot open a folder for this, and some file
    systems refuse it: there it is skipped, as the file itself is already on disk."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_safetensors_header(source: Path | bytes, max_bytes: int = MAX_HEADER, name: str | None = None) -> dict:
    """The JSON header of a safetensors file, from a path (reading the header alone, not the
    tensors) or from the file's bytes. A truncated, oversized or non-JSON header raises a
    HeaderError of one sentence naming the file (name, or the path's name); a file that cannot
    be read raises the OSError as it came."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        name = name or "the file"
        view = memoryview(source)
        n = _header_length(view[:8], name, max_bytes)
        text = view[8:8 + n]
    else:
        name = name or Path(source).name
        with open(source, "rb") as f:
            n = _header_length(f.read(8), name, max_bytes)
            text = f.read(n)
    if len(text) < n:
        raise HeaderError(f"{name} is truncated (its header claims {n} bytes and only {len(text)} follow).")
    try:
        header = json.loads(bytes(text))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested past Python's stack
        header = None
    if not isinstance(header, dict):
        raise HeaderError(f"{name} is not a safetensors file (its header is not a JSON object).")
    return header


def _header_length(head: bytes, name: str, max_bytes: int) -> int:
    if len(head) < 8:
        raise HeaderError(f"{name} is truncated (shorter than a safetensors header).")
    (n,) = struct.unpack("<Q", head)
    if n > max_bytes:
        raise HeaderError(f"{name} is not a safetensors file (its header claims {n} bytes).")
    return n


def tensor_bytes(blob: bytes) -> bytes:
    """The tensor data of a safetensors file's bytes: everything after the header."""
    (n,) = struct.unpack("<Q", blob[:8])
    return blob[8 + n:]


def checksum(tensor_data: bytes, meta: dict) -> str:
    """sha256 over the tensor bytes and the metadata (minus the checksum itself). Shipped
    checkpoints carry this value: changing the recipe makes every one of them fail."""
    h = hashlib.sha256(tensor_data)
    h.update(json.dumps({k: v for k, v in meta.items() if k != "checksum"}, sort_keys=True).encode())
    return h.hexdigest()


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file at path (created, with its folder, when missing)
    until the block ends; a second holder, in this process or another, waits here. The lock
    goes with the process, so a killed holder never leaves it stuck. An OSError (a read-only
    folder, a file where the folder should be) is raised as it came."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(path):
        yield
