"""The dashboard's pages, and opening them under Streamlit's AppTest.

PAGES and TITLES are what a browser sees (URL path and heading, in the sidebar's order);
VIEWS are the same pages as AppTest names them (files relative to the router)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import aeviz
from aeviz.checkpoints import SHIPPED_DIR

ROOT = Path(__file__).resolve().parents[2]
# The package's router, so the pages' paths below are relative to it as AppTest wants;
# the e2e tests run the checkout's app.py shim through `streamlit run`.
APP = str(ROOT / "aeviz" / "dashboard" / "app.py")
TIMEOUT = 300  # seconds per run: the CI machines and this one have two slow cores

PAGES = {"reconstructions": "", "latent-map": "latent-map", "interpolation": "interpolation",
         "latent-walk": "latent-walk", "attributes": "attributes", "sampling": "sampling", "denoise": "denoise", "colorize": "colorize",
         "applications": "applications", "compare": "compare", "train": "train"}
TITLES = {"reconstructions": "Reconstructions", "latent-map": "Latent map", "interpolation": "Interpolation",
          "latent-walk": "Latent walk", "attributes": "Attributes", "sampling": "Sampling", "denoise": "Denoise", "colorize": "Colorize",
          "applications": "Applications", "compare": "Compare", "train": "Train"}
VIEWS = [f"views/{name.replace('-', '_')}.py" for name in PAGES]


def shipped(model: str, **config) -> str:
    """The id of the shipped checkpoint of that model whose config has those values."""
    for e in aeviz.list_checkpoints([SHIPPED_DIR]):
        c = e.meta["config"] if e.meta else {}
        if c.get("model") == model and all(c.get(k) == v for k, v in config.items()):
            return e.id
    pytest.fail(f"No shipped {model} checkpoint with {config} in {SHIPPED_DIR}; run scripts/ship_checkpoints.py.")


def open_page(page: str, **state) -> AppTest:
    """The router run once with session_state set from state, then switched to page (one of
    VIEWS); fails the test on an exception."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != VIEWS[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def images(at: AppTest) -> list[str]:
    """The media URLs of every image on the page: a different URL is a different picture."""
    return [url for img in at.image for url in img.value]


def map_payload(at: AppTest) -> dict:
    """The map's JSON, and its points: the Arrow table sent as bytes beside it (not in the JSON)."""
    import json

    import pyarrow as pa

    (component,) = [c for c in at.get("bidi_component") if "amap" in c.key]
    mixed = component.proto.mixed
    data = json.loads(mixed.json)
    ref = data["points"]["__streamlit_arrow_ref__"]
    data["points"] = pa.ipc.open_stream(mixed.arrow_blobs[ref].data).read_all()
    return data, component.key


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


WALK_DIMS = 16  # the shipped 16-d VAE's code size: one latent-walk slider per dimension


def walk_decoder():
    """The latent walk's start code (test image #0's, with the shipped 16-d VAE) and a
    function decoding codes as the walk does, to (H, W) int16 pixel arrays."""
    import numpy as np

    from aeviz import latent
    from aeviz.images import to_uint8

    path = next(p for p in sorted(SHIPPED_DIR.glob("vae-mnist5k-*.safetensors"))
                if aeviz.load_checkpoint(p).config.latent_dim == WALK_DIMS)
    model = aeviz.load_checkpoint(path)
    base = latent.encode_all(model, aeviz.load_dataset("mnist5k", "test").x)[0]

    def decode(z):
        return [to_uint8(x).astype(np.int16) for x in latent.decode(model, z)]
    return base, decode
