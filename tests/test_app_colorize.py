"""The Colorize page under Streamlit's AppTest, with a hint colorizer of the user's (a plumbing
model of the registry's shape, tests/support/colorizer.py): what the component is given, the
hints it reports steering the server's exact result, forged events ignored, bad uploads one
sentence."""
from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pytest
import torch.nn.functional as F
from PIL import Image
from support.colorizer import ID, save_colorizer
from support.files import encode
from support.pages import open_page, rerun

from aeviz.color import gray_lightness
from aeviz.dashboard.components import events, hint_editor
from aeviz.datasets import to_gray
from aeviz.images import decode_image


def png_bytes(array: np.ndarray) -> bytes:
    return encode(Image.fromarray(array), "PNG")


def two_colors(h: int = 30, w: int = 40) -> np.ndarray:
    img = np.zeros((h, w, 3), np.uint8)
    img[:, : w // 2] = (200, 40, 40)
    img[:, w // 2:] = (40, 160, 60)
    return img


@pytest.fixture
def page(aeviz_dirs):
    """The Colorize page on the plumbing colorizer, with a color upload."""
    import streamlit as st

    save_colorizer(aeviz_dirs.checkpoints)
    st.cache_data.clear()  # the checkpoint list is cached with a ttl
    at = open_page("views/colorize.py")
    at.selectbox(key="cz_model").set_value(ID)
    rerun(at).file_uploader(key="cz_upload").set_value(("color.png", png_bytes(two_colors()), "image/png"))
    return report(rerun(at), view=[40, 30])  # as the component does at once, asking for its lightness


def report(at, **state):
    """The component's state as a browser reports it: the view it asked for and what is given."""
    at.session_state[component(at)[0]] = {"view": [40, 30], **state}
    return rerun(at)


def shown(at):
    """A rerun, and another once a new photo's component asked for its view, as a browser does at once."""
    return report(rerun(at)) if rerun(at).get("bidi_component") else at


def component(at):
    (found,) = at.get("bidi_component")
    return found.key, json.loads(found.proto.json)


def psnr_caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("PSNR against"))


def test_the_component_gets_the_photo_as_the_model_sees_it_and_the_lightness_at_the_view_asked_for(page):
    from aeviz.models.colorizer import _resized

    key, data = component(page)
    model = hint_editor.cache.load_model(*next((r["path"], r["mtime"]) for r in hint_editor.cache.checkpoint_table()
                                               if r["id"] == ID))
    image = decode_image(png_bytes(two_colors()))
    assert (data["H"], data["W"]) == (30, 40) and (data["hh"], data["ww"]) == model.working_size(30, 40)
    want = _resized(to_gray(image[None]), (data["hh"], data["ww"]))  # what predict_ab feeds the model
    np.testing.assert_allclose(np.frombuffer(base64.b64decode(data["gray"]), np.float32),
                               want.numpy().ravel(), atol=1e-6)
    assert data["palette"] is None and data["graph"]["onnx"]
    _, data = component(report(page, view=[20, 15]))
    words = np.frombuffer(base64.b64decode(data["light"]["data"]), "<u2").reshape(15, 20)
    want = F.interpolate(gray_lightness(to_gray(image[None])), size=(15, 20), mode="area")[0, 0].numpy()
    np.testing.assert_allclose(words / 65535 * 100, want, atol=2e-3)
    light = component(report(page, view=[4000, 3000]))[1]["light"]  # larger than the photo: its own size
    assert (light["width"], light["height"]) == (40, 30)


def test_hints_the_browser_reports_steer_the_exact_result_and_its_psnr(page):
    before = psnr_caption(page)
    assert "0 hints" in before
    after = psnr_caption(report(page, hints=[[5, 5, "#c82828"], [35, 20, "#28a03c"]]))
    assert "2 hints" in after and after != before
    gained = [float(v) for v in re.findall(r"(-?[\d.]+) dB", after)[:2]]
    assert gained[0] != gained[1]


def test_the_download_is_aeviz_apply_colorize_with_the_same_hints(page, aeviz_dirs):
    """What the page's button gives is the contract's API's answer: the same bytes."""
    from aeviz.apply import colorize

    row = next(r for r in hint_editor.cache.checkpoint_table() if r["id"] == ID)
    image = decode_image(png_bytes(two_colors()))
    hints = ((5, 5, (200, 40, 40)), (35, 20, (40, 160, 60)))
    result = hint_editor.exact(row["path"], row["mtime"], "test", hints, None, image, None)
    got = np.asarray(Image.open(io.BytesIO(hint_editor.png(result["output"]))))
    want = np.asarray(colorize(Image.fromarray(two_colors()), list(hints), None, checkpoint=row["path"]))
    np.testing.assert_array_equal(got, want)


def test_a_reference_gives_the_component_its_palette_and_the_caption_says_so(page):
    from aeviz.apply import default_colorizer
    from aeviz.color import PALETTE_SIZE, palette

    blue = np.zeros((20, 20, 3), np.uint8)
    blue[...] = (30, 60, 220)
    page.file_uploader(key="cz_reference").set_value(("sky.png", png_bytes(blue), "image/png"))
    _, data = component(rerun(page))
    got = np.frombuffer(base64.b64decode(data["palette"]), np.float32)
    assert got.shape == (PALETTE_SIZE,)
    np.testing.assert_allclose(got, palette(decode_image(png_bytes(blue)), default_colorizer().image_shape[-1]).numpy(), atol=1e-6)
    assert "and the reference" in psnr_caption(page)
    page.file_uploader(key="cz_reference").set_value(("bad.png", b"not an image", "image/png"))
    rerun(page)
    assert len(page.error) == 1 and "without a reference" in page.error[0].value


def test_a_gray_upload_says_there_is_nothing_to_compare_and_a_cmyk_one_is_read(page):
    page.file_uploader(key="cz_upload").set_value(("gray.png", png_bytes(two_colors()[..., 0]), "image/png"))
    assert any("no true colors" in c.value for c in shown(page).caption)
    page.file_uploader(key="cz_upload").set_value(("cmyk.jpg", encode(Image.new("CMYK", (24, 16), (0, 128, 255, 0)),
                                                                        "JPEG"), "image/jpeg"))
    assert not shown(page).error and page.get("download_button")


FORGED = [{"hints": [[1e9, 0, "#000000"]]}, {"hints": [[-1, 0, "#000000"]]}, {"hints": [[0, 0, "red"]]},
          {"hints": [[0.5, 0, "#000000"]]}, {"hints": [[0, 0, "#00000g"]]}, {"hints": "all"},
          {"hints": [[0, 0, "#000000"]] * 10_000}, {"hints": [[float("nan"), 0, "#000000"]]},
          {"view": [1e12, 5]}, {"view": [0, 0]}, {"view": "big"}, {"view": [float("inf"), 3]},
          {"runtime": "unavailable", "hints": [[3, 3, "#ffffff"]]}, None, 7]


def test_forged_events_are_ignored_or_clamped_and_the_page_still_colors(page):
    key, _ = component(page)
    server_colors = False  # from the moment the browser said it cannot run the model
    for forged in FORGED:
        event = {"view": [40, 30], **forged} if isinstance(forged, dict) else forged  # beside a real view
        page.session_state[key] = event
        rerun(page)
        assert not page.exception and not page.error, (event, [e.value for e in page.error])
        view = events.view(event.get("view"), 40, 30) if isinstance(event, dict) else None
        server_colors = server_colors or (isinstance(event, dict) and "runtime" in event)
        assert bool(page.get("download_button")) == (view is not None or server_colors), event
    # the browser said it cannot run the model: the server's picture is shown instead
    assert any("server" in c for img in page.image for c in img.captions)


def _odd_upload(kind: str) -> bytes:
    rgb = Image.fromarray((np.arange(24 * 32 * 3).reshape(24, 32, 3) % 251).astype(np.uint8))
    if kind == "palette":
        return encode(rgb.convert("P"), "PNG")
    if kind == "rgba":
        return encode(rgb.convert("RGBA"), "PNG")
    if kind == "16-bit":
        return encode(Image.fromarray((np.arange(24 * 32).reshape(24, 32) * 80).astype(np.uint16)), "PNG")
    if kind == "animated gif":
        return encode(rgb, "GIF", save_all=True, append_images=[rgb.rotate(90)], duration=100, loop=0)
    if kind == "tiff":
        return encode(rgb, "TIFF")
    if kind == "truncated":
        return encode(rgb, "PNG")[:200]
    if kind == "bomb":  # 20 megapixels of one gray: a small file, refused from its header
        return encode(Image.new("L", (5000, 4000), 128), "PNG")
    raise ValueError(kind)


@pytest.mark.parametrize("kind, refused", [("palette", None), ("rgba", None), ("16-bit", None),
                                           ("animated gif", None), ("tiff", None),
                                           ("truncated", "truncated or corrupt"), ("bomb", "megapixel")])
def test_odd_and_bad_uploads_give_a_result_or_one_clear_message(page, kind, refused):
    at = page
    name = {"animated gif": "upload.gif", "tiff": "upload.tiff"}.get(kind, "upload.png")
    at.file_uploader(key="cz_upload").set_value((name, _odd_upload(kind), "application/octet-stream"))
    shown(at)
    if refused:
        assert len(at.error) == 1 and refused in at.error[0].value
    else:
        assert not at.error and at.get("download_button"), [e.value for e in at.error]
