"""Retrieval: for each test image, its 10 nearest training images (Euclidean) among the
codes, the PCA coefficients or the pixels, and the share of them with its label
(precision at 10), averaged over the test split."""
from __future__ import annotations

import numpy as np

from ..latent.neighbours import nearest

K = 10


def precision_at_k(train: np.ndarray, train_y: np.ndarray, test: np.ndarray, test_y: np.ndarray, k: int = K) -> float:
    hits = train_y[nearest(train, test, k)[1]] == test_y[:, None]
    return float(hits.mean())


def retrieval(features: dict[str, tuple[np.ndarray, np.ndarray]], train_y: np.ndarray, test_y: np.ndarray) -> dict:
    """{"p_at_10": {space: precision}}."""
    return {"p_at_10": {name: precision_at_k(train, train_y, test, test_y)
                        for name, (train, test) in features.items()}}
