"""The latent map's thumbnails on demand (aeviz.dashboard.thumbnails): the dashboard's server
sends image i of a registered split as PNG, and answers anything else under its prefix (a
forged token, an index that is not a plain number of the split) with a 404 of one sentence."""
from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from support.fuzz import assert_one_sentence, fuzz
from support.routes import get

import aeviz
from aeviz.config import TrainConfig
from aeviz.dashboard import server, thumbnails
from aeviz.images import encode_png, to_uint8

@pytest.fixture(scope="module")
def split():
    """mnist5k's test split registered as a map's page registers it: (URL prefix, images)."""
    ds = aeviz.load_dataset("mnist5k", "test")
    return thumbnails.register(TrainConfig(dataset="mnist5k"), "test", len(ds)), ds.x


def refused(path: str) -> bool:
    """A 404 whose body is one sentence of text."""
    status, headers, body = get(path)
    if status != 404 or not headers["content-type"].startswith("text/plain"):
        return False
    assert_one_sentence(body.decode())
    return True


def test_the_dashboards_server_has_the_route():
    """`aeviz app` (server.py) and a checkout's app.py build their App from the same OPTIONS."""
    assert all(route in server.OPTIONS["routes"] for route in thumbnails.ROUTES)


@pytest.mark.parametrize("i", [0, 7, -1])
def test_a_registered_index_gives_that_images_png_to_keep(split, i):
    prefix, x = split
    i = i % len(x)
    for base in ("", "/under/a/base/path"):  # server.baseUrlPath: the page resolves the prefix under it
        status, headers, body = get(f"{base}/{prefix}{i}.png")
        assert status == 200 and headers["content-type"] == "image/png"
        assert "immutable" in headers["cache-control"] and "max-age=" in headers["cache-control"]
        shown = np.asarray(Image.open(io.BytesIO(body)))
        assert shown.shape == tuple(x.shape[-2:]) and np.array_equal(shown, to_uint8(x[i]))


def test_the_sprite_atlas_is_served_beside_the_images_once_registered():
    config = TrainConfig(dataset="digits")
    prefix = thumbnails.register(config, "train", 10)
    assert refused(f"/{prefix}atlas.png")  # a split registered without one has none
    png = encode_png(aeviz.load_dataset("digits", "train").x[:4].flatten(0, 1)[:, None].mean(0))
    assert thumbnails.register(config, "train", 10, atlas=png) == prefix
    thumbnails.register(config, "train", 10)  # registered again without: the atlas stays
    status, headers, body = get(f"/under/a/base/{prefix}atlas.png")
    assert status == 200 and body == png and "immutable" in headers["cache-control"]


def test_the_same_split_gets_the_same_token_and_another_split_another():
    a = thumbnails.register(TrainConfig(dataset="mnist5k"), "test", 1000)
    assert a == thumbnails.register(TrainConfig(dataset="mnist5k", model="vae"), "test", 1000)
    assert a != thumbnails.register(TrainConfig(dataset="mnist5k"), "train", 4000)


@pytest.mark.parametrize("name", [
    "-1.png", "1e3.png", "NaN.png", "nan.png", "inf.png", "0x10.png", "1.5.png", " 1.png", "1 .png", "+1.png",
    "01.png", "1_0.png", "\u0663.png", "7", "7.PNG", "7.png.png", "7.jpg", "99999999999999999999999999.png",
    "9" * 5000 + ".png", ".png", "%37.png"])
def test_an_index_that_is_not_a_plain_number_of_the_split_is_refused(split, name):
    prefix, _ = split
    assert refused(f"/{prefix}{name}")


def test_past_the_split_and_forged_tokens_are_refused(split):
    prefix, x = split
    token = prefix.split("/")[-2]
    assert refused(f"/{prefix}{len(x)}.png") and refused(f"/{prefix}{2 ** 40}.png")
    for forged in ("deadbeef", token[:-1], token.upper(), "..", "%2e%2e", "etc", token + "0"):
        assert refused(f"/{thumbnails.PREFIX}/{forged}/0.png"), forged
    assert refused(f"/{thumbnails.PREFIX}/") and refused(f"/{thumbnails.PREFIX}/{token}/0.png/more")
    assert refused(f"/{thumbnails.PREFIX}/../../aeviz/dashboard/server.py")


@fuzz(300)
@given(name=st.text(st.characters(exclude_characters="/", exclude_categories=["Cs"]), max_size=30))
def test_any_name_is_an_image_or_a_404_of_one_sentence(split, name):
    prefix, x = split
    plain = name.endswith(".png") and name[:-4].isascii() and name[:-4].isdigit() and str(int(name[:-4])) == name[:-4]
    if plain and int(name[:-4]) < len(x):
        assert get(f"/{prefix}{name}")[0] == 200
    else:
        assert refused(f"/{prefix}{name}")
