"""Features: a linear probe (logistic regression on standardized features) trained on the
train split's codes, PCA coefficients or pixels, with 10 labels a class, 100, or all of
them, and its accuracy on the test split. The same training images for every space, drawn
once per class with a fixed seed: a space wins by its features, not by its draw."""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

PER_CLASS = {"10": 10, "100": 100, "all": None}
# lbfgs to a gradient of 1e-3, not sklearn's 1e-4: the pixels' probe on mnist5k's 4,000
# images then stops after ~25 iterations, not ~100, within 0.5% of the same accuracy.
TOLERANCE, MAX_ITER = 1e-3, 300


def labelled_subset(labels: np.ndarray, per_class: int | None, seed: int = 0) -> np.ndarray:
    """Indices of per_class images of each class (all of them when None, or when fewer)."""
    if per_class is None:
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:per_class]
                                   for c in np.unique(labels)]))


def accuracy(train: np.ndarray, train_y: np.ndarray, test: np.ndarray, test_y: np.ndarray) -> float:
    classifier = make_pipeline(StandardScaler(), LogisticRegression(tol=TOLERANCE, max_iter=MAX_ITER))
    with warnings.catch_warnings():  # a probe stopped at MAX_ITER is still a probe; no warning for the user
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(train, train_y)
    return float(classifier.score(test, test_y))


def probe(features: dict[str, tuple[np.ndarray, np.ndarray]], train_y: np.ndarray, test_y: np.ndarray) -> dict:
    """{"10": {space: accuracy}, "100": {...}, "all": {...}}."""
    out = {}
    for name, per_class in PER_CLASS.items():
        idx = labelled_subset(train_y, per_class)
        out[name] = {space: accuracy(train[idx], train_y[idx], test, test_y)
                     for space, (train, test) in features.items()}
    return out
