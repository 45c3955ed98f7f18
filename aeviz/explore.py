"""Small numerical helpers for exploring a trained model, shared by the dashboard and
scripts: placing new codes on a 2D map, slider ranges, the 2-d manifold grid,
Gaussian-mixture sampling, image tiling and the two photos held out of training. Nothing
here imports streamlit."""
from __future__ import annotations

import numpy as np
import torch

EXAMPLE_PHOTOS = ("chelsea", "flower")  # the photos dataset's test photos: never seen in training


def place_on_map(map_coords: np.ndarray, map_codes: np.ndarray, codes: np.ndarray, k: int = 8) -> np.ndarray:
    """2D places for codes that are not in the map (an interpolation path, an upload).
    UMAP keeps no transform we can call cheaply, so each code goes to the inverse-distance
    weighted mean of its k nearest mapped codes: exact for a mapped code, an estimate
    (good between neighbours, poor far from the data) for the rest."""
    codes = np.asarray(codes, np.float32).reshape(len(codes), -1)
    dist = np.linalg.norm(map_codes[None, :, :] - codes[:, None, :], axis=2)  # (n, N)
    k = min(k, len(map_codes))
    idx = np.argsort(dist, axis=1)[:, :k]
    d = np.take_along_axis(dist, idx, axis=1)
    w = 1.0 / np.maximum(d, 1e-9) ** 2
    w /= w.sum(1, keepdims=True)
    return (w[..., None] * map_coords[idx][..., :2]).sum(1).astype(np.float32)


def slider_ranges(codes: np.ndarray, has_prior: bool, span: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """Per-dimension (low, high) for latent sliders: +-span prior standard deviations for
    models with a N(0, I) prior, else the data's mean +- span of its standard deviations."""
    d = codes.shape[1]
    if has_prior:
        return np.full(d, -span, np.float32), np.full(d, span, np.float32)
    mean, std = codes.mean(0), codes.std(0)
    std = np.where(std > 1e-6, std, 1.0)
    return (mean - span * std).astype(np.float32), (mean + span * std).astype(np.float32)


def manifold_codes(n: int = 15, edge: float = 0.03) -> np.ndarray:
    """An n x n grid over a 2-d Gaussian latent plane, spaced by the prior's quantiles from
    edge to 1 - edge (as in Kingma & Welling, 2014, Fig. 4), row-major with z2 falling
    down the rows, so the decoded grid reads like the plane."""
    from scipy.stats import norm

    q = norm.ppf(np.linspace(edge, 1 - edge, n))
    z1, z2 = np.meshgrid(q, q[::-1])
    return np.stack([z1.ravel(), z2.ravel()], 1).astype(np.float32)


def sample_mixture(train_codes: np.ndarray, n: int, components: int = 10, temperature: float = 1.0,
                   seed: int = 0) -> np.ndarray:
    """Codes drawn from a Gaussian mixture fitted to the training codes; a plain
    autoencoder's codes are clustered, which one Gaussian blurs into in-between images."""
    from sklearn.mixture import GaussianMixture

    gm = GaussianMixture(n_components=min(components, len(train_codes)), covariance_type="full",
                         reg_covar=1e-4, random_state=0).fit(train_codes)
    rng = np.random.default_rng(seed)
    which = rng.choice(len(gm.weights_), size=n, p=gm.weights_)
    out = np.empty((n, train_codes.shape[1]), np.float32)
    for i, c in enumerate(which):
        chol = np.linalg.cholesky(gm.covariances_[c])
        out[i] = gm.means_[c] + temperature * chol @ rng.standard_normal(train_codes.shape[1])
    return out


def tile(images: torch.Tensor, ncols: int, pad: int = 1, pad_value: float = 1.0) -> torch.Tensor:
    """(N, C, H, W) -> one (C, H', W') image with the N images in rows of ncols."""
    n, c, h, w = images.shape
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    out = torch.full((c, nrows * (h + pad) - pad, ncols * (w + pad) - pad), pad_value, dtype=images.dtype)
    for i in range(n):
        r, col = divmod(i, ncols)
        out[:, r * (h + pad):r * (h + pad) + h, col * (w + pad):col * (w + pad) + w] = images[i]
    return out


def example_photo(name: str) -> torch.Tensor:
    """One of the photos dataset's test photos, whole, as (3, H, W) in [0, 1]."""
    from .data import _photo_arrays

    if name not in EXAMPLE_PHOTOS:
        raise ValueError(f"Unknown example photo '{name}'. Choose one of: {', '.join(EXAMPLE_PHOTOS)}.")
    (arr,) = _photo_arrays([name])
    return torch.from_numpy(np.ascontiguousarray(arr)).permute(2, 0, 1).float() / 255.0
