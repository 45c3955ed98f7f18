"""The latent space of a trained model: encode a split, project it to 2D/3D (UMAP or PCA)
with an inverse back to codes, interpolate, traverse, sample, and find neighbours.

Projections take seconds (UMAP, in umap.py), so each is computed once per checkpoint,
split, method and dimension and kept on disk; a shipped checkpoint can ship its
projections beside it."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import torch

from .. import artifacts
from . import neighbours, seeded
from .placement import place_on_map  # noqa: F401  (latent.place_on_map: the one placement method)
from ..datasets import load_dataset
from ..models.base import adam

METHODS = ("umap", "pca")


def encode_all(model, x: torch.Tensor, batch: int = 512) -> np.ndarray:
    """Codes of every image, (N, latent_dim) float32."""
    return encode_batches(model, (x[i:i + batch] for i in range(0, len(x), batch)))


@torch.no_grad()
def encode_batches(model, batches) -> np.ndarray:
    """Codes of the images of every batch (an iterable of (B, C, H, W) tensors), in order."""
    dev = next(model.parameters()).device
    out = [model.encode(model.prepare(x).to(dev)).float().cpu() for x in batches]
    return torch.cat(out).flatten(1).numpy() if out else np.zeros((0, model.config.latent_dim), np.float32)


@torch.no_grad()
def decode(model, z: np.ndarray | torch.Tensor, batch: int = 64) -> torch.Tensor:
    # Batches of 64 decoded a walk's 401 codes 2.3x faster than batches of 512 on this CPU
    # (their activations stay in cache; benchmarks/decode_batch.py), with an eighth of the
    # memory per call: the dashboard decodes on every slider release, for every user.
    dev = next(model.parameters()).device
    z = torch.as_tensor(np.asarray(z, dtype=np.float32))
    return torch.cat([model.decode(z[i:i + batch].to(dev)).float().cpu() for i in range(0, len(z), batch)]).clamp(0, 1)


def project(codes: np.ndarray, method: str = "umap", dim: int = 2, seed: int = 0) -> np.ndarray:
    """(N, D) codes -> (N, dim) coordinates."""
    if method not in METHODS:
        raise ValueError(f"Unknown projection '{method}'. Choose one of: {', '.join(METHODS)}.")
    if codes.shape[1] <= dim:
        return np.pad(codes, ((0, 0), (0, dim - codes.shape[1]))).astype(np.float32)
    if method == "pca":
        from sklearn.decomposition import PCA
        return PCA(n_components=dim, random_state=seed).fit_transform(codes).astype(np.float32)
    from .large import SAMPLE, sampled_umap
    from .umap import umap

    if len(codes) > SAMPLE:  # a sample mapped, the rest placed on it (large.py says why)
        return sampled_umap(codes, dim, seed)
    # umap-learn's own epoch counts (500 up to 10,000 points, 200 above): our UMAP moves the
    # edges due in an epoch in a few parts, each part at once, which needs more epochs than
    # umap-learn's one-edge-at-a-time updates to settle (when it moved them all at once: at
    # 5,000 codes, trustworthiness 0.952 after 100 epochs, 0.962 after 400), and costs far
    # less per epoch (BENCHMARKS.md, "Time to a latent map").
    epochs = 500 if len(codes) <= 10_000 else 200
    return umap(codes, dim, n_neighbors=15, n_epochs=epochs, seed=seed)


@dataclass
class Projection:
    """Coordinates of a split's codes, and a small learned map from the plane back to codes."""
    coords: np.ndarray            # (N, dim)
    codes: np.ndarray             # (N, latent_dim)
    labels: np.ndarray | None
    method: str
    inverse_weights: list[np.ndarray] | None = None  # MLP layers: W1, b1, W2, b2, W3, b3
    center: np.ndarray | None = None
    scale: float = 1.0

    def inverse(self, points: np.ndarray) -> np.ndarray:
        """Codes for places on the 2D map, including places where no image lies."""
        if self.inverse_weights is None:
            raise ValueError("This projection has no inverse (only 2D maps have one).")
        h = (np.asarray(points, np.float32).reshape(-1, 2) - self.center) / self.scale
        w = self.inverse_weights
        for i in range(0, len(w) - 2, 2):
            h = np.maximum(h @ w[i] + w[i + 1], 0)
        return (h @ w[-2] + w[-1]).astype(np.float32)

    def distance_to_data(self, points: np.ndarray) -> np.ndarray:
        """Distance to the nearest real point, in units of the typical spacing between
        neighbouring points: about 1 inside the data, much more out in the empty plane."""
        xy = self.coords[:, :2]
        return neighbours.nearest(xy, np.asarray(points, np.float32).reshape(-1, 2), 1)[0][:, 0] / neighbours.spacing(xy)


def fit_inverse(coords: np.ndarray, codes: np.ndarray, steps: int = 500, batch: int = 512, seed: int = 0):
    """A 2 -> 128 -> 128 -> D ReLU network fitted to map coordinates back to codes. It
    answers in microseconds anywhere on the plane, where umap's own inverse_transform
    takes seconds and fails outside the data's hull. Mini-batches keep its cost the same
    for any number of points. Its steps are so small that their count, not their size, sets
    the time: 500 steps of 512 with a fused Adam (inverse error in BENCHMARKS.md)."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    center = coords.mean(0).astype(np.float32)
    scale = float(coords.std()) or 1.0
    x = torch.from_numpy((coords - center) / scale).float()
    y = torch.from_numpy(codes).float()
    net = torch.nn.Sequential(torch.nn.Linear(2, 128), torch.nn.ReLU(), torch.nn.Linear(128, 128),
                              torch.nn.ReLU(), torch.nn.Linear(128, codes.shape[1]))
    opt = adam(net.parameters(), lr=5e-3)
    for _ in range(steps):
        idx = torch.randint(len(x), (batch,), generator=gen) if len(x) > batch else slice(None)
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(x[idx]), y[idx]).backward()
        opt.step()
    weights = []
    for layer in net:
        if isinstance(layer, torch.nn.Linear):
            weights += [layer.weight.detach().numpy().T.copy(), layer.bias.detach().numpy().copy()]
    return weights, center, scale


def projection_kind(method: str, dim: int) -> artifacts.Kind:
    """The map's file: `{checkpoint}.{checksum}.{split}.{method}{dim}.npz` (artifacts.py)."""
    return artifacts.Kind(f"{method}{dim}", "the projection", functools.partial(read_projection, method=method),
                          write_projection)


def cached_projection(model, split: str = "test", method: str = "umap", dim: int = 2,
                      data_dir=None, on_miss=None) -> Projection:
    """The projection of a split's codes, from disk when computed before (beside the
    checkpoint, or in the user's cache); else computed, with its inverse, and saved."""
    def compute() -> Projection:
        cfg = model.config
        ds = load_dataset(cfg.dataset, split, cfg.image_size, cfg.grayscale, data_dir)
        return make_projection(model, encode_all(model, ds.x), None if ds.y is None else ds.y.numpy(), method, dim)

    return artifacts.get(model, projection_kind(method, dim), split, compute, on_miss)


def make_projection(model, codes: np.ndarray, labels: np.ndarray | None, method: str, dim: int) -> Projection:
    """The projection of codes, with its inverse when it is a 2D map."""
    coords = project(codes, method, dim, seed=model.config.seed)
    proj = Projection(coords, codes, labels, method)
    if dim == 2:
        proj.inverse_weights, proj.center, proj.scale = fit_inverse(coords, codes)
    return proj


def write_projection(f: BinaryIO, proj: Projection) -> None:
    arrays = {"coords": proj.coords, "codes": proj.codes}
    if proj.labels is not None:
        arrays["labels"] = proj.labels
    if proj.inverse_weights is not None:
        arrays.update({f"inv{i}": w for i, w in enumerate(proj.inverse_weights)})
        arrays["center"], arrays["scale"] = proj.center, np.float32(proj.scale)
    np.savez(f, **arrays)


def read_projection(path: Path, method: str) -> Projection:
    with np.load(path, allow_pickle=False) as f:
        inv = [f[f"inv{i}"] for i in range(6)] if "inv0" in f else None
        return Projection(f["coords"], f["codes"], f["labels"] if "labels" in f else None, method, inv,
                          f["center"] if inv else None, float(f["scale"]) if inv else 1.0)


# --- moving through the space ------------------------------------------------------------------

def interpolate(z0: np.ndarray, z1: np.ndarray, steps: int, mode: str = "linear") -> np.ndarray:
    """steps codes from z0 to z1 inclusive; 'slerp' follows the great circle (White, 2016,
    "Sampling Generative Networks"), which keeps Gaussian codes at a typical norm."""
    z0, z1 = np.asarray(z0, np.float64).ravel(), np.asarray(z1, np.float64).ravel()
    t = np.linspace(0.0, 1.0, steps)[:, None]
    if mode == "linear":
        return ((1 - t) * z0 + t * z1).astype(np.float32)
    if mode != "slerp":
        raise ValueError(f"Unknown interpolation '{mode}'. Choose 'linear' or 'slerp'.")
    n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
    if n0 < 1e-8 or n1 < 1e-8:
        return ((1 - t) * z0 + t * z1).astype(np.float32)
    omega = np.arccos(np.clip(np.dot(z0 / n0, z1 / n1), -1.0, 1.0))
    if omega < 1e-6:
        return ((1 - t) * z0 + t * z1).astype(np.float32)
    s = np.sin(omega)
    return (np.sin((1 - t) * omega) / s * z0 + np.sin(t * omega) / s * z1).astype(np.float32)


def traversal(z: np.ndarray, dims, values) -> np.ndarray:
    """Codes that vary each dimension in dims over values, the others held at z:
    shape (len(dims) * steps, D), dimension-major. values is one row of steps shared by
    every dimension, or one row per dimension (each slider's own range)."""
    z = np.asarray(z, np.float32).ravel()
    values = np.broadcast_to(np.asarray(values, np.float32), (len(dims), np.shape(values)[-1]))
    steps = values.shape[1]
    out = np.repeat(z[None], len(dims) * steps, axis=0)
    for i, d in enumerate(dims):
        out[i * steps:(i + 1) * steps, d] = values[i]
    return out


def sample_codes(model, n: int, temperature: float = 1.0, seed: int = 0,
                 train_codes: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """Codes to decode into new images, and where they came from: the model's N(0, I)
    prior (VAE, AAE), or a Gaussian fitted to the training codes for plain autoencoders."""
    d = model.config.latent_dim
    if model.abilities.prior:
        return sample_from(standard_normal(d), n, temperature, seed), "the N(0, I) prior"
    if train_codes is None:
        raise ValueError("A plain autoencoder has no prior: pass its training codes to fit one.")
    return sample_from(fit_gaussian(train_codes), n, temperature, seed), "a Gaussian fitted to the training codes"


def nearest(codes: np.ndarray, query: np.ndarray, k: int = 8, exclude: int | None = None) -> np.ndarray:
    """Indices of the k codes nearest to query (Euclidean), nearest first."""
    asked = min(k + (exclude is not None), len(codes))
    idx = neighbours.nearest(codes, np.asarray(query, np.float32).reshape(1, -1), asked)[1][0]
    return idx[idx != exclude][:k]


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


def fit_gaussian(train_codes: np.ndarray) -> dict:
    """One Gaussian fitted to the codes, in the shape of fit_mixture's answer (as
    sample_codes fits it: the sample covariance, a little ridge so it factors)."""
    d = train_codes.shape[1]
    cov = np.cov(train_codes, rowvar=False) + 1e-6 * np.eye(d)
    return {"weights": np.ones(1), "means": train_codes.mean(0)[None], "chols": np.linalg.cholesky(cov)[None]}


def fit_mixture(train_codes: np.ndarray, components: int = 10) -> dict:
    """A Gaussian mixture fitted to the codes: {"weights" (K,), "means" (K, D), "chols"
    (K, D, D) lower Cholesky factors of the covariances}; a sample is mean + L @ N(0, I)."""
    from sklearn.mixture import GaussianMixture

    gm = GaussianMixture(n_components=min(components, len(train_codes)), covariance_type="full",
                         reg_covar=1e-4, random_state=0).fit(train_codes)
    return {"weights": gm.weights_, "means": gm.means_, "chols": np.linalg.cholesky(gm.covariances_)}


def sample_mixture(train_codes: np.ndarray, n: int, components: int = 10, temperature: float = 1.0,
                   seed: int = 0) -> np.ndarray:
    """Codes drawn from a Gaussian mixture fitted to the training codes; a plain
    autoencoder's codes are clustered, which one Gaussian blurs into in-between images."""
    return sample_from(fit_mixture(train_codes, components), n, temperature, seed)


def standard_normal(latent_dim: int) -> dict:
    """N(0, I), a VAE's prior, as a one-component mixture in fit_mixture's shape."""
    return {"weights": np.ones(1), "means": np.zeros((1, latent_dim)), "chols": np.eye(latent_dim)[None]}


def sample_from(dist: dict, n: int, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
    """n codes from a Gaussian mixture (fit_mixture's shape): for each, a component by its
    weight, then mean + temperature * L @ N(0, I). The draws are the Sampling page's
    (aeviz.seeded), on the float32 parameters the page receives, so a seed gives the same
    codes here and in the browser."""
    weights = np.asarray(dist["weights"], np.float64)
    weights = weights / weights.sum()
    means = np.asarray(dist["means"], np.float32).astype(np.float64)
    chols = np.tril(np.asarray(dist["chols"], np.float32).astype(np.float64))
    u, eps = seeded.mixture_noise(seed, n, means.shape[1])
    which = np.zeros(n, np.int64)
    for k in range(len(weights) - 1):  # the page's walk along the weights, float for float
        moving = (which == k) & (u >= weights[k])
        u[moving] -= weights[k]
        which[moving] += 1
    return (means[which] + temperature * np.einsum("nij,nj->ni", chols[which], eps)).astype(np.float32)
