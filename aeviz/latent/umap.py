"""UMAP (McInnes, Healy & Melville, 2018, "UMAP: Uniform Manifold Approximation and
Projection") in numpy, scipy and torch: the dashboard's 2D/3D maps of a split's codes.

Why not umap-learn: it is numba code that compiles when first used, and most of its
functions are not cached on disk, so every new server process spent 24-50 s compiling
before its first map. This file follows umap-learn's algorithm step by step (its names in
the comments) with nothing to compile:

1. the n_neighbors nearest codes of each code, exact (aeviz.neighbours; umap-learn searches
   approximately with pynndescent above 4,096 points; aeviz approximately past 50,000 codes,
   where large.py maps a sample of them and places the rest);
2. the fuzzy simplicial set: each code's distances to its neighbours turned into
   memberships (smooth_knn_dist, compute_membership_strengths), made symmetric by the
   fuzzy union P + P^T - P*P^T (fuzzy_simplicial_set);
3. a spectral start: the leading eigenvectors of the graph's normalized adjacency
   (umap-learn's spectral_layout, as the smallest of its Laplacian);
4. stochastic gradient descent on the cross-entropy between the graph and the map, each
   edge sampled in proportion to its weight with 5 negative samples
   (optimize_layout_euclidean). umap-learn moves points one edge at a time; here the edges
   due in an epoch move in 8 parts, each part at once (index_add), which is what makes it
   fast in torch (STEPS says why 8).

Trustworthiness against umap-learn's on the same codes: BENCHMARKS.md, "Time to a latent
map", and tests/test_umap_reference.py."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch

from .neighbours import Approximate, nearest

MIN_DIST, SPREAD = 0.1, 1.0   # umap-learn's defaults, as the dashboard always used
NEGATIVE_SAMPLES = 5          # umap-learn's negative_sample_rate
CLIP = 4.0                    # umap-learn clips each gradient step at 4 per coordinate
# An epoch's due edges move in this many shuffled parts, each part at once. umap-learn moves
# one edge at a time, each seeing the last one's move; moving every due edge at once sums
# a point's steps unseen, and on 50,000 real codes (Fashion-MNIST's, benchmarks/million_map.py)
# cost 0.015 of trustworthiness against umap-learn's map: 0.939 at once, 0.952 in 8 parts,
# 0.953 in 64, umap-learn 0.954, and 8 parts took no longer than 1.
STEPS = 8


def umap(codes: np.ndarray, dim: int = 2, n_neighbors: int = 15, n_epochs: int = 200, seed: int = 0,
         index: Approximate | None = None) -> np.ndarray:
    """(N, D) codes -> (N, dim) float32 coordinates; the same seed gives the same map. With
    an index over the same codes, the neighbours come from it (approximately, for large maps:
    large.py), else they are exact."""
    x = torch.from_numpy(np.ascontiguousarray(codes, dtype=np.float32))
    n_neighbors = max(2, min(n_neighbors, len(x) - 1))
    knn_index, knn_dist = nearest_neighbors(x, n_neighbors, index)
    graph = fuzzy_graph(knn_index, knn_dist)
    gen = torch.Generator().manual_seed(seed)
    start = spectral_start(graph, dim, codes, seed)
    return optimize(graph, start, n_epochs, gen).numpy()


def nearest_neighbors(x: torch.Tensor, k: int, index: Approximate | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices and distances of each row's k nearest rows, itself first (as umap-learn's knn)."""
    dist, index = nearest(x.numpy(), None, k - 1) if index is None else index.search(None, k - 1)
    n = len(x)
    return np.column_stack([np.arange(n), index]), np.column_stack([np.zeros(n, np.float32), dist])


def fuzzy_graph(knn_index: np.ndarray, knn_dist: np.ndarray) -> sp.coo_matrix:
    """umap-learn's fuzzy_simplicial_set with its defaults (local_connectivity 1, bandwidth 1,
    set_op_mix_ratio 1): a symmetric sparse matrix of memberships in [0, 1]."""
    n, k = knn_dist.shape
    strength = memberships(knn_dist[:, 1:])  # the point itself is left out, as in smooth_knn_dist
    rows = np.repeat(np.arange(n), k - 1)
    p = sp.coo_matrix((strength.ravel(), (rows, knn_index[:, 1:].ravel())), shape=(n, n)).tocsr()
    p.sum_duplicates()
    both = p.multiply(p.T)
    graph = (p + p.T - both).tocoo()
    graph.eliminate_zeros()
    return graph


def memberships(distances: np.ndarray) -> np.ndarray:
    """(N, m) distances from each point to its m nearest other points, nearest first -> (N, m)
    memberships in [0, 1]: umap-learn's smooth_knn_dist and compute_membership_strengths, with
    k = m + 1 neighbours counting the point itself (1 up to the nearest, then falling so that
    each row sums to log2(k))."""
    d = distances.astype(np.float64)
    positive = np.where(d > 0, d, np.inf)
    rho = np.where(np.isfinite(positive.min(1)), positive.min(1), 0.0)  # distance to the nearest other point
    sigma = _bandwidths(d - rho[:, None], np.log2(d.shape[1] + 1))
    means = d.sum(1) / (d.shape[1] + 1)  # over the row with the point itself, as umap-learn
    floor = 1e-3 * np.where(rho > 0, means, means.mean())  # umap-learn's MIN_K_DIST_SCALE
    sigma = np.maximum(sigma, floor)
    return np.exp(-np.maximum(d - rho[:, None], 0.0) / sigma[:, None])


def _bandwidths(shifted: np.ndarray, target: float, iterations: int = 64) -> np.ndarray:
    """Per row, the sigma with sum_j exp(-max(shifted_j, 0) / sigma) = target: umap-learn's
    binary search in smooth_knn_dist, for every point at once."""
    lo = np.zeros(len(shifted))
    hi = np.full(len(shifted), np.inf)
    mid = np.ones(len(shifted))
    clipped = np.maximum(shifted, 0.0)
    for _ in range(iterations):
        psum = np.exp(-clipped / mid[:, None]).sum(1)
        done = np.abs(psum - target) < 1e-5
        too_big = (psum > target) & ~done
        hi = np.where(too_big, mid, hi)
        lo = np.where(~too_big & ~done, mid, lo)
        mid = np.where(done, mid, np.where(np.isinf(hi), mid * 2, (lo + hi) / 2))
    return mid


def spectral_start(graph: sp.coo_matrix, dim: int, codes: np.ndarray, seed: int) -> np.ndarray:
    """The starting map: eigenvectors 2..dim+1 of D^-1/2 A D^-1/2 (the smallest of the
    normalized Laplacian, as in umap-learn's spectral_layout), scaled to [0, 10] as umap-learn
    does before optimizing. Where the eigensolver does not converge (a graph in many
    pieces), the codes' first principal components, as umap-learn's init='pca'."""
    from scipy.sparse.linalg import ArpackError, eigsh

    rng = np.random.default_rng(seed)
    n = graph.shape[0]
    degree = np.asarray(graph.sum(1)).ravel()
    inv_sqrt = 1.0 / np.sqrt(np.maximum(degree, 1e-12))
    norm = sp.diags(inv_sqrt) @ graph.tocsr() @ sp.diags(inv_sqrt)
    try:
        if n <= dim + 2:
            raise ArpackError(-1)
        values, vectors = eigsh(norm, k=dim + 1, which="LA", tol=1e-4, v0=np.ones(n),
                                ncv=min(n, max(2 * dim + 3, int(np.sqrt(n)))), maxiter=n * 5)
        start = vectors[:, np.argsort(values)[::-1][1:dim + 1]]
    except (ArpackError, ValueError):
        centered = codes - codes.mean(0)
        start = np.linalg.svd(centered, full_matrices=False)[0][:, :dim]
    start = start * (10.0 / max(np.abs(start).max(), 1e-12)) + rng.normal(scale=1e-4, size=start.shape)
    lo, hi = start.min(0), start.max(0)
    return (10.0 * (start - lo) / np.maximum(hi - lo, 1e-12)).astype(np.float32)


def curve_params(min_dist: float = MIN_DIST, spread: float = SPREAD) -> tuple[float, float]:
    """a and b of the map's similarity 1 / (1 + a d^2b), fitted to the min_dist/spread
    curve as umap-learn's find_ab_params (a = 1.577, b = 0.895 for its defaults)."""
    from scipy.optimize import curve_fit

    xv = np.linspace(0, spread * 3, 300)
    yv = np.where(xv < min_dist, 1.0, np.exp(-(xv - min_dist) / spread))
    (a, b), _ = curve_fit(lambda x, a, b: 1.0 / (1.0 + a * x ** (2 * b)), xv, yv)
    return float(a), float(b)


def optimize(graph: sp.coo_matrix, start: np.ndarray, n_epochs: int, gen: torch.Generator) -> torch.Tensor:
    """umap-learn's optimize_layout_euclidean (gamma 1, learning rate 1 falling linearly to 0),
    with the edges due in an epoch applied in STEPS shuffled parts, each part at once."""
    y = torch.from_numpy(start).clone()
    layout(y, graph.row, graph.col, graph.data, n_epochs, gen)
    return y


def layout(y: torch.Tensor, head: np.ndarray, tail: np.ndarray, weights: np.ndarray, n_epochs: int,
           gen: torch.Generator, fixed: torch.Tensor | None = None, rate: float = 1.0) -> None:
    """Moves the points y (in place) by n_epochs of UMAP's stochastic descent over the edges
    head -> tail with their weights, each sampled in proportion to its weight, the rate
    falling linearly from `rate` to 0. The tails are points of y, and move too; or, given
    `fixed`, points of fixed, which stay where they are and are also the negative samples
    (umap-learn's transform: new points moved among a map that stays)."""
    a, b = curve_params()
    weights = np.asarray(weights, np.float64)
    keep = weights >= weights.max() / n_epochs  # weaker edges are never sampled (umap-learn drops them too)
    head = torch.from_numpy(head[keep].astype(np.int64))
    tail = torch.from_numpy(tail[keep].astype(np.int64))
    every = torch.from_numpy(weights.max() / weights[keep])  # epochs_per_sample
    next_due = every.clone()
    for epoch in range(n_epochs):
        alpha = rate * (1.0 - epoch / n_epochs)
        due = torch.nonzero(next_due <= epoch).squeeze(1)
        next_due[due] += every[due]
        for part in due[torch.randperm(len(due), generator=gen)].chunk(STEPS):
            _step(y, head[part], tail[part], a, b, alpha, gen, fixed)


def _step(y: torch.Tensor, h: torch.Tensor, t: torch.Tensor, a: float, b: float, alpha: float,
          gen: torch.Generator, fixed: torch.Tensor | None) -> None:
    """One part of an epoch's edges, moved at once: attraction along each edge (both ends
    move, unless the tail is fixed), then repulsion of its head from NEGATIVE_SAMPLES random points."""
    others = y if fixed is None else fixed
    diff = y[h] - others[t]
    d2 = (diff * diff).sum(1, keepdim=True)
    coef = torch.where(d2 > 0, -2 * a * b * d2.clamp_min(1e-12).pow(b - 1) / (a * d2.pow(b) + 1), 0.0)
    step = (coef * diff).clamp(-CLIP, CLIP) * alpha
    y.index_add_(0, h, step)
    if fixed is None:
        y.index_add_(0, t, -step)
    h = h.repeat(NEGATIVE_SAMPLES)
    other = torch.randint(len(others), (len(h),), generator=gen)
    if fixed is None:
        keep = other != h
        h, other = h[keep], other[keep]
    diff = y[h] - others[other]
    d2 = (diff * diff).sum(1, keepdim=True)
    coef = 2 * b / ((0.001 + d2) * (a * d2.pow(b) + 1))
    # A random point in the same place as the head pushes nothing (umap-learn's grad_coeff 0).
    step = torch.where(d2 > 0, (coef * diff).clamp(-CLIP, CLIP), 0.0) * alpha
    y.index_add_(0, h, step)
