"""A scrubber along an interpolation path, decoded in the browser at every input event.

A custom component (components v2, like walk.py; its code is web/scrubber/) given the path as a dense list of codes
computed in Python (so slerp is exactly latent.interpolate's), their places on the map,
and the map's points. Moving the scrubber decodes the code under it with the checkpoint's
decoder in the page (browser_decoder) and moves a marker along the path drawn on a small
canvas of the map; the server hears nothing of it.

When the browser cannot run the decoder, the component says so once (state "runtime"), and
reports the scrubbed position on release (state "index"): Python sends that code's exact
image, and the marker still follows the scrubber while it moves."""
from __future__ import annotations

from . import browser_decoder

POINTS = 101  # codes along the path: the scrubber moves 1% of the way per step


def payload(model, path, index: int, shape, caption: str, decoder: dict | None, ends=("A", "B"), on_map=None) -> dict:
    """What the scrubber takes for a path of codes: them as base64 floats, the position shown,
    the image size it is drawn at, and that position's exact image (shown until the browser's
    decoder is ready, and always without one)."""
    from aeviz.dashboard import cache, ui

    h, w = shape[-2:]
    return {"codes": browser_decoder.floats(path), "n": len(path), "width": int(path.shape[1]), "index": index,
            "decoder": decoder, "shape": list(shape), "px": max(160, min(256, w * ui.scale_for(h, 192))),
            "aspect": h / w, "caption": caption, "ends": list(ends),
            "image": ui.data_url(cache.decode_codes(model, path[index:index + 1])[0]), "map": on_map}


def path_scrubber(key: str, payload: dict) -> None:
    """Mount the scrubber. The page reads the position it reports ("index", when the server
    decodes) from the session state before mounting, through events.py."""
    browser_decoder.component("scrubber")(key=key, data=payload, default={"index": payload["index"], "runtime": "browser"},
                                          on_index_change=lambda: None, on_runtime_change=lambda: None)
