"""The classical denoiser a user who knows image processing reaches for first: scikit-image's
non-local means (Buades et al. 2005), as the Denoise page shows it beside the model, as the
Reconstructions page shows PCA. benchmarks/denoise_gains.py compares the two on held-out photos."""
from __future__ import annotations

import numpy as np
import torch

# h as a multiple of sigma, and the patch size and search distance: the settings
# benchmarks/denoise_gains.py found best on training photos at sigma 0.1 to 0.3 (its tuning is
# per sigma; these are the page's one choice; scikit-image's docs suggest 0.8 for fast mode).
NLM_H = 0.5
NLM_PATCH, NLM_DISTANCE = 5, 6
# Non-local means on a 12 MP upload takes minutes: the page runs it on a central region of at
# most this many pixels a side, and compares the model on the same region.
REGION = 512


def region(h: int, w: int, side: int = REGION) -> tuple[slice, slice]:
    """The central side x side box (the whole image when it is smaller) of an h x w image."""
    top, left = max(0, (h - side) // 2), max(0, (w - side) // 2)
    return slice(top, top + min(h, side)), slice(left, left + min(w, side))


def noise_sigma(image: torch.Tensor) -> float:
    """The standard deviation of the Gaussian noise in a (C, H, W) image in [0, 1]
    (aeviz.datasets.corruptions.noise_level), for an upload whose noise level nobody gave. (scikit-image's
    estimate_sigma needs PyWavelets, which aeviz does not install: the page failed with it.)"""
    from ..datasets.corruptions import noise_level

    return float(noise_level(image[None].float())[0])


def nl_means(image: torch.Tensor, sigma: float, h: float = NLM_H, patch: int = NLM_PATCH,
             distance: int = NLM_DISTANCE) -> torch.Tensor:
    """A (C, H, W) image in [0, 1] denoised by non-local means (fast mode) given the noise's
    standard deviation sigma; h is a multiple of sigma. Sigma 0 gives the image back."""
    from skimage.restoration import denoise_nl_means

    if sigma <= 0:
        return image.clone()
    pixels = image.permute(1, 2, 0).numpy().astype(np.float32)
    out = denoise_nl_means(pixels, h=h * sigma, sigma=sigma, fast_mode=True, patch_size=patch,
                           patch_distance=distance, channel_axis=-1)
    return torch.from_numpy(np.asarray(out, dtype=np.float32)).permute(2, 0, 1).clamp(0, 1)
