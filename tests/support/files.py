"""Files built here for the tests and benchmarks: images in any format, PNGs whose header
claims any size, and a small real checkpoint."""
from __future__ import annotations

import io
import struct
import zlib

import torch
from PIL import Image

import aeviz
from aeviz.checkpoints import save


def encode(im: Image.Image, fmt: str, **kwargs) -> bytes:
    """The bytes of im saved as fmt (any format Pillow writes; kwargs go to Image.save)."""
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height 8-bit RGB pixels, with one tiny IDAT: a
    decompression bomb when the claim is large (100,000 x 100,000 would be 30 GB decoded)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))


def make_checkpoint(folder, latent_dim=4, seed=0):
    """A small real checkpoint (vanilla autoencoder on 8x8 digits) saved at folder/<id>.safetensors."""
    cfg = aeviz.defaults_for("vanilla", dataset="digits", latent_dim=latent_dim, seed=seed)
    torch.manual_seed(seed)
    model = aeviz.build(cfg, (1, 8, 8))
    meta = {"id": cfg.id, "config": cfg.to_dict(), "image_shape": [1, 8, 8], "test": {"mse": 0.1, "psnr": 10.0}}
    return save(model, meta, folder / f"{cfg.id}.safetensors"), model
