"""The browser code, as Python sees it: the components built from web/ (one ES module and its
CSS per component, in dashboard/static/<name>/, committed) and the base64 float arrays they
read. The sources, their tests and the build are in web/ (`npm run build`)."""
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


def map_frame(coords: np.ndarray) -> dict:
    """A 2D map as the map component (web/map) takes it: the points centred and scaled into
    [-1, 1] (as base64 floats), the centre and half-side that undo it, the median distance to
    a nearest neighbour (the hover's "typical spacing") and a point size for their number."""
    xy = np.asarray(coords, np.float64)[:, :2]
    center = (xy.min(0) + xy.max(0)) / 2
    half = 0.52 * float((xy.max(0) - xy.min(0)).max() or 1.0)
    spacing = neighbours.spacing(xy)
    n = len(xy)
    return {"n": n, "xy": floats((xy - center) / half), "center": center.tolist(), "half": half, "spacing": spacing,
            "point_size": 5 if n <= 5000 else 3 if n <= 30000 else 2}


def byte_labels(labels: np.ndarray | None) -> str | None:
    """Class indices as base64 bytes for the map, or None when there are none or too many to colour."""
    if labels is None or len(labels) == 0 or np.max(labels) >= 256:
        return None
    return base64.b64encode(np.asarray(labels, np.uint8).tobytes()).decode()
