"""Resume state: what a training run needs to continue after a crash from the last epoch
it finished, with the result it would have had uninterrupted.

fit() hands a state (weights, every optimizer's state, the shuffling generator and torch's
global RNG, the epoch and the history so far) to a callback after each epoch; train() writes
it here, atomically, to a hidden file beside the checkpoint, ``.<id>.resume.safetensors``.
Tensors go into the safetensors body, everything else into JSON in its header: no pickle.
Its metadata key is not the checkpoint's, so nothing reads it as a finished checkpoint.
A file that fails any check is ignored with a warning, and the run starts afresh.
"""
from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from .. import __version__
from ..checkpoints import CheckpointError
from ..config import TrainConfig
from ..safefile import checksum, read_metadata, tensor_bytes, write_atomic

KEY = "aeviz_resume"
log = logging.getLogger(__name__)


class ResumeError(ValueError):
    """A resume state that does not fit the run; the run starts afresh instead."""


def path_for(directory: Path, checkpoint_id: str) -> Path:
    return Path(directory) / f".{checkpoint_id}.resume.safetensors"


def capture(model, opts, gen, device, progress: dict) -> dict:
    """The in-memory state after an epoch; progress holds epoch, history and the timers."""
    state = {"model": model.state_dict(), "optimizers": [o.state_dict() for o in opts],
             "generator": gen.get_state(), "torch_rng": torch.get_rng_state(), **progress}
    if device.type == "cuda":
        state["cuda_rng"] = torch.cuda.get_rng_state(device)
    return state


def restore(state: dict, model, opts, gen, device) -> None:
    """Put a captured state back into a freshly built model, its optimizers and generator."""
    own = model.state_dict()
    saved = state["model"]
    if set(saved) != set(own) or any(saved[k].shape != own[k].shape for k in own):
        raise ResumeError("its weights do not fit the model")
    if len(state["optimizers"]) != len(opts):
        raise ResumeError("it has a different number of optimizers")
    model.load_state_dict(saved)
    for opt, sd in zip(opts, state["optimizers"]):
        opt.load_state_dict(sd)
        for p, slots in opt.state.items():  # saved contiguous: back to the layout of their parameter
            for k, v in slots.items():
                if torch.is_tensor(v) and v.shape == p.shape and v.stride() != p.stride():
                    slots[k] = torch.empty_like(p).copy_(v)
    gen.set_state(state["generator"])
    torch.set_rng_state(state["torch_rng"])
    if device.type == "cuda" and "cuda_rng" in state:
        torch.cuda.set_rng_state(state["cuda_rng"], device)


def save(state: dict, cfg: TrainConfig, path: Path) -> Path:
    """Write a captured state atomically; raises CheckpointError when the disk refuses."""
    tensors = {f"model/{k}": v for k, v in state["model"].items()}
    optimizers = []
    for i, sd in enumerate(state["optimizers"]):
        scalars = {}
        for pid, entry in sd["state"].items():
            scalars[str(pid)] = {k: v for k, v in entry.items() if not torch.is_tensor(v)}
            tensors.update({f"opt/{i}/{pid}/{k}": v for k, v in entry.items() if torch.is_tensor(v)})
        optimizers.append({"state": scalars, "param_groups": sd["param_groups"]})
    for name in ("generator", "torch_rng", "cuda_rng"):
        if name in state:
            tensors[f"rng/{name}"] = state[name]
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    meta = {"id": cfg.id, "config": cfg.to_dict(), "optimizers": optimizers,
            "aeviz_version": __version__, "torch_version": torch.__version__,
            **{k: state[k] for k in ("epoch", "history", "first_loss", "seconds", "train_seconds")}}
    meta["checksum"] = checksum(tensor_bytes(save_safetensors(tensors)), meta)
    blob = save_safetensors(tensors, metadata={KEY: json.dumps(meta, sort_keys=True)})
    return write_atomic(Path(path), blob, "the resume state", error=CheckpointError)


def load(path: Path, cfg: TrainConfig) -> dict | None:
    """The state saved for cfg at path, or None when there is none or it fails a check."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return _read(read_metadata(path), path.read_bytes(), cfg)
    except Exception as exc:  # noqa: BLE001  a truncated or foreign file of any shape: start afresh
        log.warning("Ignoring the resume state %s (%s); training %s from the start.", path.name,
                    exc if isinstance(exc, ResumeError) else "it is truncated or corrupt", cfg.id)
        return None


def _read(metadata: dict, blob: bytes, cfg: TrainConfig) -> dict:
    meta = json.loads(metadata[KEY])  # the checksum below ties it to the blob's tensors
    if meta.get("checksum") != checksum(tensor_bytes(blob), meta):
        raise ResumeError("it failed its checksum")
    if meta["id"] != cfg.id or meta["config"] != cfg.to_dict():
        raise ResumeError("it belongs to another configuration")
    if (meta["aeviz_version"], meta["torch_version"]) != (__version__, torch.__version__):
        raise ResumeError("it was written by another version of aeviz or torch")
    if not (1 <= meta["epoch"] <= cfg.epochs and len(meta["history"]) == meta["epoch"]):
        raise ResumeError(f"its epoch {meta['epoch']} does not fit a {cfg.epochs}-epoch run")
    tensors = load_safetensors(blob)
    state = {k: meta[k] for k in ("epoch", "history", "first_loss", "seconds", "train_seconds")}
    state["model"] = {k[len("model/"):]: v for k, v in tensors.items() if k.startswith("model/")}
    state["optimizers"] = [_optimizer(i, o, tensors) for i, o in enumerate(meta["optimizers"])]
    state.update({k[len("rng/"):]: v for k, v in tensors.items() if k.startswith("rng/")})
    return state


def _optimizer(i: int, saved: dict, tensors: dict) -> dict:
    """An optimizer's state_dict again: JSON turned its int keys into strings and tuples into lists."""
    state = {int(pid): dict(scalars) for pid, scalars in saved["state"].items()}
    prefix = f"opt/{i}/"
    for key, v in tensors.items():
        if key.startswith(prefix):
            pid, name = key[len(prefix):].split("/", 1)
            state.setdefault(int(pid), {})[name] = v
    groups = [{k: tuple(v) if isinstance(v, list) and k != "params" else v for k, v in g.items()}
              for g in saved["param_groups"]]
    return {"state": state, "param_groups": groups}


def discard(directory: Path, checkpoint_id: str) -> None:
    """Remove the resume state, once the checkpoint is saved or the run has diverged."""
    with contextlib.suppress(OSError):
        path_for(directory, checkpoint_id).unlink()
    remove_temporary(directory, checkpoint_id)


def remove_temporary(directory: Path, checkpoint_id: str) -> None:
    """Remove the half-written files a killed writer left for this id (they are hidden and
    never read). Call it holding the training lock, so no live writer's file is taken."""
    directory = Path(directory)
    for p in [*directory.glob(f".{checkpoint_id}.*.tmp"), *directory.glob(f"..{checkpoint_id}.resume.*.tmp")]:
        with contextlib.suppress(OSError):
            p.unlink()
