"""sRGB <-> CIE Lab (D65) in torch, batched and on any device: kornia's conversions, checked
against scikit-image's rgb2lab/lab2rgb in the tests.

kornia is imported on first use: it adds about half a second to `import aeviz`, which
every command and the dashboard pay at start. Autocast is switched off around the
conversions so that a colorizer's Lab targets stay float32 under bf16 training."""
from __future__ import annotations

import torch

from .datasets.corruptions import to_gray


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


# The global hint, a reference photo's color distribution, in two parts:
# - Zhang et al. 2017's global histogram, which the network reads: how much of the photo falls
#   in each cell of a PALETTE_BINS x PALETTE_BINS grid over (a, b) in [-110, 110]. Cells 13.75
#   units wide: coarse enough that a reference of another scene still says "blue and sand",
#   fine enough to tell a deep sky from a gray one.
# - The colors it gives each kind of gray (Welsh et al. 2002, "Transferring Color to Greyscale
#   Images", match pixels by lightness and by the spread of lightness around them): a soft
#   table over LEVELS lightness levels x TEXTURES texture levels of each cell's share of the
#   photo and its mean (a, b). The colorizer paints each pixel the colors of the reference's
#   pixels of its lightness and texture (Colorizer._toward_reference). The histogram alone
#   cannot: it says a photo is blue and green, not which of its grays are the blue.
# The texture is the fourth root of the lightness variance over 3 x 3 pixels, at the
# colorizer's working size, so the levels, evenly spaced, resolve smooth sky and sharp edges
# alike. The constants were chosen on training photos (benchmarks/colorizer_reference.py).
PALETTE_BINS = 16
HISTOGRAM_SIZE = PALETTE_BINS * PALETTE_BINS
LEVELS, LEVEL_SPREAD = 24, 0.03               # lightness levels (gray in [0, 1]) and their Gaussian's sigma
TEXTURES, TEXTURE_TOP, TEXTURE_SPREAD = 10, 0.6, 0.035  # texture levels from 0 to TEXTURE_TOP, and their sigma
VARIANCE_FLOOR = (0.5 / 255) ** 2           # half an 8-bit gray level, squared: less is no texture
CELLS = LEVELS * TEXTURES
PALETTE_SIZE = HISTOGRAM_SIZE + 3 * CELLS  # the histogram, then each cell's share, then its mean a and b times its share


def texture(gray: torch.Tensor) -> torch.Tensor:
    """(N, 1, h, w) gray in [0, 1] -> the fourth root of its variance over each 3 x 3 neighbourhood,
    less VARIANCE_FLOOR: the fourth root would make rounding's variance in a flat area texture."""
    pool = lambda t: torch.nn.functional.avg_pool2d(t, 3, stride=1, padding=1, count_include_pad=False)
    mean = pool(gray)
    return (pool(gray * gray) - mean * mean - VARIANCE_FLOOR).clamp(min=0).sqrt().sqrt()


def cell_weights(gray: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, 1, h, w) gray in [0, 1] -> how much each pixel belongs to each lightness level,
    (N, LEVELS, h * w), and to each texture level, (N, TEXTURES, h * w): Gaussians of its distance
    from the levels. Its weight in the (lightness, texture) cell is their product: kept apart,
    a table is made (cell_table) and read (read_cells) with matrix products, cheap in the browser."""
    levels = torch.linspace(0, 1, LEVELS, device=gray.device, dtype=gray.dtype).view(1, -1, 1)
    textures = torch.linspace(0, TEXTURE_TOP, TEXTURES, device=gray.device, dtype=gray.dtype).view(1, -1, 1)
    by_level = torch.exp(-(gray.flatten(1)[:, None] - levels) ** 2 / (2 * LEVEL_SPREAD ** 2))
    by_texture = torch.exp(-(texture(gray).flatten(1)[:, None] - textures) ** 2 / (2 * TEXTURE_SPREAD ** 2))
    return by_level, by_texture


def cell_table(values: torch.Tensor, cells: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """(N, K, P) values at each pixel and a photo's cell_weights -> (N, K, LEVELS, TEXTURES): each
    value summed over the pixels, weighted by each pixel's weight in each cell."""
    by_level, by_texture = cells
    return (by_level[:, None] * values[:, :, None]) @ by_texture[:, None].transpose(-1, -2)


def read_cells(table: torch.Tensor, cells: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """(N, K, LEVELS, TEXTURES) a table and a photo's cell_weights -> (N, K, P): at each pixel, the
    table's cells summed, weighted by the pixel's weight in each."""
    by_level, by_texture = cells
    n, k = table.shape[:2]
    return ((table.reshape(n, k * LEVELS, TEXTURES) @ by_texture).unflatten(1, (k, LEVELS)) * by_level[:, None]).sum(2)


def histograms(rgb: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) sRGB in [0, 1] -> (N, HISTOGRAM_SIZE) float32: each image's share of pixels
    in each (a, b) cell (row: a, column: b), summing to 1; all the network reads of a palette."""
    ab = rgb_to_lab(rgb)[:, 1:].flatten(2) / 110.0
    cell = ((ab + 1) / 2 * PALETTE_BINS).long().clamp(0, PALETTE_BINS - 1)
    index = cell[:, 0] * PALETTE_BINS + cell[:, 1]
    counts = torch.zeros(len(rgb), HISTOGRAM_SIZE, device=rgb.device).scatter_add_(
        1, index, torch.ones_like(index, dtype=torch.float32))
    return counts / index.shape[1]


def palettes(rgb: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) sRGB in [0, 1] -> (N, PALETTE_SIZE) float32, each image's global hint: its
    histogram, then each (lightness, texture) cell's share of its pixels (lightness major), then
    the cells' mean a and mean b / 110, each times the cell's share."""
    ab = rgb_to_lab(rgb)[:, 1:].flatten(2) / 110.0  # (N, 2, P)
    values = torch.cat([torch.ones_like(ab[:, :1]), ab], 1)  # (N, 3, P): 1 for the share, then a and b
    table = cell_table(values, cell_weights(to_gray(rgb.float())))  # (N, 3, LEVELS, TEXTURES)
    return torch.cat([histograms(rgb), (table / ab.shape[-1]).flatten(1)], 1)


def palette(rgb: torch.Tensor, short_side: int) -> torch.Tensor:
    """The global hint of one reference photo, (3, H, W) sRGB in [0, 1] -> (PALETTE_SIZE,)
    float32, as palettes() gives it, read at the size a colorizer of training size short_side
    sees a photo: shrunk by area to that short side, never enlarged. All zeros means no reference."""
    h, w = rgb.shape[-2:]
    f = short_side / min(h, w)
    if f < 1:
        rgb = torch.nn.functional.interpolate(rgb[None].float(), size=(max(1, round(h * f)), max(1, round(w * f))),
                                              mode="area")[0]
    return palettes(rgb[None].float())[0]
