"""decode_image: uploads are untrusted. Good files decode right, odd-but-valid ones too, and
every bad one is an ImageError with a message, never another exception."""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from aeviz.images import ImageError, decode_image, encode_png, sprite_sheet, tile
from support.files import encode, png_claiming


def rgb_array(h=12, w=20, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def assert_valid(t: torch.Tensor):
    assert t.ndim == 3 and t.shape[0] in (1, 3) and t.shape[1] >= 1 and t.shape[2] >= 1
    assert t.dtype == torch.float32 and bool(((t >= 0) & (t <= 1)).all())


# --- good files -------------------------------------------------------------------------------


def test_png_round_trip_is_exact():
    arr = rgb_array()
    t = decode_image(encode(Image.fromarray(arr), "PNG"))
    assert t.shape == (3, 12, 20)
    assert torch.equal((t * 255).round().to(torch.uint8), torch.from_numpy(arr).permute(2, 0, 1))


def test_encode_png_and_decode_image_are_inverse():
    x = torch.rand(3, 9, 7)
    back = decode_image(encode_png(x))
    assert back.shape == x.shape and float((back - x).abs().max()) <= 0.5 / 255 + 1e-6


def test_jpeg_round_trip_is_close():
    xs, ys = np.meshgrid(np.linspace(0, 255, 32), np.linspace(0, 255, 24))
    arr = np.stack([xs, ys, np.full_like(xs, 128.0)], -1).astype(np.uint8)  # smooth gradients
    t = decode_image(encode(Image.fromarray(arr), "JPEG", quality=95))
    assert t.shape == (3, 24, 32)
    assert np.abs(t.permute(1, 2, 0).numpy() * 255 - arr).mean() < 3


def test_gray_png_is_one_channel_and_channels_converts():
    gray = Image.fromarray(np.arange(48, dtype=np.uint8).reshape(6, 8) * 5)
    data = encode(gray, "PNG")
    t = decode_image(data)
    assert t.shape == (1, 6, 8) and float(t[0, 0, 1]) == pytest.approx(5 / 255)
    assert decode_image(data, channels=3).shape == (3, 6, 8)
    color = encode(Image.fromarray(rgb_array()), "PNG")
    as_gray = decode_image(color, channels=1)
    full = decode_image(color)
    assert as_gray.shape == (1, 12, 20)
    luma = 0.299 * full[0] + 0.587 * full[1] + 0.114 * full[2]
    assert torch.allclose(as_gray[0], luma, atol=1e-5)


# --- odd but valid files ----------------------------------------------------------------------


def test_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (10, 6), color) for color in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    t = decode_image(data)
    assert t.shape == (3, 6, 10)
    assert t[:, 0, 0].tolist() == [1.0, 0.0, 0.0]


def test_cmyk_jpeg_decodes_to_rgb():
    cmyk = Image.new("CMYK", (16, 8), (0, 255, 255, 0))  # no cyan, full magenta and yellow: red
    t = decode_image(encode(cmyk, "JPEG", quality=95))
    assert t.shape == (3, 8, 16)
    r, g, b = t.mean((1, 2)).tolist()
    assert r > 0.9 and g < 0.1 and b < 0.1


def test_16_bit_png_is_scaled_not_clipped():
    values = np.array([[0, 1000, 32768, 65535]], dtype=np.uint16)
    t = decode_image(encode(Image.fromarray(values), "PNG"))
    assert t.shape == (1, 1, 4)
    assert t[0, 0].tolist() == pytest.approx([0.0, 1000 / 65535, 32768 / 65535, 1.0], abs=1e-6)


def test_palette_png_with_transparency_is_shown_over_white():
    im = Image.new("P", (4, 2))
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)  # index 0 red, index 1 blue
    im.putpixel((0, 0), 1)
    data = encode(im, "PNG", transparency=1)  # blue is the transparent index
    t = decode_image(data)
    assert t.shape == (3, 2, 4)
    assert t[:, 0, 0].tolist() == [1.0, 1.0, 1.0]  # the transparent pixel is white
    assert t[:, 1, 1].tolist() == [1.0, 0.0, 0.0]  # an opaque one keeps its color


def test_rgba_is_composited_over_white():
    arr = np.zeros((2, 2, 4), dtype=np.uint8)
    arr[0, 0] = (0, 0, 255, 255)  # opaque blue
    arr[0, 1] = (0, 0, 0, 0)  # fully transparent
    arr[1, 0] = (0, 0, 0, 128)  # half-transparent black
    arr[1, 1] = (255, 0, 0, 255)
    t = decode_image(encode(Image.fromarray(arr, "RGBA"), "PNG"))
    assert t.shape == (3, 2, 2)
    assert t[:, 0, 0].tolist() == [0.0, 0.0, 1.0]
    assert t[:, 0, 1].tolist() == [1.0, 1.0, 1.0]
    assert t[:, 1, 0].tolist() == pytest.approx([127 / 255] * 3, abs=1.5 / 255)


@pytest.mark.parametrize("w, h", [(1, 1), (10000, 20), (20, 10000)])
def test_extreme_but_valid_sizes(w, h):
    t = decode_image(encode(Image.new("RGB", (w, h), (10, 200, 30)), "PNG"))
    assert t.shape == (3, h, w)
    assert t[:, 0, 0].tolist() == pytest.approx([10 / 255, 200 / 255, 30 / 255])


def test_exif_rotated_jpeg_is_shown_upright():
    arr = np.zeros((20, 40, 3), dtype=np.uint8)  # 40 wide, 20 high; the left half white
    arr[:, :20] = 255
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation 6: the camera was turned; rotate 90 degrees clockwise to view
    t = decode_image(encode(Image.fromarray(arr), "JPEG", exif=exif.tobytes(), quality=95))
    assert t.shape[1:] == (40, 20)  # width and height swap
    upright = t.mean(0)
    assert float(upright[:20].mean()) > 0.9 and float(upright[20:].mean()) < 0.1  # the white half is on top


def test_float_tiff_with_nan_and_inf_stays_in_range():
    arr = np.array([[np.nan, 1.0, 3.0], [np.inf, -np.inf, 2.0]], dtype=np.float32)
    t = decode_image(encode(Image.fromarray(arr, "F"), "TIFF"))
    assert_valid(t)
    assert t.shape == (1, 2, 3) and float(t[0, 0, 2]) == 1.0


# --- bad files ---------------------------------------------------------------------------------

GOOD_PNG = encode(Image.fromarray(rgb_array(64, 64)), "PNG")
GOOD_JPEG = encode(Image.fromarray(rgb_array(64, 64)), "JPEG")

BAD = {
    "empty": b"",
    "random bytes": np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes(),
    "truncated png": GOOD_PNG[: len(GOOD_PNG) // 2],
    "png signature only": GOOD_PNG[:8],
    "truncated jpeg": GOOD_JPEG[: len(GOOD_JPEG) // 2],
    "jpeg header only": GOOD_JPEG[:200],
    "svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           b'<rect width="10" height="10" fill="red"/></svg>',
    "pdf": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF\n",
    "text": "just some words, not an image".encode(),
    "zip": b"PK\x03\x04" + b"\x00" * 100,
}


@pytest.mark.parametrize("kind", BAD)
def test_bad_input_raises_image_error_with_a_message(kind):
    with pytest.raises(ImageError) as info:
        decode_image(BAD[kind])
    message = str(info.value)
    assert len(message) > 10 and "\n" not in message and message.endswith(".")


@pytest.mark.parametrize("w, h", [(100_000, 100_000), (5000, 4000), (1, 50_000_000)])
def test_decompression_bomb_is_refused_from_its_header(w, h):
    data = png_claiming(w, h)
    with pytest.raises(ImageError) as info:
        decode_image(data)
    # Refused for its size, before decoding: decoding would have failed as "truncated" instead.
    assert "limit" in str(info.value)


def test_a_custom_pixel_limit_applies():
    data = encode(Image.new("RGB", (100, 100)), "PNG")
    assert decode_image(data, max_pixels=10_000).shape == (1, 100, 100)
    with pytest.raises(ImageError, match="limit"):
        decode_image(data, max_pixels=9_999)


# --- any bytes at all ---------------------------------------------------------------------------


def seed_files() -> list[bytes]:
    arr = rgb_array(9, 7)
    im = Image.fromarray(arr)
    files = [encode(im, "PNG"), encode(im, "JPEG"), encode(im, "GIF"), encode(im, "BMP"),
             encode(im, "WEBP"), encode(im, "TIFF"), encode(im.convert("P"), "PNG"),
             encode(im.convert("RGBA"), "PNG"), encode(im.convert("CMYK"), "JPEG"),
             encode(Image.fromarray(arr[..., 0].astype(np.float32) / 7), "TIFF"),
             encode(Image.fromarray(arr[..., 0].astype(np.uint16) * 200), "PNG")]
    return files


def mutate(data: bytes, edits: list[tuple[float, int]], cut: float) -> bytes:
    out = bytearray(data[: max(1, int(len(data) * cut))])
    for where, value in edits:
        out[int(where * (len(out) - 1))] = value
    return bytes(out)


def float_tiff(values: list[float]) -> bytes:
    return encode(Image.fromarray(np.array(values, dtype=np.float32).reshape(2, -1), "F"), "TIFF")


# Arbitrary bytes rarely get past the first check, so two more sources: real files with a
# few bytes changed and the end cut, and float TIFFs of any float32 values (NaN, inf, huge).
image_like = st.builds(
    mutate, st.sampled_from(seed_files()),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=4), st.floats(0.05, 1.0))
float_image = st.builds(float_tiff, st.lists(st.floats(width=32), min_size=1, max_size=4).map(lambda v: v + v))


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the corrupt files it is fed
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2048), image_like, float_image))
def test_any_bytes_decode_to_a_valid_image_or_raise_image_error(data):
    try:
        t = decode_image(data)
    except ImageError as exc:
        assert str(exc)
        return
    assert_valid(t)


@pytest.mark.parametrize("n, channels, ncols, pad", [(7, 3, 3, 1), (10, 1, 4, 2), (5, 1, 8, 1), (9, 3, 3, 0)])
def test_tile_is_make_grid_without_its_outer_border(n, channels, ncols, pad):
    from torchvision.utils import make_grid

    images = torch.rand(n, channels, 6, 5, generator=torch.Generator().manual_seed(n))
    want = make_grid(images, nrow=ncols, padding=pad, pad_value=1.0)[:channels]  # make_grid makes gray RGB
    want = want[:, pad:want.shape[1] - pad, pad:want.shape[2] - pad]
    assert torch.equal(tile(images, ncols, pad=pad), want)


def test_sprite_sheet_puts_image_i_at_its_column_and_row_and_fills_the_rest_white():
    images = torch.rand(10, 1, 4, 3, generator=torch.Generator().manual_seed(0))
    png, cols = sprite_sheet(images, 7)
    sheet = decode_image(png)
    assert cols == 3 and sheet.shape == (1, 3 * 4, 3 * 3)
    for i in range(7):
        r, c = divmod(i, cols)
        assert torch.allclose(sheet[:, r * 4:r * 4 + 4, c * 3:c * 3 + 3], images[i], atol=1 / 255)
    assert (sheet[:, 8:, 3:] == 1).all()  # places 7 and 8: white
