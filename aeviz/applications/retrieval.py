"""Retrieval: for each test image, its 10 nearest training images (Euclidean) among the
codes, the PCA coefficients or the pixels, and the share of them with its label
(precision at 10), averaged over the test split."""
from __future__ import annotations

import numpy as np

K = 10
CHUNK = 1024  # queries at a time: the distance block stays at CHUNK x database floats


def nearest(queries: np.ndarray, database: np.ndarray, k: int) -> np.ndarray:
    """(Q, k) indices into database of each query's k nearest rows, in no particular order."""
    queries, database = np.asarray(queries, np.float64), np.asarray(database, np.float64)
    norms = (database ** 2).sum(1)
    out = []
    for start in range(0, len(queries), CHUNK):
        q = queries[start:start + CHUNK]
        distance = norms[None] - 2 * q @ database.T  # + |q|^2, the same along each row
        out.append(np.argpartition(distance, k - 1, axis=1)[:, :k])
    return np.concatenate(out)


def precision_at_k(train: np.ndarray, train_y: np.ndarray, test: np.ndarray, test_y: np.ndarray, k: int = K) -> float:
    hits = train_y[nearest(test, train, k)] == test_y[:, None]
    return float(hits.mean())


def retrieval(features: dict[str, tuple[np.ndarray, np.ndarray]], train_y: np.ndarray, test_y: np.ndarray) -> dict:
    """{"p_at_10": {space: precision}}."""
    return {"p_at_10": {name: precision_at_k(train, train_y, test, test_y)
                        for name, (train, test) in features.items()}}
