"""Fuzzing image uploads (aeviz.images.decode_image, which every upload and folder image goes
through): random bytes, real files of every format aeviz accepts truncated and mutated, and
headers that claim any size. Each ends in a valid image or one ImageError sentence, within
a memory bound. Seeded; the fuzz tests are in the slow tier (`pytest --all`). Counts: RELIABILITY.md."""
from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from aeviz.images import MAX_PIXELS, ImageError, decode_image
from support.files import encode, png_claiming
from support.fuzz import assert_one_sentence, fuzz, memory_bound

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _image(mode: str, seed: int) -> Image.Image:
    rgb = np.random.default_rng(seed).integers(0, 256, (12, 16, 3), dtype=np.uint8)
    im = Image.fromarray(rgb)
    return im.convert(mode) if mode != "RGB" else im


# every format aeviz opens (images.OPEN_FORMATS), in the modes a user's files come in
SAVE_AS = {"PNG": {}, "JPEG": {"quality": 80}, "GIF": {}, "BMP": {}, "WEBP": {"lossless": True}, "TIFF": {}}
MODES = {"PNG": ("RGB", "L", "RGBA", "P", "I;16"), "JPEG": ("RGB", "L", "CMYK"), "GIF": ("P", "L"),
         "BMP": ("RGB", "L", "1"), "WEBP": ("RGB", "RGBA"), "TIFF": ("RGB", "L", "F", "I;16", "CMYK")}
FILES = [encode(_image(mode, i), fmt, **SAVE_AS[fmt]) for fmt, modes in MODES.items() for i, mode in enumerate(modes)]


def check(data: bytes) -> str | None:
    """The property: a (C, H, W) image in [0, 1] within the pixel limit, or one ImageError
    sentence; any other exception fails. Returns the message, or None for an image."""
    try:
        x = decode_image(data)
    except ImageError as exc:
        assert_one_sentence(str(exc))
        return str(exc)
    assert x.ndim == 3 and x.shape[0] in (1, 3) and x.shape[1] * x.shape[2] <= MAX_PIXELS
    assert bool(x.isfinite().all()) and float(x.min()) >= 0 and float(x.max()) <= 1
    return None


@st.composite
def mutated(draw) -> bytes:
    """A real file, truncated, with bytes overwritten, inserted or deleted: in the first 64
    (the headers) or anywhere."""
    data = bytearray(draw(st.sampled_from(FILES)))
    data = data[:draw(st.integers(0, len(data)))] if draw(st.booleans()) else data
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, min(len(data), 64 if draw(st.booleans()) else len(data)) - 1))
        how = draw(st.sampled_from(("set", "insert", "delete")))
        if how == "set":
            data[at] = draw(st.integers(0, 255))
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at:at + draw(st.integers(1, 8))]
    return bytes(data)


# --- headers that claim a size: each format's own place for width and height ---------------------

def _gif(w, h):
    data = bytearray(FILES[len(MODES["PNG"]) + len(MODES["JPEG"])])  # the first GIF
    data[6:10] = struct.pack("<HH", w & 0xFFFF, h & 0xFFFF)  # the logical screen
    return bytes(data)


def _bmp(w, h):
    data = bytearray(encode(_image("RGB", 0), "BMP"))
    data[18:26] = struct.pack("<ii", min(w, 2**31 - 1), min(h, 2**31 - 1))  # BITMAPINFOHEADER
    return bytes(data)


def _jpeg(w, h):
    data = bytearray(encode(_image("RGB", 0), "JPEG"))
    sof = data.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
    data[sof + 5:sof + 9] = struct.pack(">HH", h & 0xFFFF, w & 0xFFFF)
    return bytes(data)


def _tiff(w, h):
    data = bytearray(encode(_image("RGB", 0), "TIFF"))
    (ifd,) = struct.unpack("<I", data[4:8])
    (count,) = struct.unpack("<H", data[ifd:ifd + 2])
    for k in range(count):  # ImageWidth (256) and ImageLength (257) as LONGs
        at = ifd + 2 + 12 * k
        tag = struct.unpack("<H", data[at:at + 2])[0]
        if tag in (256, 257):
            data[at + 2:at + 12] = struct.pack("<HII", 4, 1, min(w if tag == 256 else h, 2**32 - 1))
    return bytes(data)


def _webp(w, h):
    data = bytearray(encode(_image("RGB", 0), "WEBP", lossless=True))
    at = data.index(b"VP8L") + 9  # after the chunk size and the signature byte: 14 bits each, minus one
    bits = struct.unpack("<I", data[at:at + 4])[0] & ~((1 << 28) - 1)
    data[at:at + 4] = struct.pack("<I", bits | ((min(w, 16384) - 1) & 0x3FFF) | (((min(h, 16384) - 1) & 0x3FFF) << 14))
    return bytes(data)


CLAIMS = {"PNG": png_claiming, "GIF": _gif, "BMP": _bmp, "JPEG": _jpeg, "TIFF": _tiff, "WEBP": _webp}
# Either over the 16-MP limit (refused from the header) or small: a claim just under the
# limit would decode 16 MP per case, seconds each, and test nothing the small ones do not.
SIDES = st.one_of(st.tuples(st.integers(1, 300), st.integers(1, 300)),
                  st.tuples(st.integers(4001, 2**31 - 1), st.integers(4001, 2**31 - 1)),
                  st.tuples(st.integers(MAX_PIXELS + 1, 2**31 - 1), st.integers(1, 3)))


@fuzz(1500)
@given(st.binary(max_size=4096))
def test_random_bytes_decode_or_say_why(data):
    check(data)


@fuzz(2500)
@given(mutated())
def test_mutated_real_files_of_every_format_decode_or_say_why(data):
    with memory_bound(400):  # 300x300 decoded at most: a few MiB; the bound catches a bomb
        check(data)


@fuzz(1000)
@given(st.sampled_from(sorted(CLAIMS)), SIDES)
def test_any_claimed_size_is_refused_from_the_header_or_decoded_small(fmt, sides):
    with memory_bound(400):  # check(): an image only within the pixel limit, whatever was claimed
        check(CLAIMS[fmt](*sides))


def test_every_format_claiming_a_huge_size_is_refused_before_decoding():
    for fmt, claim in CLAIMS.items():
        with memory_bound(50):
            message = check(claim(16000, 16000))
        assert message is not None, fmt
