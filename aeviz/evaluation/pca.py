"""PCA's reconstructions in numpy, from a basis stored on disk: the baseline the pages show
beside a model's, drawn without torch (metrics.pca_project is the same in torch)."""
from __future__ import annotations

import numpy as np


def pca_images(x: np.ndarray, mean: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """(N, ...) images in [0, 1] reconstructed from their coefficients on the PCA axes (D, k),
    in float64 (a basis read back in float32 is widened): metrics.pca_project, in numpy."""
    mean, axes = mean.astype(np.float64), axes.astype(np.float64)
    b = x.reshape(len(x), -1).astype(np.float64) - mean
    return ((b @ axes) @ axes.T + mean).clip(0, 1).astype(np.float32).reshape(x.shape)
