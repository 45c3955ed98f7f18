"""What aeviz computes once per checkpoint and keeps on disk: the maps (projections), the
per-image errors, the decoder's ONNX graph and the applications report.

One lookup for all of them. An artifact is named by its checkpoint, its kind and its split
(`vae-mnist5k-e4fbd8312e88.21436ea54db2.test.umap2.npz`: the checksum in the name means a
checkpoint trained again never meets a stale file). It is looked for beside the checkpoint
(shipped with it), then in the user's cache ($AEVIZ_CACHE); else computed, written to the
user's cache through safefile.write_atomic (whole or absent), and kept in memory, so a
process reads each file once. A file that cannot be read is computed again and replaced."""
from __future__ import annotations

import logging
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .safefile import WriteError, write_atomic

log = logging.getLogger("aeviz.artifacts")

# What reading a damaged or foreign file raises (np.load, a format's own checks).
UNREADABLE = (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile)
MEMO_ENTRIES = 32  # the largest artifact is a map of 60,000 codes, a few megabytes


@dataclass(frozen=True)
class Kind:
    """One kind of artifact: its part of the file name, and how its file is read and written."""
    name: str                                   # "umap2", "errors-noisy", "decoder", "applications1"
    what: str                                   # for messages: "the projection"
    read: Callable[[Path], Any]                 # raises one of UNREADABLE on a file not of this kind
    write: Callable[[BinaryIO, Any], object]    # writes the value to the open file
    suffix: str = ".npz"


def cache_dir() -> Path:
    return Path(os.environ.get("AEVIZ_CACHE", Path.home() / ".cache" / "aeviz" / "projections"))


def file_name(model, kind: Kind, split: str) -> str:
    return _name(model, kind.name, kind.suffix, split)


def _name(model, kind_name: str, suffix: str, split: str) -> str:
    checksum = model.meta.get("checksum", "")[:12]
    return f"{model.checkpoint_id}.{checksum}.{split}.{kind_name}{suffix}"


def stored(model, kind_name: str, split: str, suffix: str = ".npz") -> bool:
    """Whether the artifact's file is in one of its places, unread: what a picker offers
    without importing what reads it (a million-point map is 100 MB)."""
    return any(path.is_file() for path in _places(model, _name(model, kind_name, suffix, split)))


def places(model, kind: Kind, split: str) -> tuple[Path, Path]:
    """Where the artifact is looked for, in order: beside the checkpoint, in the user's cache."""
    return _places(model, file_name(model, kind, split))


def _places(model, name: str) -> tuple[Path, Path]:
    return Path(model.path).parent / name, cache_dir() / name


def find(model, kind: Kind, split: str):
    """The artifact from the first readable file of places(), or None when there is none."""
    for path in places(model, kind, split):
        found = _read(path, kind)
        if found is not None:
            return found
    return None


def get(model, kind: Kind, split: str, compute: Callable[[], Any], on_miss: Callable[[], None] | None = None):
    """The artifact, found on disk or else computed (on_miss() is called first) and saved to the
    user's cache. An unwritable cache costs a computation next time, nothing more."""
    found = find(model, kind, split)
    if found is not None:
        return found
    if on_miss:
        on_miss()
    value = compute()
    path = places(model, kind, split)[1]
    try:
        write_atomic(path, lambda f: kind.write(f, value), kind.what)
    except WriteError as exc:
        log.warning("%s It is computed again next time.", exc)
    else:
        _remember(path, value)
    return value


# --- read once per process ----------------------------------------------------------------------

_memo: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


def _stamp(path: Path) -> tuple | None:
    """The file as it is now: a file replaced since (retrained, rewritten) is read again."""
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path), st.st_mtime_ns, st.st_size, st.st_ino


def _read(path: Path, kind: Kind):
    stamp = _stamp(path)
    if stamp is None:
        return None
    with _lock:
        if stamp in _memo:
            _memo.move_to_end(stamp)
            return _memo[stamp]
    try:
        value = kind.read(path)
    except UNREADABLE:
        return None  # left to be overwritten by a fresh computation
    _remember(path, value, stamp)
    return value


def _remember(path: Path, value, stamp: tuple | None = None) -> None:
    stamp = stamp or _stamp(path)
    if stamp is None:
        return
    with _lock:
        _memo[stamp] = value
        while len(_memo) > MEMO_ENTRIES:
            _memo.popitem(last=False)
