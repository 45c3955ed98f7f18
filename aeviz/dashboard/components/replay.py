"""The map as it learned, played in the browser (web/replay/): a record of
aeviz.latent.learning sent whole, as base64 floats and one strip of reconstructions per
frame. Playing and scrubbing happen in the page; the server hears nothing of them."""
from __future__ import annotations

import numpy as np
import torch

from aeviz.browser_runtime import byte_labels, floats
from aeviz.dashboard import ui
from aeviz.dashboard.charts import map_plot
from aeviz.dashboard.components import browser_decoder
from aeviz.dashboard.components.scatter import hex_colour
from aeviz.latent.learning import Learning


def payload(record: Learning, key: str) -> dict:
    """What web/replay takes: the frames' places, labels, epochs, errors and image strips."""
    def strip(images: np.ndarray) -> str:
        x = torch.from_numpy(images).float() / 255
        return ui.data_url(ui.tile(x, len(x)), ui.scale_for(x.shape[-2], 56))

    labels = record.labels if (record.labels >= 0).all() else None
    return {"id": key, "n": int(record.positions.shape[1]), "positions": floats(record.positions),
            "labels": byte_labels(labels), "palette": [hex_colour(c) for c in map_plot.PALETTE],
            "epochs": [int(e) for e in record.epochs], "mse": [float(m) for m in record.test_mse],
            "recon": [strip(r) for r in record.recon], "originals": strip(record.originals)}


def replay(key: str, data: dict) -> None:
    browser_decoder.component("replay")(key=key, data=data, default={})
