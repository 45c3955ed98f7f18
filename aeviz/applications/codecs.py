"""JPEG and WebP through Pillow: the classic codecs beside the autoencoder, on the same images.

Bytes are counted as for the autoencoder: what differs from image to image is counted for
each image, what is the same for all is counted once for the split. JPEG: the scan of each
image (it ends with its own marker), plus its headers (quantization and Huffman tables,
image size: the same for every image at one size and quality) once. WebP: each image's VP8
chunk with its length; only the 12-byte RIFF header is left out. Each codec runs at a few
qualities and at full, half and quarter size (shrunk with Lanczos before coding, enlarged
bicubically after): shrinking is how a JPEG reaches the few bytes an autoencoder's code
takes. At full size JPEG cannot make a 28x28 digit smaller than about 40 bytes, nor WebP
than about 110. Pillow spends most of its time per call, not per pixel, on images this
small (0.2 ms a JPEG, 0.45 ms a WebP, coded and decoded), so the grids are short and stop
above the bytes the plot shows (compression.py)."""
from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image

from .curves import sweep

QUALITIES = {"jpeg": (1, 10, 30, 60, 90), "webp": (1, 30, 60, 90)}
SHRINK = {"jpeg": (1, 2, 4), "webp": (1, 2)}
MIN_SIDE = 4  # no codec is run on images shrunk below this


def curve(name: str, x: torch.Tensor, up_to: float = np.inf) -> np.ndarray:
    """Rows of (shrink, quality, bytes per image, PSNR, SSIM) for the codec on images x,
    each size's qualities rising until one needs more than up_to bytes per image."""
    images = (x.clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    groups = [[(shrink, q) for q in QUALITIES[name]] for shrink in SHRINK[name]
              if min(x.shape[-2:]) // shrink >= MIN_SIDE]
    return sweep(groups, lambda setting: run(name, images, *setting), x, up_to)


def run(name: str, images: np.ndarray, shrink: int, q: int) -> tuple[float, torch.Tensor]:
    """Bytes per image and the decoded images, (N, C, H, W) in [0, 1], for uint8 (N, H, W, C)."""
    n, h, w, c = images.shape
    small = (max(1, w // shrink), max(1, h // shrink))
    per_image, headers, decoded = 0, set(), []
    for array in images:
        img = Image.fromarray(array[..., 0] if c == 1 else array)
        if shrink > 1:
            img = img.resize(small, Image.LANCZOS)
        buf = io.BytesIO()
        if name == "jpeg":
            img.save(buf, "JPEG", quality=q)
            header, body = split_jpeg(buf.getvalue())
            headers.add(header)
            per_image += len(body)
        else:  # WebP codes color only: a gray image goes in as RGB and comes back as gray
            img.convert("RGB").save(buf, "WEBP", quality=q)
            per_image += len(buf.getvalue()) - 12
        # Naming the format spares Pillow trying six others first (a third of WebP's time).
        out = Image.open(io.BytesIO(buf.getvalue()), formats=[name.upper()]).convert("L" if c == 1 else "RGB")
        if shrink > 1:
            out = out.resize((w, h), Image.BICUBIC)
        decoded.append(np.asarray(out, np.float32).reshape(h, w, c))
    size = (per_image + sum(len(header) for header in headers)) / n
    return size, torch.from_numpy(np.stack(decoded) / 255.0).permute(0, 3, 1, 2).float().contiguous()


def split_jpeg(blob: bytes) -> tuple[bytes, bytes]:
    """(headers, scan) of a baseline JPEG file: everything up to the end of the start-of-scan
    segment, then the entropy-coded data and the end marker. Read segment by segment, since
    a table's bytes may look like a marker."""
    at = 2  # past the start-of-image marker
    while at + 4 <= len(blob) and blob[at] == 0xFF:
        marker, length = blob[at + 1], int.from_bytes(blob[at + 2:at + 4], "big")
        at += 2 + length
        if marker == 0xDA:  # start of scan: its header ends here
            return blob[:at], blob[at:]
    raise ValueError("Not a baseline JPEG: no start-of-scan segment.")
