"""Per-image reconstruction error of a split, the model's and PCA's at the same code size:
what the Reconstructions page sorts by (worst first: the anomalies) and draws as a
histogram. Computed once per checkpoint, split and input noise, and kept on disk like the
maps (beside a shipped checkpoint, else in the user's cache) together with the PCA basis,
so a page decodes only the images it shows. A shipped checkpoint also ships its test split's
reconstructions (8-bit, as a page shows them): the dashboard's first page then draws from
disk alone, without torch (imported here only to compute)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import artifacts, lazy
from ..datasets import corrupt, load_dataset
from ..datasets.classes import training_images

torch = lazy.module("torch")  # imported on first use (lazy.py)
CHUNK = 8192  # images of the augmented set measured at once


@dataclass
class Errors:
    mse: np.ndarray                      # (N,) the model's per-image MSE against the clean image
    pca_mse: np.ndarray | None = None    # (N,) PCA's, for a model with a code vector
    pca_mean: np.ndarray | None = None   # (D,) and (D, k): the PCA fitted on the training split
    pca_axes: np.ndarray | None = None


def noisy_by_default(model) -> bool:
    """A denoiser's reconstructions are first shown on inputs with its training noise."""
    return model.config.noise != "none" and model.config.noise_level > 0


def inputs(model, x: torch.Tensor, noisy: bool) -> torch.Tensor:
    """What the model is fed for the clean images x: with its own training noise when noisy
    (seeded by its config, so image i gets the same noise whichever images are asked for)."""
    cfg = model.config
    if not noisy:
        return x
    if not in_memory(x):  # the noise of image i is drawn after that of all before it
        raise ValueError("Noisy inputs are drawn for a split held in memory, not for the augmented set.")
    return corrupt(x, cfg.noise, cfg.noise_level, torch.Generator().manual_seed(cfg.seed))


def in_memory(x) -> bool:
    """Whether a split's x is one tensor, not a set made as it is read (datasets/augmented.py)."""
    return torch.is_tensor(x)


def kind(noisy: bool) -> artifacts.Kind:
    """The errors' file: `{checkpoint}.{checksum}.{split}.errors[-noisy].npz` (artifacts.py)."""
    return artifacts.Kind("errors-noisy" if noisy else "errors", "the reconstruction errors", read, write)


def read(path: Path) -> Errors:
    with np.load(path, allow_pickle=False) as f:
        return Errors(**{k: f[k] for k in f.files})


def write(f, errors: Errors) -> None:
    np.savez(f, **{k: v for k, v in vars(errors).items() if v is not None})


def cached_errors(model, split: str = "test", noisy: bool = False, data_dir=None) -> Errors:
    """The split's per-image errors, from disk when computed before, else computed and saved."""
    return artifacts.get(model, kind(noisy), split, lambda: compute(model, split, noisy, data_dir))


def compute(model, split: str, noisy: bool, data_dir=None) -> Errors:
    from .metrics import mse_per_image, pca_basis, pca_project, reconstruct_all

    cfg = model.config
    x = load_dataset(cfg.dataset, split, cfg.image_size, cfg.grayscale, data_dir).x
    pca = model.abilities.vector_code and not model.abilities.colorizes
    if pca:
        train_x = training_images(cfg, data_dir).x  # what the model saw: PCA sees no more
        mean, axes = pca_basis(train_x, cfg.latent_dim)
    # A split in memory goes through at once; the augmented set (a million images) a chunk
    # at a time, so that only a chunk of images and outputs is ever held.
    chunks = [x] if in_memory(x) else (x[i:i + CHUNK] for i in range(0, len(x), CHUNK))
    mse, pca_mse = [], []
    for part in chunks:
        mse.append(mse_per_image(reconstruct_all(model, model.prepare(inputs(model, part, noisy))), part))
        if pca:
            pca_mse.append(mse_per_image(pca_project(part, mean, axes), part))
    errors = Errors(torch.cat(mse).numpy())
    if pca:
        errors.pca_mse = torch.cat(pca_mse).numpy()
        errors.pca_mean, errors.pca_axes = mean.float().numpy(), axes.float().numpy()
    return errors


# --- the reconstructions a page shows ----------------------------------------------------------

def shows_clean(model) -> bool:
    """The Reconstructions page opens on the clean images fed as they are (not a denoiser's
    noisy inputs, nor a colorizer's gray ones): the reconstructions that can ship."""
    return not noisy_by_default(model) and not model.abilities.colorizes


def _read_outputs(path: Path) -> np.ndarray:
    with np.load(path, allow_pickle=False) as f:
        outputs = f["outputs"]
    if outputs.dtype != np.uint8 or outputs.ndim != 4:
        raise ValueError("not 8-bit reconstructions")
    return outputs


# `{checkpoint}.{checksum}.{split}.reconstructions.npz`: (N, C, H, W) uint8, the model's output
# for the clean images; compressed, for these are shipped.
RECONSTRUCTIONS = artifacts.Kind("reconstructions", "the reconstructions", _read_outputs,
                                 lambda f, outputs: np.savez_compressed(f, outputs=outputs))


def cached_reconstructions(model, split: str = "test", data_dir=None) -> np.ndarray:
    """The model's reconstructions of the clean split as 8-bit pixels, from disk or computed."""
    return artifacts.get(model, RECONSTRUCTIONS, split, lambda: compute_reconstructions(model, split, data_dir))


def compute_reconstructions(model, split: str, data_dir=None) -> np.ndarray:
    from .metrics import reconstruct_all

    cfg = model.config
    x = load_dataset(cfg.dataset, split, cfg.image_size, cfg.grayscale, data_dir).x
    return (reconstruct_all(model, model.prepare(x)).clamp(0, 1).numpy() * 255.0 + 0.5).astype(np.uint8)
