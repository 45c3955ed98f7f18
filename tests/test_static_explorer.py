"""`aeviz export CKPT --html DIR`: the static explorer. It writes only inside DIR, refuses a
DIR that holds anything unless told to overwrite, and, served by `python -m http.server`
with no aeviz behind it, decodes in Chromium what torch decodes, with a user's class names
shown as text (a class folder named like an HTML tag is the test case)."""
from __future__ import annotations

import base64
import contextlib
import io
import json
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from PIL import Image
from support.files import encode
from support.server import CHROMIUM, CHROMIUM_ARGS, SLOW

import aeviz
from aeviz import latent
from aeviz.latent import activity, placement
from aeviz.cli import main
from aeviz.images import to_uint8

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def checkpoint(tmp_path, small_data):
    """A tiny model trained on a folder whose class names are an HTML tag and a plain word."""
    rng = np.random.default_rng(0)
    for k, name in enumerate([EVIL, "plain"]):
        folder = tmp_path / "photos" / name
        folder.mkdir(parents=True)
        for i in range(12):
            a = np.full((16, 16), 40 + 150 * k, np.uint8) + rng.integers(0, 60, (16, 16), dtype=np.uint8)
            Image.fromarray(a).save(folder / f"{i}.png")
    cfg = aeviz.defaults_for("vanilla", dataset=f"folder:{tmp_path / 'photos'}", image_size=16, grayscale=True,
                             latent_dim=3, hidden=(32,), epochs=2)
    return aeviz.train(cfg)


def export(checkpoint, out, *extra) -> int:
    return main(["export", str(checkpoint), "--html", str(out), "--method", "pca", *extra])


def test_it_refuses_a_folder_that_holds_anything_unless_told_to_overwrite(checkpoint, tmp_path, capsys):
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert export(checkpoint, out) == 2
    err = capsys.readouterr().err
    assert err.startswith("aeviz: ") and "--overwrite" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"], "nothing written when refused"
    assert export(checkpoint, out, "--overwrite") == 0
    assert (out / "notes.txt").read_text() == "mine", "overwriting writes its own files, and touches no other"
    assert {"index.html", "explorer.js", "explorer.json", "decoder.onnx", "inverse.onnx", "encoder.onnx", "thumbs.png"} <= \
        {p.name for p in out.iterdir()}
    assert (out / "ort" / "LICENSE").is_file() and (out / "ort" / "ort-wasm-simd-threaded.wasm").is_file()


def test_its_sliders_are_the_dashboards_most_alive_dimensions_with_their_figures(checkpoint, tmp_path):
    out = tmp_path / "site"
    assert export(checkpoint, out) == 0
    walk = json.loads((out / "explorer.json").read_text())["walk"]
    alive = activity.cached_activity(aeviz.load_checkpoint(checkpoint), "test")
    assert walk["dims"] == alive.order()[:len(walk["dims"])]
    assert walk["figures"] == sorted(walk["figures"], reverse=True), "largest first, as the Latent walk page"
    assert walk["figure_name"] == "var" and walk["active"] == alive.active[walk["dims"]].tolist()


def test_it_writes_nothing_through_a_link_that_leads_outside(checkpoint, tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "site"
    out.mkdir()
    (out / "ort").symlink_to(outside, target_is_directory=True)
    assert export(checkpoint, out, "--overwrite") == 2
    assert "outside" in capsys.readouterr().err
    assert list(outside.iterdir()) == []


def test_a_file_is_not_a_folder(checkpoint, tmp_path, capsys):
    (tmp_path / "site").write_text("x")
    assert export(checkpoint, tmp_path / "site") == 2
    assert "is a file" in capsys.readouterr().err


@pytest.mark.e2e
def test_served_statically_it_decodes_what_torch_decodes_and_shows_names_as_text(checkpoint, tmp_path):
    out = tmp_path / "site"
    assert export(checkpoint, out) == 0
    meta = json.loads((out / "explorer.json").read_text())
    assert EVIL in meta["map"]["classes"], "the name travels as data"
    assert EVIL not in (out / "index.html").read_text() + (out / "explorer.js").read_text()
    errors, dialogs = [], []
    with served(out) as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page.url)  # again, with the listeners on
        page.wait_for_selector("body[data-ready='1']")
        page.wait_for_selector(".amap[data-ready='1']")
        image = page.locator("img.walk-image")
        image.and_(page.locator("[data-code]")).wait_for()
        # a slider moves the decoded image: the first, the most alive dimension's (a collapsed
        # one is folded away, as on the Latent walk page)
        before = image.get_attribute("data-code")
        page.locator(".walk-sliders input[type=range]").first.focus()
        page.keyboard.press("End")
        page.wait_for_function("([el, old]) => el.dataset.code !== old", arg=[image.element_handle(), before])
        # the decoded pixels are torch's within 2/255
        z = np.asarray(json.loads(image.get_attribute("data-code")), np.float32)
        url = image.get_attribute("src")
        shown = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("L"), np.int16)
        model = aeviz.load_checkpoint(checkpoint)
        want = to_uint8(latent.decode(model, z[None])[0]).astype(np.int16)
        assert np.abs(shown - want).max() <= 2
        # hovering the empty corner decodes a place; a click there pins it, and two pins give a scrubber
        box = page.locator("canvas.amap-canvas").bounding_box()
        page.mouse.move(box["x"] + 3, box["y"] + 3)
        page.wait_for_function("() => document.querySelector('canvas.amap-hover-image').dataset.kind === 'place'")
        assert "typical spacing" in page.locator(".amap-hover-text").text_content()
        for x in (3, box["width"] - 3):
            page.mouse.move(box["x"] + x, box["y"] + 3)
            page.mouse.down()
            page.mouse.up()
        page.locator("img.scrub-image[data-code]").wait_for()
        page.locator("input.scrub-input").focus()
        page.keyboard.press("End")
        page.wait_for_function("() => document.querySelector('img.scrub-image').dataset.index === '100'")
        # a stroke on the drawing pad lands where the server places its code
        pad = page.locator("canvas.adraw-pad").bounding_box()
        page.mouse.move(pad["x"] + 30, pad["y"] + 30)
        page.mouse.down()
        page.mouse.move(pad["x"] + 100, pad["y"] + 110, steps=8)
        page.mouse.up()
        page.wait_for_selector(".amap[data-draw-updates]")
        page.wait_for_timeout(600)
        drawn = page.evaluate("() => document.querySelector('.amap').__amap.drawn")
        code = latent.encode_all(model, torch.tensor(drawn["input"], dtype=torch.float32).view(1, 1, 16, 16))
        proj = latent.cached_projection(model, "test", "pca", 2)
        np.testing.assert_allclose(drawn["position"], placement.place_on_map(proj.coords, proj.codes, code)[0],
                                   atol=1e-4, rtol=0)
        # the class folder's name is shown as the text it is, and made no element
        assert EVIL in page.locator(".amap-legend").inner_text()
        assert page.locator("img[src=x]").count() == 0
        # the decoded atlas tiles the map here too; where it cannot be drawn, the toggle
        # says so and turns off
        toggle = page.get_by_role("button", name="decoded atlas")
        toggle.click()
        page.wait_for_selector(".amap[data-atlas-tiles='1600']")
        assert page.locator("canvas.amap-atlas").is_visible()
        toggle.click()
        page.evaluate("() => { window.ImageData = class { constructor() { throw new Error('out of memory'); } }; }")
        toggle.click()
        page.get_by_text("The atlas could not be decoded in this browser, so it is off.").wait_for()
        assert toggle.get_attribute("aria-pressed") == "false" and page.locator("canvas.amap-atlas").is_hidden()
    assert errors == [] and dialogs == []


@contextlib.contextmanager
def served(out):
    """A Chromium page open on the folder out, served by `python -m http.server` alone."""
    if CHROMIUM is None:
        pytest.skip("chromium is not on PATH (CI installs it; locally: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(out)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.set_default_timeout(SLOW)
            for _ in range(50):  # the server takes a moment to listen
                try:
                    page.goto(f"http://127.0.0.1:{port}/")
                    break
                except Exception:  # noqa: BLE001 - connection refused until it listens
                    time.sleep(0.2)
            yield page
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.e2e
def test_a_colour_models_upload_lands_where_the_server_places_its_code(tmp_path, small_data):
    """No pen for colour images: an upload, read at the model's size, placed as the server places it."""
    rng = np.random.default_rng(1)
    for k, colour in enumerate([(200, 40, 40), (40, 60, 200)]):
        folder = tmp_path / "photos" / f"c{k}"
        folder.mkdir(parents=True)
        for i in range(12):
            a = np.clip(np.array(colour) + rng.integers(-30, 30, (16, 16, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(a).save(folder / f"{i}.png")
    cfg = aeviz.defaults_for("vanilla", dataset=f"folder:{tmp_path / 'photos'}", image_size=16, latent_dim=3,
                             hidden=(32,), epochs=2)
    model = aeviz.load_checkpoint(aeviz.train(cfg))
    out = tmp_path / "site"
    assert export(model.path, out) == 0
    with served(out) as page:
        page.wait_for_selector(".amap[data-ready='1']")
        assert page.locator(".adraw-pen-only").is_hidden()
        blue = np.zeros((40, 60, 3), np.uint8) + np.array([30, 60, 210], np.uint8)
        page.locator(".adraw-file").set_input_files(files=[{"name": "blue.png", "mimeType": "image/png",
                                                              "buffer": encode(Image.fromarray(blue), "PNG")}])
        page.wait_for_selector(".amap[data-draw-updates]")
        drawn = page.evaluate("() => document.querySelector('.amap').__amap.drawn")
    x = torch.tensor(drawn["input"], dtype=torch.float32).view(1, 3, 16, 16)
    np.testing.assert_allclose(x.mean((2, 3))[0], [30 / 255, 60 / 255, 210 / 255], atol=2 / 255)
    code = latent.encode_all(model, x)
    proj = latent.cached_projection(model, "test", "pca", 2)
    np.testing.assert_allclose(drawn["position"], placement.place_on_map(proj.coords, proj.codes, code)[0],
                               atol=1e-4, rtol=0)
