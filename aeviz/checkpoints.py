"""Self-describing checkpoints: one safetensors file holding the weights and, in its
header, the JSON metadata (config, image shape, dataset, metrics, aeviz version, checksum).

Loading never runs code (no pickle). Writes go to a temporary file that is renamed into
place, so a crash leaves the old file or none, never half of one. A file that fails any
check is refused with one sentence saying what is wrong.
"""
from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import lazy
from .config import ConfigError, TrainConfig
from .safefile import HeaderError, checksum, file_lock, read_metadata, tensor_bytes, write_atomic

# Imported when weights are read or written: listing checkpoints and reading their headers
# (the dashboard's first page) need no torch.
torch = lazy.module("torch")
safetensors_torch = lazy.module("safetensors.torch")

SUFFIX = ".safetensors"
# Installed with the package (package data), so a wheel carries them.
SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"


class CheckpointError(ValueError):
    """A checkpoint that cannot be used; the message says which file and why."""


class CheckpointNotFound(CheckpointError):
    """No checkpoint by that path or id: the user's mistake (the CLI's exit code 2), where a
    file that is there but unreadable is a failure (1)."""


# A checkout (a clone, or `pip install -e .`) keeps what it trains in its own top-level
# checkpoints/ folder, beside its committed link checkpoints/shipped -> aeviz/shipped, which
# marks it: an installed wheel has no such link, so it uses the user's cache instead.
CHECKOUT_DIR = SHIPPED_DIR.parent.parent / "checkpoints"


def in_checkout() -> bool:
    return (CHECKOUT_DIR / "shipped").is_symlink()


def home_cache_dir() -> Path:
    return Path.home() / ".cache" / "aeviz" / "checkpoints"


def user_dir() -> Path:
    """Where new checkpoints go: $AEVIZ_CHECKPOINTS, else a checkout's checkpoints/, else
    ~/.cache/aeviz/checkpoints."""
    return Path(os.environ.get("AEVIZ_CHECKPOINTS", CHECKOUT_DIR if in_checkout() else home_cache_dir()))


def search_dirs() -> list[Path]:
    """Where checkpoints are looked for: the shipped ones, then the user's own. A checkout
    also reads the user's cache, where it kept them before it had its own folder, so none
    trained then goes missing."""
    dirs = [SHIPPED_DIR, user_dir()]
    if "AEVIZ_CHECKPOINTS" not in os.environ and in_checkout():
        dirs.append(home_cache_dir())
    return [d for d in dirs if d.is_dir()]


def save(model: torch.nn.Module, meta: dict, path: Path) -> Path:
    """Write weights and meta atomically to path; returns path."""
    path = Path(path)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    data = safetensors_torch.save(state)  # header + data; the checksum covers the tensors' bytes
    meta = dict(meta)
    meta["checksum"] = checksum(tensor_bytes(data), meta)
    blob = safetensors_torch.save(state, metadata={"aeviz": json.dumps(meta, sort_keys=True)})
    return write_atomic(path, blob, "the checkpoint", error=CheckpointError)


def read_meta(path: Path) -> dict:
    """The metadata alone, from the file's header, without reading the weights."""
    path = Path(path)
    try:
        metadata = read_metadata(path)
    except OSError as exc:
        raise CheckpointError(f"Could not read {path}: {exc.strerror or exc}.") from None
    except HeaderError as exc:
        raise CheckpointError(str(exc)) from None
    return _parse_meta(path, metadata)


def _parse_meta(path: Path, metadata: dict) -> dict:
    try:
        meta = json.loads(metadata["aeviz"])
        TrainConfig.from_dict(meta["config"])
        meta["image_shape"] = [int(s) for s in meta["image_shape"]]
        # load() builds from these and lists use the id: a malformed one must fail here, as a
        # CheckpointError, not later as a KeyError or a ValueError from the model's constructor.
        if len(meta["image_shape"]) != 3 or min(meta["image_shape"]) < 1 or not isinstance(meta["id"], str):
            raise ValueError("image_shape or id")
        return meta
    except ConfigError as exc:
        raise CheckpointError(f"{path.name} has a config aeviz cannot build: {exc}") from None
    except (ValueError, KeyError, TypeError, OverflowError):  # OverflowError: int(Infinity), JSON allows it
        raise CheckpointError(f"{path.name} is not an aeviz checkpoint, or its metadata is malformed.") from None


@dataclass(frozen=True)
class Header:
    """A checkpoint as its header describes it, weights unread: what a page that draws the
    checkpoint's stored artifacts needs (artifacts.py names files by checkpoint_id, meta's
    checksum and path, as for a loaded model), without torch."""
    path: Path
    meta: dict
    config: TrainConfig
    checkpoint_id: str

    @property
    def abilities(self):
        from .models import abilities
        return abilities(self.config)


def header(path_or_id: str | Path) -> Header:
    """The checkpoint's header by path or id, its weights neither read nor verified (load does)."""
    path = resolve(path_or_id)
    meta = read_meta(path)
    return Header(path, meta, TrainConfig.from_dict(meta["config"]), meta["id"])


def load(path_or_id: str | Path, device: str | torch.device = "cpu"):
    """Load and verify a checkpoint by path or id; returns the model in eval mode, with
    .config, .meta, .checkpoint_id and .path attached."""
    path = resolve(path_or_id)
    meta = read_meta(path)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"Could not read {path}: {exc.strerror or exc}.") from None
    # The checksum covers meta and these tensor bytes together: a file replaced between the two
    # reads fails it, so weights never load under a config they were not saved with.
    if meta.get("checksum") != checksum(tensor_bytes(blob), meta):
        raise CheckpointError(f"{path.name} failed its checksum: the file is corrupt or was changed; "
                              "delete it and train again.")
    try:
        state = safetensors_torch.load(blob)
    except Exception:  # safetensors raises its own SafetensorError for any malformed body
        raise CheckpointError(f"{path.name} has malformed weights.") from None
    cfg = TrainConfig.from_dict(meta["config"])
    model = _build_to_fit(cfg, meta["image_shape"], state, path)
    model.eval().to(device)
    if model.channels_last:  # as trained: oneDNN ran a photo's tiles 1.9x sooner in this layout
        model.to(memory_format=torch.channels_last)
    model.config, model.meta, model.checkpoint_id, model.path = cfg, meta, meta["id"], path
    return model


def _build_to_fit(cfg: TrainConfig, image_shape: list[int], state: dict, path: Path) -> torch.nn.Module:
    """The model of cfg with the file's weights. Its shapes are checked on torch's meta device
    (shapes without memory) before anything is allocated: the checksum is no signature, so a
    file can claim a model of any size with a valid one, and building that first would take
    the memory it claims (tens of GB) before load_state_dict refused it."""
    from .models import MODELS, build

    mismatch = CheckpointError(f"{path.name}: its weights do not match its config ({cfg.model}).")
    # The model's module imported first, outside the meta device: a module imported under it
    # makes its own constant tensors there too (the colorizer's palette centers were, and the
    # model then failed at its first guess with "Cannot copy out of meta tensor").
    spec = MODELS.get(cfg.model)
    if spec is not None and hasattr(spec.factory, "resolve"):
        spec.factory.resolve()
    try:
        with torch.device("meta"):
            skeleton = build(cfg, image_shape)
    except ConfigError as exc:
        raise CheckpointError(f"{path.name} has a config aeviz cannot build: {exc}") from None
    except (ValueError, RuntimeError, TypeError, OverflowError):
        # an image shape the model cannot take: a conv's 1x1, or more pixels than a tensor can
        # count (torch's TypeError: a side past int64)
        raise mismatch from None
    if {k: v.shape for k, v in skeleton.state_dict().items()} != {k: v.shape for k, v in state.items()}:
        raise mismatch
    model = build(cfg, image_shape)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError:
        raise mismatch from None
    return model


def verify(path: Path) -> bool:
    """True when the file loads: header, checksum, and weights that fit its config."""
    try:
        load(path)
    except CheckpointError:
        return False
    return True


def resolve(path_or_id: str | Path) -> Path:
    p = Path(path_or_id)
    if p.suffix == SUFFIX or p.exists():
        if not p.is_file():
            raise CheckpointNotFound(f"No checkpoint file at {p}.")
        return p
    found = find(str(path_or_id))
    if found is None:
        raise CheckpointNotFound(f"No checkpoint with id '{path_or_id}'; `aeviz list` shows the ones there are.")
    return found


def find(checkpoint_id: str) -> Path | None:
    """The first checkpoint file with this id in the search dirs, or None."""
    if not checkpoint_id or "/" in checkpoint_id or checkpoint_id.startswith("."):
        return None
    for d in search_dirs():
        p = d / f"{checkpoint_id}{SUFFIX}"
        if p.is_file() and _inside(p, d):
            return p
    return None


def _inside(p: Path, d: Path) -> bool:
    """True when p, symlinks followed, stays inside d: nothing outside it is ever loaded."""
    return p.resolve().is_relative_to(d.resolve())


@dataclass
class Entry:
    path: Path
    meta: dict | None
    error: str | None = None

    @property
    def id(self) -> str:
        return self.meta["id"] if self.meta else self.path.stem


def list_checkpoints(dirs: list[Path] | None = None) -> list[Entry]:
    """Every checkpoint in the search dirs; broken files are listed with their error."""
    entries, seen = [], set()
    for d in dirs if dirs is not None else search_dirs():
        for p in sorted(Path(d).glob(f"*{SUFFIX}")):
            if p.name.startswith(".") or not _inside(p, Path(d)):
                continue
            try:
                if not p.is_file():  # opening a FIFO would wait forever, and the dashboard with it
                    raise CheckpointError(f"{p.name} is not a regular file.")
                meta = read_meta(p)
            except CheckpointError as exc:
                entries.append(Entry(p, None, str(exc)))
                continue
            if meta["id"] not in seen:
                seen.add(meta["id"])
                entries.append(Entry(p, meta))
    return entries


@contextlib.contextmanager
def training_lock(directory: Path, checkpoint_id: str):
    """An exclusive lock per configuration: a second process training the same config
    waits here, then finds the first one's checkpoint instead of training again."""
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(file_lock(Path(directory) / f".{checkpoint_id}.lock"))
        except OSError as exc:  # a read-only folder, or a file where the folder should be
            raise CheckpointError(f"Could not write to the checkpoint folder {directory}: "
                                  f"{exc.strerror or exc}.") from None
        yield
