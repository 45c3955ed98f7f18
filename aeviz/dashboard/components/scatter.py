"""The latent map as a WebGL scatter that decodes under the cursor, in the browser.

A custom component (components v2; its code is web/map/) drawing the 2D map with regl-scatterplot (bundled from
npm by scripts/vendor_web.sh, served from static/scatter/). The points travel as an Arrow
table (browser_runtime.map_points), which components v2 sends as binary beside the JSON and
the page reads as typed arrays; the hover and the click find their point through a grid built
in the page (web/map/grid.js). Everything a hover shows is made
in the page: a point's own image comes from a sprite atlas of the split's images (its first
ATLAS_MAX, fetched from the dashboard's server beside the points; a point beyond them shows the decoder's image of its place at once, and its own image
once the server has sent it: thumbnails.py), and empty
space is decoded through the map's inverse and the checkpoint's decoder (both ONNX, run by
onnxruntime-web), with its distance from real data. Only what needs the server reaches it: a
click (the page shows the image's reconstruction and neighbours, or the place decoded exactly,
and remembers it for the Interpolation page) and a box or lasso selection. Beside the map, a
drawing pad (an upload, for colour or larger images) is encoded in the page by the
checkpoint's encoder and placed on the map as the server places a code (latent.placement).

When the browser cannot draw or decode (no WebGL, no WebAssembly) the component says so
(state "runtime"), and the page shows the plotly map instead."""
from __future__ import annotations

import base64

import numpy as np
import streamlit as st

from aeviz.export import onnx_graphs
from aeviz.browser_runtime import drawing_data, map_points
from aeviz.images import sprite_sheet

from . import browser_decoder
from .. import cache, thumbnails
from ..charts import map_plot

ATLAS_MAX = 16384   # thumbnails in the sprite atlas (28 px digits: 3584 px a side); a point past them asks the server
SIZE = 560          # px, the square map


@st.cache_data(show_spinner=False, max_entries=8)
def payload(path: str, mtime: float, split: str, shown_as: str, _proj, _model, _images,
            classes: tuple | None) -> dict | None:
    """Everything the component draws and decodes with, for one map; None when the model or
    the map cannot be exported (the page then shows the plotly map). The underscored
    arguments are not hashed: path, mtime, split and shown_as name them."""
    proj, model, images = _proj, _model, _images
    decoder = browser_decoder.graph(model)
    if decoder is None or proj.inverse_weights is None:
        return None
    try:
        inverse = onnx_graphs.inverse_bytes(proj)
    except Exception:  # noqa: BLE001 - no export means the plotly map, not an error page
        return None
    errs = cache.split_errors_of(model, split).mse
    lo, hi = np.percentile(errs, [1, 99])
    frame, points = map_points(proj.coords, proj.labels, np.clip((errs - lo) / ((hi - lo) or 1.0), 0, 1))
    count = min(frame["n"], ATLAS_MAX)
    png, cols = sprite_sheet(images, count)
    served = thumbnails.register(model.config, split, len(images), atlas=png)
    return {"key": f"{model.checkpoint_id}-{split}-{shown_as}", "size": SIZE, **frame, "points": points,
            "classes": list(classes) if classes else None,
            "error_range": f"MSE {lo:.4f} to {hi:.4f}",
            "palette": [hex_colour(c) for c in map_plot.PALETTE], "ramp": RAMP,
            "shape": list(images.shape[1:]), "decoder": decoder, "thumbnails": served,
            "atlas": {"url": served + thumbnails.ATLAS, "cols": cols, "count": count},
            "inverse": {"id": f"{decoder['id']}.{shown_as}.inverse", "onnx": base64.b64encode(inverse).decode(),
                        "width": 2},
            **drawing_data(model, proj.codes, images, browser_decoder.graph(model, "encoder"))}


# Light to dark (viridis, reversed so that worse reads darker on white).
RAMP = ["#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89", "#26828e", "#31688e", "#3e4989", "#482878", "#440154"]


def hex_colour(colour: str) -> str:
    """plotly's "rgb(102, 197, 204)" as "#66c5cc": regl-scatterplot reads hex colours."""
    if colour.startswith("#"):
        return colour
    r, g, b = (int(float(v)) for v in colour[colour.index("(") + 1: colour.index(")")].split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def latent_map(key: str, data: dict) -> dict:
    """Mount the map; returns the component's result: .pick ({"kind": "point", "index"} or
    {"kind": "place", "x", "y"}) and .selection (image indices) on the run they happen, and
    .runtime ("unavailable" once the browser said it cannot draw or decode)."""
    return browser_decoder.component("map")(key=key, data=data, default={"runtime": "browser"},
                                            on_pick_change=lambda: None, on_selection_change=lambda: None,
                                            on_runtime_change=lambda: None)
