"""Anomaly detection, for a model trained with classes left out: how well a score tells the
test images of those classes (never seen) from the rest, as the area under the ROC curve
(1: every unseen image scores above every seen one; 0.5: chance).

Two scores: the image's reconstruction error (the model reconstructs what it learned), and
a latent density score, the mean distance from the image's code to its 10 nearest codes of
the training images the model saw (low density, far from them, is anomalous)."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

from ..latent.neighbours import nearest

NEIGHBOURS = 10


def density_score(seen_codes: np.ndarray, codes: np.ndarray, k: int = NEIGHBOURS) -> np.ndarray:
    """Mean distance to the k nearest seen codes: higher is less like what the model saw."""
    return nearest(seen_codes, codes, k)[0].astype(np.float64).mean(1)


def anomaly(classes, test_y: np.ndarray, errors: np.ndarray, seen_codes: np.ndarray,
            test_codes: np.ndarray) -> tuple[dict, dict]:
    """{"classes", "auroc_error", "auroc_density"}, and each score's ROC curve as (M, 2)
    rows of (false positive rate, true positive rate)."""
    unseen = np.isin(test_y, classes)
    scores = {"error": np.asarray(errors, np.float64), "density": density_score(seen_codes, test_codes)}
    summary = {"classes": [int(c) for c in classes]}
    curves = {}
    for name, score in scores.items():
        summary[f"auroc_{name}"] = float(roc_auc_score(unseen, score))
        fpr, tpr, _ = roc_curve(unseen, score)
        curves[f"roc_{name}"] = np.stack([fpr, tpr], 1)
    return summary, curves
