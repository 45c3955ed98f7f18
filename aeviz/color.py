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


# The global hint (Zhang et al. 2017's global histogram): how much of a photo falls in each
# cell of a PALETTE_BINS x PALETTE_BINS grid over (a, b) in [-110, 110]. Cells 13.75 units wide:
# coarse enough that a reference of another scene still says "blue and sand", fine enough to
# tell a deep sky from a gray one.
PALETTE_BINS = 16
PALETTE_SIZE = PALETTE_BINS * PALETTE_BINS
PALETTE_SIDE = 256  # a larger reference is shrunk to this long side first: the shares barely move


def palettes(rgb: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) sRGB in [0, 1] -> (N, PALETTE_SIZE) float32: each image's share of pixels
    in each (a, b) cell (row: a, column: b), summing to 1."""
    ab = rgb_to_lab(rgb)[:, 1:].flatten(2) / 110.0
    cell = ((ab + 1) / 2 * PALETTE_BINS).long().clamp(0, PALETTE_BINS - 1)
    index = cell[:, 0] * PALETTE_BINS + cell[:, 1]
    counts = torch.zeros(len(rgb), PALETTE_SIZE, device=rgb.device).scatter_add_(
        1, index, torch.ones_like(index, dtype=torch.float32))
    return counts / index.shape[1]


def palette(rgb: torch.Tensor) -> torch.Tensor:
    """The global hint of one reference photo, (3, H, W) sRGB in [0, 1] -> (PALETTE_SIZE,)
    float32: its color distribution as palettes() gives it. All zeros means no reference."""
    h, w = rgb.shape[-2:]
    f = PALETTE_SIDE / max(h, w)
    if f < 1:
        rgb = torch.nn.functional.interpolate(rgb[None].float(), size=(max(1, round(h * f)), max(1, round(w * f))),
                                              mode="area")[0]
    return palettes(rgb[None].float())[0]
