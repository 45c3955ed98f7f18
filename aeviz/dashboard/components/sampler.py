"""A grid of sampled images whose temperature and seed are live in the browser.

A custom component (components v2, like walk.py; its code is web/sampler/) given the
distribution to sample from as a Gaussian mixture: {"weights", "means", "chols"} (a VAE's
N(0, I) prior is one component with mean 0 and L = I; a plain autoencoder's stand-in is
fitted in Python, latent.fit_*). The browser draws z = mean_k + T * L_k @ N(0, I) with its
seeded generator (mulberry32 and Box-Muller: the same draws as aeviz.latent.sample_from, so a
seed gives the same grid) and decodes the grid with the checkpoint's decoder
(browser_decoder), at every input event; the server hears nothing. The temperature only
scales the noise, so dragging it morphs one grid smoothly.

When the browser cannot run the decoder, the component says so once (state "runtime") and
the page samples and decodes on the server instead."""
from __future__ import annotations

import numpy as np

from . import browser_decoder

MAX_SEED = 2**31 - 1


def dist_payload(dist: dict) -> dict:
    return {"weights": (np.asarray(dist["weights"], np.float64) / np.sum(dist["weights"])).tolist(),
            "means": browser_decoder.floats(dist["means"]), "chols": browser_decoder.floats(dist["chols"])}


def sample_grid(key: str, payload: dict) -> dict:
    """Mount the grid; returns its state: "runtime" ("unavailable" once the browser said it cannot decode)."""
    result = browser_decoder.component("sampler")(key=key, data=payload, default={"runtime": "browser"},
                                                  on_runtime_change=lambda: None)
    return {"runtime": result["runtime"]}
