"""The map as it learns: the codes of a fixed subset of the test split, recorded at log-spaced
epochs while a model trains, and laid out as frames of one moving map.

Recording (Recorder, the training loop's `watch`): before the first epoch and after each
epoch of record_epochs(), the codes of SUBSET fixed test images (the first ones of a seeded
permutation, so every run of a config records the same images) and the reconstructions of
SHOWN of them. A run killed and resumed keeps the frames it had: they go to a partial file
beside the resume state after each recorded epoch, and a frame at or past the epoch a run
resumes from is recorded again.

Layout (layout()): codes of two dimensions are shown as they are. Otherwise the last frame is the trained model's UMAP map of the subset. Each earlier
frame starts from the later frame's places and is optimized on its own codes' graph for
WARM_EPOCHS (a warm start: a point moves only as far as its neighbours changed), then rotated,
reflected, scaled and shifted onto the later frame by orthogonal Procrustes, so no frame turns
or flips the whole map. The browser interpolates between frames (web/replay/).

The file sits beside the checkpoint as an artifact (`<id>.<checksum>.test.learning.npz`):
codes in float16 and images in uint8, about 1.3 MB for 20 frames of a 16-d code of 28x28
digits (at most 5 MB for 30 epochs is the budget; tests/test_learning.py checks it)."""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .. import artifacts
from ..safefile import write_atomic

SUBSET = 1000      # test images whose codes make each frame
SHOWN = 8          # of them, the ones whose reconstructions each frame keeps
MAX_FRAMES = 24    # log-spaced epochs recorded at most (the epoch 0 frame besides)
WARM_EPOCHS = 60   # UMAP epochs for a frame started from the next frame's places
SEED = 0


@dataclass(frozen=True)
class Learning:
    epochs: np.ndarray      # (F,) the epoch of each frame; 0 is the untrained model
    positions: np.ndarray   # (F, N, 2) float32, each frame aligned to the next
    codes: np.ndarray       # (F, N, D) float16
    labels: np.ndarray      # (N,) int, -1 where the split has no labels
    index: np.ndarray       # (N,) the subset's indices in the test split
    recon: np.ndarray       # (F, SHOWN, C, H, W) uint8: the shown images' reconstructions per frame
    originals: np.ndarray   # (SHOWN, C, H, W) uint8
    test_mse: np.ndarray    # (F,) the subset's mean squared error per frame


def record_epochs(epochs: int, frames: int = MAX_FRAMES) -> list[int]:
    """The epochs after which a run of `epochs` epochs records a frame: 0 (before training),
    then log-spaced from 1 to the last, each once; every epoch when there are few."""
    if epochs <= frames:
        return list(range(epochs + 1))
    spaced = np.unique(np.round(np.geomspace(1, epochs, frames)).astype(int))
    return [0, *(int(e) for e in spaced)]


def subset_index(n: int, size: int = SUBSET, seed: int = SEED) -> np.ndarray:
    """Which of a split's n images are recorded: a seeded choice, sorted, the same every run."""
    return np.sort(np.random.default_rng(seed).permutation(n)[: min(size, n)])


def _uint8(images: torch.Tensor) -> np.ndarray:
    return (images.float().clamp(0, 1) * 255).round().to(torch.uint8).cpu().numpy()


class Recorder:
    """The training loop's `watch`: records a frame at each of record_epochs(epochs).

    partial: where the frames so far are kept while the run goes on (None: memory only)."""

    def __init__(self, epochs: int, partial: Path | None = None):
        self.when = set(record_epochs(epochs))
        self.partial = Path(partial) if partial else None
        self.frames: list[dict] = []
        self.fixed: dict | None = None
        if self.partial is not None:
            with contextlib.suppress(*artifacts.UNREADABLE), np.load(self.partial, allow_pickle=False) as f:
                self.fixed = {k: f[k] for k in ("labels", "index", "originals")}
                self.frames = [{"epoch": int(e), "codes": c, "recon": r, "mse": float(m)}
                               for e, c, r, m in zip(f["epochs"], f["codes"], f["recon"], f["test_mse"])]

    def __call__(self, epoch: int, model, test_ds) -> None:
        # A resumed run records again from the epoch it resumes at: what was recorded then
        # belonged to the run that was stopped.
        self.frames = [fr for fr in self.frames if fr["epoch"] < epoch]
        if epoch not in self.when:
            return
        from . import encode_all

        if self.fixed is None:
            index = subset_index(len(test_ds.x))
            labels = -np.ones(len(index), np.int64) if test_ds.y is None else test_ds.y.numpy()[index]
            self.fixed = {"labels": labels, "index": index, "originals": _uint8(test_ds.x[index[:SHOWN]])}
        index = self.fixed["index"]
        x = test_ds.x[index]
        was_training = model.training
        model.eval()
        try:
            codes = encode_all(model, x)
            with torch.no_grad():
                dev = next(model.parameters()).device
                recon = torch.cat([model.reconstruct(model.prepare(x[i:i + 256]).to(dev)).float().cpu()
                                   for i in range(0, len(x), 256)])
        finally:
            model.train(was_training)
        mse = float(((recon - x.float()) ** 2).mean())
        self.frames.append({"epoch": epoch, "codes": codes.astype(np.float16), "recon": _uint8(recon[:SHOWN]),
                            "mse": mse})
        if self.partial is not None:
            write_atomic(self.partial, lambda f: np.savez(f, **self._arrays()), "the learning record")

    def _arrays(self) -> dict:
        return {"epochs": np.array([fr["epoch"] for fr in self.frames], np.int64),
                "codes": np.stack([fr["codes"] for fr in self.frames]),
                "recon": np.stack([fr["recon"] for fr in self.frames]),
                "test_mse": np.array([fr["mse"] for fr in self.frames], np.float32), **self.fixed}

    def finish(self) -> Learning:
        """The record, laid out as frames of one map."""
        if not self.frames:
            raise ValueError("Nothing was recorded: the run trained no epoch of its own.")
        a = self._arrays()
        return Learning(positions=layout(a["codes"].astype(np.float32)), **a)

    def discard(self) -> None:
        if self.partial is not None:
            self.partial.unlink(missing_ok=True)


def layout(codes: np.ndarray, seed: int = SEED) -> np.ndarray:
    """(F, N, D) codes per frame -> (F, N, 2) places: the last frame's UMAP map, each earlier
    frame warm-started from the next one's places and aligned onto them (module docstring).
    Codes of two dimensions or fewer are their own map: they are shown as they are."""
    from .umap import fuzzy_graph, nearest_neighbors, optimize, umap

    frames = len(codes)
    if codes.shape[-1] <= 2:
        return np.pad(codes, ((0, 0), (0, 0), (0, 2 - codes.shape[-1]))).astype(np.float32)
    out = np.empty((frames, codes.shape[1], 2), np.float32)
    out[-1] = umap(codes[-1], 2, seed=seed, n_epochs=500)
    gen = torch.Generator().manual_seed(seed)
    for f in range(frames - 2, -1, -1):
        x = torch.from_numpy(np.ascontiguousarray(codes[f], np.float32))
        graph = fuzzy_graph(*nearest_neighbors(x, min(15, len(x) - 1)))
        placed = optimize(graph, out[f + 1].copy(), WARM_EPOCHS, gen).numpy()
        out[f] = procrustes(placed, out[f + 1])
    return out


def procrustes(moving: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """moving rotated (or reflected), scaled and shifted to lie as close to fixed as it can,
    in the least-squares sense (orthogonal Procrustes, Schoenemann 1966)."""
    mu_m, mu_f = moving.mean(0), fixed.mean(0)
    a, b = moving - mu_m, fixed - mu_f
    u, s, vt = np.linalg.svd(a.T @ b)
    rotation = u @ vt
    scale = s.sum() / max(float((a * a).sum()), 1e-12)
    return (scale * a @ rotation + mu_f).astype(np.float32)


def write(f, learning: Learning) -> None:
    np.savez(f, **{k: getattr(learning, k) for k in Learning.__dataclass_fields__})


def read(path: Path) -> Learning:
    with np.load(path, allow_pickle=False) as f:
        found = Learning(**{k: f[k] for k in Learning.__dataclass_fields__})
    frames = len(found.epochs)
    if found.positions.shape[0] != frames or found.positions.shape[-1] != 2 or found.recon.shape[0] != frames:
        raise ValueError("not a learning record")
    return found


KIND = artifacts.Kind("learning", "the map as it learned", read, write)


def keep(learning: Learning, model) -> Path:
    """Write the record beside the model's checkpoint, where artifacts.find looks first."""
    path = artifacts.places(model, KIND, "test")[0]
    write_atomic(path, lambda f: write(f, learning), KIND.what)
    return path


def find(model) -> Learning | None:
    """The model's record of its training, or None when it was trained without one."""
    return artifacts.find(model, KIND, "test")


def nbytes(learning: Learning) -> int:
    """The record's size as written (for the 5 MB budget)."""
    buf = io.BytesIO()
    write(buf, learning)
    return buf.getbuffer().nbytes
