"""Safe files: the one place where aeviz writes a file atomically, reads a safetensors
file's metadata, checksums a checkpoint's contents and locks a file against a second process.

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

class WriteError(OSError):
    """A file that could not be written; the file that was there before, if any, is untouched."""


class HeaderError(ValueError):
    """A file that is not a whole safetensors file: truncated, oversized header, not JSON."""


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


def read_metadata(path: Path) -> dict:
    """The __metadata__ of a safetensors file ({} when it has none), read by the safetensors
    library without the tensors. The library bounds the header's claimed length (100 MB, and
    the file's size) before it reads a byte of it, and checks the whole layout: JSON, tensors
    that fill the file. A file that fails raises a HeaderError of one sentence naming it; a
    file that cannot be read raises the OSError."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(path, "np") as f:
            return f.metadata() or {}
    except SafetensorError as exc:
        why = next((why for reason, why in REFUSALS.items() if reason in str(exc)), MALFORMED)
        raise HeaderError(f"{Path(path).name} {why}.") from None


# The safetensors library's reasons for refusing a file, in words a user can act on.
MALFORMED = "is not a safetensors file, or is corrupt (its header is malformed)"
REFUSALS = {
    "header too small": "is truncated (shorter than a safetensors header)",
    "invalid header length": "is truncated (its header runs past the end of the file)",
    "incomplete metadata": "is truncated or corrupt (its tensors do not fill it as its header says)",
    "header too large": "is not a safetensors file (its header claims more than 100 MB)",
    "invalid UTF-8": "is not a safetensors file (its header is not JSON)",
    "invalid JSON": "is not a safetensors file (its header is not JSON)",
}


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
