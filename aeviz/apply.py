"""Running a trained model on one image of any size: denoise or colorize a user's photo.

Fully convolutional models see the whole image; large images go through in overlapping
tiles so memory stays bounded whatever the upload's size. A colorizer sees the whole photo
at its training size and paints it at full size by itself. Models with a dense code take
their training size, so the image is resized to it and the result resized back."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .datasets import resize, to_gray

TILE = 256     # tile side for big images: about 100 MB of activations for the shipped models
OVERLAP = 16   # each tile's border is computed but discarded, so seams do not show


@torch.no_grad()
def run_on_image(model, image: torch.Tensor, on_tile=None, saturation: float | None = None) -> torch.Tensor:
    """(C, H, W) in [0, 1] -> the model's output for it, (C_out, H, W). The image is made
    gray or color to match what the model takes; the colorizer is given it in gray, and
    paints saturation times its guess of the colors (None: its own default).
    on_tile(done, total), if given, is called after each model call (one per tile; a model
    that sees the image whole counts as one tile), for a progress bar."""
    dev = next(model.parameters()).device
    want = 1 if model.abilities.colorizes else model.image_shape[0]
    x = image[None].float()
    x = to_gray(x) if want == 1 else (x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x)
    if model.abilities.vector_code:
        h, w = x.shape[-2:]
        size = model.image_shape[-1]
        small = resize(x, size) if (h, w) != (size, size) else x
        out = model.reconstruct(small.to(dev)).float().cpu()
        _report(on_tile, 1, 1)
        return F.interpolate(out, size=(h, w), mode="bilinear", align_corners=False).clamp(0, 1)[0]
    if model.abilities.colorizes:  # it shrinks the photo to its training size itself (models/colorizer.py)
        out = model.reconstruct(x.to(dev), saturation).float().cpu()[0]
        _report(on_tile, 1, 1)
        return out
    return _tiled(model, x, dev, on_tile)[0]


def _report(on_tile, done: int, total: int) -> None:
    if on_tile is not None:
        on_tile(done, total)


def _tiled(model, x, dev, on_tile=None):
    h, w = x.shape[-2:]
    if h <= TILE + 2 * OVERLAP and w <= TILE + 2 * OVERLAP:
        out = model.reconstruct(x.to(dev)).float().cpu()
        _report(on_tile, 1, 1)
        return out
    # The model's own layout (checkpoints.load makes a conv model channels-last): a tile in
    # another layout is converted by every convolution.
    layout = torch.channels_last if model.channels_last else torch.contiguous_format
    out = None
    boxes = tiles(h, w)
    for done, (top, left, bh, bw) in enumerate(boxes, 1):
        t0, l0 = max(top - OVERLAP, 0), max(left - OVERLAP, 0)
        t1, l1 = min(top + bh + OVERLAP, h), min(left + bw + OVERLAP, w)
        y = model.reconstruct(x[..., t0:t1, l0:l1].to(dev, memory_format=layout)).float().cpu()
        if out is None:
            out = torch.empty(1, y.shape[1], h, w)  # every pixel is written by exactly one tile
        out[..., top:top + bh, left:left + bw] = y[..., top - t0:top - t0 + bh, left - l0:left - l0 + bw]
        _report(on_tile, done, len(boxes))
    return out


def tiles(h: int, w: int) -> list[tuple[int, int, int, int]]:
    """(top, left, height, width) of the parts of an h x w image whose outputs are kept; they
    cover it exactly once. Tiles of about TILE x TILE pixels: a thin image gets long thin tiles,
    so the number of model calls follows the pixel count, not the long side (20 x 10,000: 5
    calls, not 40). The short side counts as at least 2 * OVERLAP, since the model pads it up
    to a few rows."""
    th, tw = min(h, TILE), min(w, TILE)
    if th < TILE:
        tw = TILE * TILE // max(th, 2 * OVERLAP)
    elif tw < TILE:
        th = TILE * TILE // max(tw, 2 * OVERLAP)
    return [(top, left, min(th, h - top), min(tw, w - left)) for top in range(0, h, th) for left in range(0, w, tw)]
