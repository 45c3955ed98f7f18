"""Reading images a user hands us, and writing images back, without surprises.

Uploads are untrusted: every way a file can be wrong (not an image, truncated, a
decompression bomb, odd modes) ends in an ImageError whose message is one sentence
a person can act on.
"""
from __future__ import annotations

import io
import warnings

import numpy as np

from . import lazy

from PIL import Image, ImageOps, UnidentifiedImageError

torch = lazy.module("torch")  # imported on first use (lazy.py)

MAX_PIXELS = 16_000_000  # 16 MP: a large photo, while a bomb (say 100000x100000) is refused unread
FORMATS = "PNG, JPEG, WebP, BMP, GIF or TIFF"
# Only these decoders ever see an upload: Pillow would otherwise try its forty others on
# any bytes (EPS hands the file to Ghostscript, a program with a history of exploits).
OPEN_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "DIB", "GIF", "TIFF")  # JPEG includes MPO (phone photos)


class ImageError(ValueError):
    """An upload that cannot be used; the message is meant for the user."""


def decode_image(data: bytes, channels: int | None = None, max_pixels: int = MAX_PIXELS) -> torch.Tensor:
    """Bytes of an image file -> (C, H, W) float32 in [0, 1]; C is ``channels`` or the file's own (1 or 3)."""
    if not data:
        raise ImageError("The file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=OPEN_FORMATS)
            w, h = im.size  # read from the header, before any pixel is decoded
            if w * h > max_pixels:
                raise ImageError(f"The image is {w}x{h} pixels, over the {max_pixels / 1e6:.0f}-megapixel limit; "
                                 "resize it first.")
            im.seek(0)  # an animated GIF or multi-page TIFF: its first frame
            im.load()
            im = ImageOps.exif_transpose(im)  # photos taken on their side are shown upright
    except ImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, UnidentifiedImageError):
            raise ImageError(f"This file is not an image aeviz can read; use {FORMATS}.") from None
        raise ImageError(f"The image is too large to open safely; the limit is {max_pixels / 1e6:.0f} megapixels.") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"The image file is truncated or corrupt and cannot be read ({exc.__class__.__name__}).") from None
    if im.width < 1 or im.height < 1:
        raise ImageError("The image has no pixels.")
    arr = _to_float_array(im)  # H, W, C in [0, 1], C is 1 or 3
    if channels == 1 and arr.shape[2] == 3:
        arr = arr @ np.array([0.299, 0.587, 0.114], dtype=np.float32)[:, None]
    elif channels == 3 and arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    return torch.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def _to_float_array(im: Image.Image) -> np.ndarray:
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit (or 32-bit integer) gray: scale by the type's range rather than clipping to 8 bits.
        a = np.asarray(im, dtype=np.float64)
        top = 65535.0 if im.mode.startswith("I;16") or a.max() <= 65535 else float(a.max())
        return (np.clip(a / top, 0, 1)[..., None]).astype(np.float32)
    if im.mode == "F":
        # float64, and NaN or inf (a float TIFF may hold them) set to 0: either would spread NaN.
        a = np.asarray(im, dtype=np.float64)
        a = np.where(np.isfinite(a), a, 0.0)
        span = float(a.max() - a.min()) or 1.0
        return ((a - a.min()) / span)[..., None].astype(np.float32)
    if im.mode in ("1", "L"):
        return (np.asarray(im.convert("L"), dtype=np.float32) / 255.0)[..., None]
    if im.mode in ("LA", "RGBA", "PA", "P") or "transparency" in im.info:
        # Transparent pixels over white, the way a viewer shows them.
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, rgba)
    rgb = np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0  # CMYK, YCbCr, HSV, P...
    if np.allclose(rgb[..., 0], rgb[..., 1]) and np.allclose(rgb[..., 1], rgb[..., 2]):
        return rgb[..., :1]
    return rgb


def to_uint8(x: torch.Tensor | np.ndarray) -> np.ndarray:
    """(C, H, W) or (H, W) float in [0, 1], a tensor or an array -> (H, W) or (H, W, 3) uint8."""
    a = np.clip(x.detach().float().cpu().numpy() if hasattr(x, "detach") else np.asarray(x, np.float32), 0, 1)
    if a.ndim == 3:
        a = a.transpose(1, 2, 0)
        if a.shape[2] == 1:
            a = a[..., 0]
    return (a * 255.0 + 0.5).astype(np.uint8)


def encode_png(x: torch.Tensor | np.ndarray, scale: int = 1) -> bytes:
    """(C, H, W) in [0, 1], a tensor or an array -> PNG bytes, optionally enlarged with crisp
    (nearest) pixels."""
    im = Image.fromarray(to_uint8(x))
    if scale > 1:
        im = im.resize((im.width * scale, im.height * scale), Image.NEAREST)
    buf = io.BytesIO()
    # zlib's fastest level above a megapixel: for a photo, Pillow's default (6) took 3x as long
    # for a file a sixth smaller (benchmarks/photo_stages.py).
    im.save(buf, format="PNG", compress_level=1 if im.width * im.height > 1_000_000 else 6)
    return buf.getvalue()


def tile(images: torch.Tensor, ncols: int, pad: int = 1, pad_value: float = 1.0) -> torch.Tensor:
    """(N, C, H, W) -> one (C, H', W') image, image i at row i // ncols, column i % ncols,
    pad pixels of pad_value between them and none around: torchvision's make_grid less its
    outer border (a test holds them equal). make_grid is not used: importing torchvision
    costs 1.7 s of CPU (it brings torch._dynamo) that no page otherwise pays, it makes a
    gray grid RGB, and it copies image by image, 0.9 s for the map's 16,384 thumbnails
    where these reshapes take 0.1 s."""
    n, c, h, w = images.shape
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    cells = torch.full((nrows * ncols, c, h + pad, w + pad), pad_value, dtype=images.dtype)
    cells[:n, :, :h, :w] = images
    out = cells.reshape(nrows, ncols, c, h + pad, w + pad).permute(2, 0, 3, 1, 4)
    return out.reshape(c, nrows * (h + pad), ncols * (w + pad))[:, :nrows * (h + pad) - pad, :ncols * (w + pad) - pad]


def sprite_sheet(x: torch.Tensor, count: int) -> tuple[bytes, int]:
    """The first `count` images of x (N, C, H, W) tiled `cols` a row with no gaps, image i at
    (i % cols, i // cols), as PNG bytes; returns (png, cols). The thumbnails a browser shows
    for map points (the dashboard's map and the static explorer)."""
    cols = int(np.ceil(np.sqrt(count))) or 1
    return encode_png(tile(x[:count].float(), cols, pad=0), 1), cols  # the last row's empty places white
