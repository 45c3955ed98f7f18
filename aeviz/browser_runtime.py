"""The browser code, as Python sees it: the components built from web/ (one ES module and its
CSS per component, in dashboard/static/<name>/, committed) and the arrays they read: an
Arrow table for the latent map's points (Streamlit sends it as binary, beside the JSON), base64
float arrays for the rest. The sources, their tests and the build are in web/ (`npm run build`)."""
from __future__ import annotations

import base64
import functools
from pathlib import Path

import numpy as np

from .latent import neighbours

STATIC = Path(__file__).resolve().parent / "dashboard" / "static"


@functools.cache
def built(name: str) -> tuple[str, str]:
    """Component name's built module and CSS, read once per process."""
    folder = STATIC / name
    return (folder / f"{name}.js").read_text(encoding="utf-8"), (folder / f"{name}.css").read_text(encoding="utf-8")


def floats(a: np.ndarray) -> str:
    """float32 values as base64, for the pages' floatsOf(): a quarter of their size as JSON numbers."""
    return base64.b64encode(np.ascontiguousarray(a, np.float32).tobytes()).decode()


def _frame(coords: np.ndarray) -> tuple[dict, np.ndarray]:
    """The map's frame and its points centred and scaled into [-1, 1]."""
    xy = np.asarray(coords, np.float64)[:, :2]
    center = (xy.min(0) + xy.max(0)) / 2
    half = 0.52 * float((xy.max(0) - xy.min(0)).max() or 1.0)
    spacing = neighbours.spacing(xy)
    n = len(xy)
    return ({"n": n, "center": center.tolist(), "half": half, "spacing": spacing,
             "point_size": 5 if n <= 5000 else 3 if n <= 30000 else 2}, (xy - center) / half)


def map_frame(coords: np.ndarray) -> dict:
    """A 2D map as the map component (web/map) takes it in JSON (the static explorer's
    explorer.json): the points centred and scaled into [-1, 1] (as base64 floats), the centre
    and half-side that undo it, the median distance to a nearest neighbour (the hover's
    "typical spacing") and a point size for their number."""
    frame, xy = _frame(coords)
    return {**frame, "xy": floats(xy)}


def map_points(coords: np.ndarray, labels: np.ndarray | None, errors: np.ndarray | None):
    """The same map for the dashboard: the frame, and the points as an Arrow table (x, y
    float32; label uint8 and error float32 where there are any), which components v2 sends
    as Arrow IPC bytes in the websocket's protobuf, not as text: at a million points 13 MB,
    where base64 in the JSON was 17 MB of text to decode. The page reads its columns as typed
    arrays (web/map/columns.js)."""
    import pyarrow as pa

    frame, xy = _frame(coords)
    columns = {"x": xy[:, 0].astype(np.float32), "y": xy[:, 1].astype(np.float32)}
    if labels is not None and len(labels) and np.max(labels) < 256:
        columns["label"] = np.asarray(labels, np.uint8)
    if errors is not None:
        columns["error"] = np.asarray(errors, np.float32)
    return frame, pa.table(columns)


def byte_labels(labels: np.ndarray | None) -> str | None:
    """Class indices as base64 bytes for the map, or None when there are none or too many to colour."""
    if labels is None or len(labels) == 0 or np.max(labels) >= 256:
        return None
    return base64.b64encode(np.asarray(labels, np.uint8).tobytes()).decode()


PAD_MAX = 64      # px: images this small and grey get the drawing pad; larger or colour ones, an upload
CODES_MAX = 1 << 20  # floats: a map's codes go to the page (to place a drawing) up to 4 MB of them
INK = 0.25        # a pixel this far from the ground is ink, when the ink's box is measured


def drawing_frame(images) -> dict:
    """How a drawing becomes one of the split's images (web/draw/ink.js): `pad`, whether the
    pen is offered (grey images of at most PAD_MAX px); `dark_ink`, whether the images are
    dark ink on a light ground (the median border pixel is light); `fit`, the share of the
    image the ink's larger side spans, the median over (up to 2,000 of) the split's images
    (0.71 for MNIST, whose digits were scaled into 20 x 20 of 28 x 28)."""
    x = np.asarray(images[:2000], np.float32)
    c, h, w = x.shape[1:]
    border = np.concatenate([x[:, :, 0].ravel(), x[:, :, -1].ravel(), x[:, :, :, 0].ravel(), x[:, :, :, -1].ravel()])
    dark_ink = bool(np.median(border) > 0.5)
    ink = (1 - x if dark_ink else x).max(1) > INK  # (N, H, W)
    rows, cols = ink.any(2), ink.any(1)
    has = rows.any(1)
    if not has.any():
        fit = 1.0
    else:
        def extent(mask, n):  # per image: last inked index - first + 1, over n
            first, last = mask.argmax(1), n - 1 - mask[:, ::-1].argmax(1)
            return (last - first + 1) / n
        fit = float(np.median(np.maximum(extent(rows[has], h), extent(cols[has], w))))
    return {"pad": bool(c == 1 and max(h, w) <= PAD_MAX), "dark_ink": dark_ink, "fit": round(fit, 4)}


def drawing_data(model, codes: np.ndarray, images, encoder: dict | None) -> dict:
    """What the map needs to place a drawing or an upload: the encoder's graph, the map's codes
    and the drawing frame; nothing when there is no encoder or the codes are too many to send."""
    if encoder is None or codes.size > CODES_MAX:
        return {}
    return {"encoder": encoder, "codes": floats(codes), "drawing": drawing_frame(images)}
