"""The dashboard on the augmented set (aeviz issue 28, item 4): the sidebar offers the split once
its map is built, the Latent map draws it and shows any of its images (each made when asked
for), a selection pages through its images, Reconstructions pages through it, the pages that
work on one split's codes say they show the test split, and the thumbnails route serves its
images. Here the set is mnist5k's 5,000 images in 2 versions, not 15: the same code, in seconds."""
from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
from PIL import Image
from support.pages import images, map_payload, open_page, rerun, shipped
from support.routes import get

import aeviz
from aeviz import artifacts, datasets, latent
from aeviz.datasets import AUGMENTED, augmented
from aeviz.dashboard import thumbnails
from aeviz.evaluation import per_image
from aeviz.images import to_uint8

VERSIONS = 2


@pytest.fixture(scope="module")
def built_files(tmp_path_factory) -> list:
    """mnist5k's augmented set of VERSIONS versions: its UMAP map and errors, built once as
    `aeviz embed --split augmented` and the Reconstructions page build them."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(augmented, "VERSIONS", VERSIONS)
        mp.setenv("AEVIZ_CACHE", str(tmp_path_factory.mktemp("augmented-cache")))
        datasets.forget_loaded()
        model = aeviz.load_checkpoint(shipped("vae", latent_dim=16, dataset="mnist5k"))
        latent.cached_projection(model, AUGMENTED, "umap", 2)
        per_image.cached_errors(model, AUGMENTED)
        files = sorted(artifacts.cache_dir().iterdir())
    datasets.forget_loaded()
    return files


@pytest.fixture
def built(built_files, aeviz_dirs, monkeypatch):
    """This test's cache holds the augmented map; the set has VERSIONS versions."""
    import streamlit as st

    monkeypatch.setattr(augmented, "VERSIONS", VERSIONS)
    aeviz_dirs.cache.mkdir(parents=True, exist_ok=True)
    for f in built_files:
        shutil.copy(f, aeviz_dirs.cache / f.name)
    datasets.forget_loaded()
    st.cache_data.clear()
    yield
    datasets.forget_loaded()
    st.cache_data.clear()


def test_the_sidebar_offers_the_augmented_split_only_once_its_map_is_built():
    import streamlit as st

    st.cache_data.clear()
    at = open_page("views/reconstructions.py")
    assert at.sidebar.radio(key="split").options == ["test", "train"]


def test_another_checkpoint_without_the_map_goes_back_to_the_test_split(built):
    at = open_page("views/reconstructions.py", split=AUGMENTED)
    assert any(f"({AUGMENTED} split, {5000 * VERSIONS:,} images)" in c.value for c in at.caption)
    at.sidebar.selectbox[0].set_value(shipped("vae", latent_dim=2, dataset="mnist5k"))
    rerun(at)
    assert any("(test split, 1,000 images)" in c.value for c in at.caption) and not at.error


def test_the_latent_map_draws_the_augmented_set_and_shows_its_images(built):
    at = open_page("views/latent_map.py", split=AUGMENTED)
    assert at.sidebar.radio(key="split").options == ["test", "train", AUGMENTED]
    ds = aeviz.load_dataset("mnist5k", AUGMENTED)
    assert len(ds) == 5000 * VERSIONS
    data, key = map_payload(at)
    assert data["n"] == len(ds) and data["points"].num_rows == len(ds)
    # a point of the second version: its image is made by the page as the set makes it
    i = 5000 + 17
    at.session_state[key] = {"pick": {"kind": "point", "index": i}}
    rerun(at)
    shown = next(img for img in at.image if any(f"image #{i}" in c for c in img.captions))
    assert shown is not None and not at.error
    # a selection of 150 pages through its images, 60 a page
    at.session_state[key] = {"selection": list(range(4000, 4150))}
    rerun(at)
    assert any("150 images selected" in s.value for s in at.subheader)
    pager = next(n for n in at.number_input if "Page (of 3" in n.label)
    first = images(at)
    pager.set_value(3)
    rerun(at)
    captions = [c for img in at.image for c in img.captions]
    assert "#4149" in captions and "#4000" not in captions and images(at) != first
    # the thumbnail a hover past the atlas asks for is the set's own image, made on its own
    prefix = data["thumbnails"]
    status, _, body = get(f"/{prefix}{i}.png")
    assert status == 200
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(body))), to_uint8(ds.x[i]))
    assert thumbnails.SOURCES[prefix.split("/")[-2]].count == len(ds)


def test_reconstructions_page_through_the_augmented_set(built):
    at = open_page("views/reconstructions.py", split=AUGMENTED)
    assert not at.error
    assert any(f"{5000 * VERSIONS:,} images" in c.value for c in at.caption)
    at.number_input(key="rec_page").set_value(3)
    assert len(images(rerun(at))) >= 24


@pytest.mark.parametrize("page", ["views/interpolation.py", "views/latent_walk.py", "views/attributes.py"])
def test_the_pages_of_one_splits_codes_say_they_show_the_test_split(built, page):
    at = open_page(page, split=AUGMENTED)
    assert any("This page shows the test split" in c.value for c in at.caption)
    assert not at.error
