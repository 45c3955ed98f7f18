"""sRGB <-> CIE Lab (D65) in torch, batched and on any device: kornia's conversions, checked
against scikit-image's rgb2lab/lab2rgb in the tests.

kornia is imported on first use: it adds about half a second to `import aeviz`, which
every command and the dashboard pay at start. Autocast is switched off around the
conversions so that a colorizer's Lab targets stay float32 under bf16 training."""
from __future__ import annotations

import torch


def rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) sRGB in [0, 1] -> Lab with L in [0, 100], a and b roughly in [-110, 110]."""
    from kornia.color import rgb_to_lab as kornia_rgb_to_lab

    with torch.autocast(rgb.device.type, enabled=False):
        return kornia_rgb_to_lab(rgb.float().clamp(0, 1))


def lab_to_rgb(lab: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) Lab -> sRGB clipped to [0, 1] (out-of-gamut colors are clipped)."""
    from kornia.color import lab_to_rgb as kornia_lab_to_rgb

    with torch.autocast(lab.device.type, enabled=False):
        return kornia_lab_to_rgb(lab.float(), clip=True)


def gray_lightness(gray: torch.Tensor) -> torch.Tensor:
    """L of a gray image (R = G = B = gray), in [0, 100]."""
    return rgb_to_lab(gray.expand(-1, 3, -1, -1))[:, :1]
