"""Latent sliders whose image follows every input event, decoded in the browser.

A custom component (components v2, no iframe; its code is web/walk/) holding one continuous slider
per shown dimension. The checkpoint's decoder runs in the page (browser_decoder: ONNX on
onnxruntime-web), so a drag or a key press decodes there, for any number of users at once,
and the server hears nothing of it. The VAE's traversal grid and the nearest real image
follow the code too.

When the browser cannot run the decoder, the component says so once (state "runtime") and
the page falls back to the server: the sliders report their code on release, and Python
sends the exact image of it."""
from __future__ import annotations

from . import browser_decoder

STEPS = 100  # slider positions across each range: a key press moves a dimension by 1%


def latent_sliders(key: str, payload: dict) -> None:
    """Mount the sliders. The page reads what they report ("code" on release, when the server
    decodes) from the session state before mounting, through events.py."""
    browser_decoder.component("walk")(key=key, data=payload, default={"code": payload["values"], "runtime": "browser"},
                                      on_code_change=lambda: None, on_runtime_change=lambda: None)
