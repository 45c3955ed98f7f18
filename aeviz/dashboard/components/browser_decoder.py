"""Decoding in the user's browser: mounting the components built from web/, and the payload
that carries a decoder to them.

The runtime is onnxruntime-web, vendored at a pinned version (scripts/vendor_web.sh) and
served by the dashboard itself from static/ort/ (server.enableStaticServing): nothing is
loaded from a CDN, so the dashboard works offline. The decoder is the checkpoint's ONNX
export (aeviz.export.onnx_graphs), sent once per page as base64 and kept in the page as one
InferenceSession per checkpoint. A browser that cannot run it (no WebAssembly, a blocked
fetch) reports so, and the page falls back to decoding on the server."""
from __future__ import annotations

import base64
import logging

import numpy as np

import streamlit as st

from aeviz.export import onnx_graphs
from aeviz.browser_runtime import built, floats  # noqa: F401 - floats: for the views

log = logging.getLogger(__name__)


def component(name: str):
    """The Streamlit component of web/<name>: its built module and CSS, given as strings.
    (components v2 takes a path only inside an installed package's declared asset_dir; a
    string works from a checkout too. The module finds onnxruntime-web and regl-scatterplot
    at the dashboard's static route, app/static/.)"""
    js, css = built(name)
    # Registering on every run is free (an identical definition is not re-registered) and
    # keeps the component available to a fresh runtime such as AppTest's.
    return st.components.v2.component(f"aeviz.{name}", css=css, js=js)


# The graphs a page can run, by kind: the decoder (codes -> images), the encoder (flat images
# -> codes: a drawing placed on the map) and the hint colorizer; and the width of a row of
# each one's input.
GRAPHS = {"decoder": onnx_graphs.cached_decoder, "encoder": onnx_graphs.cached_encoder,
          "colorizer": onnx_graphs.cached_colorizer}
WIDTHS = {"encoder": lambda model: int(np.prod(model.image_shape))}


def graph(model, kind: str = "decoder") -> dict | None:
    """The checkpoint's ONNX graph of that kind for a component's data: {"id", "onnx" (base64),
    "width"}, or None when it cannot be exported (the page then runs the model on the server)."""
    return _graph(str(model.path), model.meta.get("checksum", ""), kind, model)


@st.cache_data(show_spinner=False, max_entries=8)  # _model: not hashed; path and checksum name it
def _graph(path: str, checksum: str, kind: str, _model) -> dict | None:
    try:
        onnx = GRAPHS[kind](_model)
    except Exception:
        log.exception("Could not export %s's %s to ONNX; its pages run it on the server.", path, kind)
        return None
    name = f"{_model.checkpoint_id}.{checksum[:12]}" + ("" if kind == "decoder" else f".{kind}")
    width = WIDTHS.get(kind, lambda model: int(model.cfg.latent_dim))(_model)
    return {"id": name, "onnx": base64.b64encode(onnx).decode(), "width": width}


NO_DECODER = "aeviz_no_browser_decoder"  # set once a browser said it cannot decode: every page then asks the server


def reported(key: str) -> dict:
    """What a component last reported, before it is mounted in this run."""
    found = st.session_state.get(key)
    return found if isinstance(found, dict) else {}


def browser_decodes(state: dict) -> bool:
    """Whether this user's browser decodes: False from the moment one component reported
    (state "runtime") that it cannot, for every page of the session."""
    if state.get("runtime") == "unavailable":
        st.session_state[NO_DECODER] = True
    return not st.session_state.get(NO_DECODER)
