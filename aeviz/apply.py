"""Running a trained model on one image of any size: denoise or colorize a user's photo.

Fully convolutional models see the whole image; large images go through in overlapping
tiles so memory stays bounded whatever the upload's size. A colorizer sees the whole photo
at its training size and paints it at full size by itself, steered by the user's hints and
reference photo (colorize()). Models with a dense code take their training size, so the image
is resized to it and the result resized back."""
from __future__ import annotations

import math
import numbers

import numpy as np
import torch
import torch.nn.functional as F

from .datasets import resize, to_gray

TILE = 256     # tile side for big images: about 100 MB of activations for the shipped models
OVERLAP = 16   # each tile's border is computed but discarded, so seams do not show


@torch.no_grad()
def run_on_image(model, image: torch.Tensor, on_tile=None, saturation: float | None = None,
                 hints=(), palette: torch.Tensor | None = None) -> torch.Tensor:
    """(C, H, W) in [0, 1] -> the model's output for it, (C_out, H, W). The image is made
    gray or color to match what the model takes; the colorizer is given it in gray, and
    paints saturation times its guess of the colors (None: its own default), steered by
    hints [(x, y, (r, g, b)), ...] (checked ones: check_hints) and palette (PALETTE_SIZE,).
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
        from .models.colorizer import hint_tensor

        size = model.working_size(*x.shape[-2:])
        marks = hint_tensor(list(hints), size, tuple(x.shape[-2:]))[None].to(dev) if hints else None
        out = model.reconstruct(x.to(dev), saturation, marks, None if palette is None else palette[None].to(dev))
        out = out.float().cpu()[0]
        _report(on_tile, 1, 1)
        return out
    return _tiled(model, x, dev, on_tile)[0]


def _report(on_tile, done: int, total: int) -> None:
    if on_tile is not None:
        on_tile(done, total)


def _tiled(model, x, dev, on_tile=None):
    h, w = x.shape[-2:]
    whole = model.image_settings(x)  # measured on the whole image, the same for every tile
    if h <= TILE + 2 * OVERLAP and w <= TILE + 2 * OVERLAP:
        out = model.reconstruct(x.to(dev), **whole).float().cpu()
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
        y = model.reconstruct(x[..., t0:t1, l0:l1].to(dev, memory_format=layout), **whole).float().cpu()
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


class HintError(ValueError):
    """A color hint that cannot be used; the message is one sentence for the user."""


def check_hints(hints, width: int, height: int) -> list[tuple[float, float, tuple[int, int, int]]]:
    """The hints as (x, y, (r, g, b)), or HintError naming the first bad one: x and y inside the
    width x height image (pixels, x right, y down), r, g and b whole numbers from 0 to 255."""
    checked = []
    for hint in hints:
        try:
            x, y, color = hint
        except (TypeError, ValueError):
            raise HintError(f"A hint is (x, y, (r, g, b)), not {hint!r}.") from None
        if not all(isinstance(v, numbers.Real) and math.isfinite(v) for v in (x, y)):
            raise HintError(f"A hint's x and y are numbers, not {x!r} and {y!r}.")
        if not (0 <= x < width and 0 <= y < height):
            raise HintError(f"The hint at ({x:g}, {y:g}) is outside the {width}x{height} image: x runs from 0 to "
                            f"{width - 1} and y from 0 to {height - 1}.")
        if (not isinstance(color, (tuple, list)) or len(color) != 3
                or not all(isinstance(c, numbers.Integral) and 0 <= c <= 255 for c in color)):
            raise HintError(f"The hint at ({x:g}, {y:g}) has the color {color!r}; a color is three whole numbers "
                            "(red, green, blue) from 0 to 255.")
        checked.append((float(x), float(y), tuple(int(c) for c in color)))
    return checked


def default_colorizer():
    """The shipped colorizer that takes hints (the registry says which), loaded."""
    from .checkpoints import SHIPPED_DIR, CheckpointError, list_checkpoints, load
    from .models import abilities

    found = sorted(e.id for e in list_checkpoints([SHIPPED_DIR]) if e.meta and abilities(e.meta["config"]).hints)
    if not found:
        raise CheckpointError("No shipped colorizer that takes hints; train one with "
                              "`aeviz train --model colorizer` and pass its id.")
    return load(found[0])


def colorize_tensor(image: torch.Tensor, hints=(), reference: torch.Tensor | None = None, model=None) -> torch.Tensor:
    """(C, H, W) in [0, 1] (color or gray: only its lightness is read) -> (3, H, W) colorized,
    steered by hints [(x, y, (r, g, b)), ...] and a reference photo (3, h, w) whose colors it
    takes; model: a colorizer that takes hints (None: the shipped one)."""
    from .color import palette

    marks = check_hints(hints, image.shape[-1], image.shape[-2])
    model = default_colorizer() if model is None else model
    if not model.abilities.hints:
        raise HintError(f"{getattr(model, 'checkpoint_id', 'This model')} does not take color hints; "
                        "use a colorizer checkpoint (aeviz list).")
    ref = None if reference is None else palette(reference.expand(3, -1, -1), model.image_shape[-1])
    return run_on_image(model, image, hints=marks, palette=ref)


def colorize(image, hints=(), reference=None, checkpoint=None):
    """The colorized photo: image a PIL image (color or gray; a color one is read for its
    lightness only), hints [(x, y, (r, g, b)), ...] in its pixels (x right, y down; r, g, b 0 to
    255), reference a PIL image whose colors it should take, or None; checkpoint an id or path
    (None: the shipped colorizer). Returns an RGB PIL image of the input's size; a bad hint
    raises HintError with one sentence."""
    from PIL import Image

    from .checkpoints import load
    from .images import to_uint8

    def tensor(im):
        return torch.from_numpy(np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0).permute(2, 0, 1)

    model = None if checkpoint is None else load(checkpoint)
    out = colorize_tensor(tensor(image), hints, None if reference is None else tensor(reference), model)
    return Image.fromarray(to_uint8(out), "RGB")


def parse_hint(text: str) -> tuple[float, float, tuple[int, int, int]]:
    """"X,Y,#RRGGBB" (the CLI's --hint) -> (x, y, (r, g, b)); HintError when it is not that."""
    parts = [p.strip() for p in text.split(",")]
    try:
        x, y = float(parts[0]), float(parts[1])
    except (ValueError, IndexError):
        x = y = None
    if len(parts) != 3 or x is None:
        raise HintError(f"--hint takes X,Y,#RRGGBB (pixels from the top left, and a color), e.g. 120,80,#3366cc, "
                        f"not {text!r}.")
    color = parts[2].removeprefix("#")
    if len(color) != 6 or any(c not in "0123456789abcdefABCDEF" for c in color):
        raise HintError(f"The hint {text!r} has the color {parts[2]!r}; write a color as # and six hex digits, "
                        "e.g. #3366cc.")
    return x, y, tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))
