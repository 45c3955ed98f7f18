"""Rate-distortion curves: a coder measured at each of its settings, as rows of
(*setting, bytes per image, PSNR, SSIM), and the questions asked of them."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from ..evaluation.metrics import psnr, ssim

BYTES, PSNR, SSIM = -3, -2, -1  # columns of a curve's rows


def sweep(groups: Sequence[Sequence[tuple]], measure: Callable[[tuple], tuple[float, torch.Tensor]],
          original: torch.Tensor, up_to: float = np.inf) -> np.ndarray:
    """measure(setting) -> (bytes per image, the decoded images), at each setting of each
    group; a group's settings go from fewest bytes to most, and the group stops after the
    first that needs more than up_to bytes per image (it shows where the baseline goes on)."""
    rows = []
    for group in groups:
        for setting in group:
            size, images = measure(setting)
            rows.append((*setting, size, float(psnr(images, original).mean()), float(ssim(images, original).mean())))
            if size > up_to:
                break
    return np.array(rows, np.float64).reshape(len(rows), -1)


def frontier_rows(curve: np.ndarray) -> list[int]:
    """Indices of the rows no other row beats (as few bytes or fewer, higher PSNR), by bytes."""
    keep, best = [], -np.inf
    for i in np.lexsort((-curve[:, PSNR], curve[:, BYTES])):
        if curve[i, PSNR] > best:
            keep.append(int(i))
            best = curve[i, PSNR]
    return keep


def frontier(curve: np.ndarray) -> np.ndarray:
    return curve[frontier_rows(curve)] if len(curve) else curve


def best_within(curve: np.ndarray, budget: float) -> float | None:
    """The highest PSNR among the rows with at most budget bytes per image; None if none has."""
    fits = curve[curve[:, BYTES] <= budget]
    return float(fits[:, PSNR].max()) if len(fits) else None
