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


def path_scrubber(key: str, payload: dict) -> None:
    """Mount the scrubber. The page reads the position it reports ("index", when the server
    decodes) from the session state before mounting, through events.py."""
    browser_decoder.component("scrubber")(key=key, data=payload, default={"index": payload["index"], "runtime": "browser"},
                                          on_index_change=lambda: None, on_runtime_change=lambda: None)
