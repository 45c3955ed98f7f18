"""The three spaces each application is measured in, for one checkpoint: its codes, PCA of
the pixels with as many components as the code, and the pixels themselves, on the train
and the test split, with the labels.

PCA is fitted on the training images the model saw (less any classes it left out), so
that the linear baseline knows no more than the model; the probes and the retrieval use
every training image's label, so that they ask whether a space separates the classes, the
left-out ones included."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..datasets.classes import class_count, label_problem
from ..datasets import load_dataset
from ..latent import encode_all
from ..evaluation.metrics import pca_basis

PCA_SIZES = (1, 2, 4, 8, 16, 32, 64)  # components of the PCA compression curve, with the code's own size


@dataclass
class Spaces:
    train_x: torch.Tensor            # (N, C, H, W): the whole train split
    test_x: torch.Tensor
    train_y: np.ndarray | None
    test_y: np.ndarray | None
    seen: np.ndarray                 # (N,) bool: the training images the model trained on
    train_codes: np.ndarray          # (N, latent_dim)
    test_codes: np.ndarray
    pca_mean: torch.Tensor           # (pixels,) float64
    pca_axes: torch.Tensor           # (pixels, K) float64, largest variance first
    pca_train: np.ndarray            # (N, K) coefficients on those axes
    pca_test: np.ndarray
    label_problem: str | None        # why the labels cannot be used, or None
    n_classes: int = 0

    @property
    def latent_dim(self) -> int:
        return self.train_codes.shape[1]

    def pca_sizes(self) -> list[int]:
        return sorted({k for k in (*PCA_SIZES, self.latent_dim) if k <= self.pca_axes.shape[1]})

    def pca(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Train and test coefficients on the first k principal axes."""
        return self.pca_train[:, :k], self.pca_test[:, :k]

    def pca_images(self, coefficients: np.ndarray) -> torch.Tensor:
        """Test-shaped images back from coefficients on the first k axes."""
        k = coefficients.shape[1]
        flat = torch.from_numpy(coefficients).double() @ self.pca_axes[:, :k].T + self.pca_mean
        return flat.clamp(0, 1).float().view(len(coefficients), *self.test_x.shape[1:])

    def features(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Train and test features of the codes, PCA at the code's size, and the pixels."""
        return {"codes": (self.train_codes, self.test_codes), "pca": self.pca(self.latent_dim),
                "pixels": (self.train_x.flatten(1).numpy(), self.test_x.flatten(1).numpy())}


def spaces_for(model, data_dir=None) -> Spaces:
    cfg = model.config
    args = (cfg.image_size, cfg.grayscale, data_dir)
    train, test = load_dataset(cfg.dataset, "train", *args), load_dataset(cfg.dataset, "test", *args)
    problem = label_problem(train, test)
    train_y = None if train.y is None else train.y.numpy()
    seen = np.ones(len(train), bool)
    if cfg.exclude_classes and train_y is not None:
        seen = ~np.isin(train_y, cfg.exclude_classes)
    mean, axes = pca_basis(train.x[torch.from_numpy(seen)], max(max(PCA_SIZES), cfg.latent_dim))
    train_pca, test_pca = (((x.flatten(1).double() - mean) @ axes).float().numpy() for x in (train.x, test.x))
    return Spaces(train.x, test.x, train_y, None if test.y is None else test.y.numpy(), seen,
                  encode_all(model, train.x), encode_all(model, test.x), mean, axes, train_pca, test_pca, problem,
                  0 if problem else class_count(train, test))
