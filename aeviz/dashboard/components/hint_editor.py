"""The Colorize page's photo, colored in the browser as the user places color hints.

A custom component (components v2; its code is web/colorize/) given the photo as the hint
colorizer sees it: the gray photo at the model's working size, the lightness at the size the
picture covers on the screen (the full-resolution lightness shrunk once, by area, to the size
the component asks for as "view"), the reference photo's palette, and the colorizer's ONNX
graph (browser_decoder.graph(model, "colorizer")). The browser runs the model at every change
and reports the hints once the user rests (state "hints"); the server makes the exact
full-size result with them (aeviz.apply.colorize_tensor), for the download and the PSNR.

When the browser cannot run the graph it says so (state "runtime"); hints are still placed
on the gray photo, and the page shows the server's result."""
from __future__ import annotations

import base64
import functools
import hashlib

import numpy as np
import streamlit as st
import torch
import torch.nn.functional as F

from aeviz import datasets
from aeviz.browser_runtime import floats
from aeviz.color import PALETTE_SIZE, gray_lightness, palette
from aeviz.evaluation import metrics
from aeviz.images import decode_image, encode_png, to_uint8
from aeviz.models.colorizer import SATURATION, STEERED_STRENGTH

from . import browser_decoder
from .. import cache

BAND = 512  # rows of lightness computed at a time: bounds what a 12 MP photo takes


def ident(data: bytes | None, example: str | None) -> str:
    """A short name for a photo: its bytes' digest, or the example's name."""
    return hashlib.sha1(data).hexdigest()[:16] if data else f"example-{example}"


# Shared, not copied (a 12 MP photo is 144 MB as floats): every use only reads it.
@st.cache_resource(show_spinner="Reading the photo…", max_entries=4, ttl=3600)
def photo(data: bytes | None, example: str | None) -> torch.Tensor:
    """The photo (C, H, W) in [0, 1]; aeviz.images.ImageError for an upload that is not one."""
    return datasets.example_photo(example) if example else decode_image(data)


@st.cache_data(show_spinner=False, max_entries=16)
def working_gray(path: str, mtime: float, name: str, _image: torch.Tensor) -> dict:
    """The model's "gray" input: the photo shrunk by area to its working size, as
    Colorizer.predict_ab shrinks it."""
    model = cache.load_model(path, mtime)
    h, w = _image.shape[-2:]
    size = model.working_size(h, w)
    gray = datasets.to_gray(_image[None].float())
    small = F.interpolate(gray, size=size, mode="area") if size != (h, w) else gray
    return {"hh": size[0], "ww": size[1], "gray": floats(small.numpy())}


@st.cache_data(show_spinner=False, max_entries=16)
def lightness(name: str, width: int, height: int, _image: torch.Tensor) -> dict:
    """The full-resolution lightness L shrunk once, by area, to width x height, as the browser
    composes with it: L / 100 in 16-bit words (0.0015 of a unit of L), base64."""
    gray = datasets.to_gray(_image[None].float())
    full = torch.cat([gray_lightness(gray[..., top:top + BAND, :]) for top in range(0, gray.shape[-2], BAND)], -2)
    small = F.interpolate(full, size=(height, width), mode="area") if (height, width) != full.shape[-2:] else full
    words = (small[0, 0] / 100 * 65535).round().clamp(0, 65535).numpy().astype("<u2")
    return {"width": width, "height": height, "data": base64.b64encode(words.tobytes()).decode()}


@st.cache_data(show_spinner=False, max_entries=8)
def reference_palette(name: str, short_side: int, _reference: torch.Tensor) -> np.ndarray:
    """The reference photo's color distribution, the global hint (aeviz.color.palette), as a
    colorizer of training size short_side reads it."""
    return palette(_reference.float().expand(3, -1, -1), short_side).numpy()


# Keyed by the hints: one entry per arrangement the user rested on, the latest few kept.
@st.cache_data(show_spinner="Colorizing at full size…", max_entries=8, max_size="1GiB", ttl=3600)
def exact(path: str, mtime: float, name: str, hints: tuple, reference_name: str | None, _image: torch.Tensor,
          _reference: torch.Tensor | None) -> dict:
    """The full-size result with these hints and reference (what the download gives), and,
    for a color photo, its PSNR and the gray photo's against it."""
    from aeviz.apply import colorize_tensor

    out = colorize_tensor(_image, list(hints), _reference, cache.load_model(path, mtime))
    result = {"output": to_uint8(out), "psnr_out": None, "psnr_in": None}
    if _image.shape[0] == 3:
        clean = _image[None].float()
        result["psnr_out"] = float(metrics.psnr(out[None], clean))
        result["psnr_in"] = float(metrics.psnr(datasets.to_gray(clean).expand(-1, 3, -1, -1), clean))
    return result


def png(output: np.ndarray) -> bytes:
    """(H, W, 3) bytes as a PNG file: made only when the download is asked for."""
    return encode_png(torch.from_numpy(output).permute(2, 0, 1).float() / 255)


def download(output: np.ndarray):
    return functools.partial(png, output)


def payload(key: str, row: dict, name: str, image: torch.Tensor, view: tuple[int, int] | None,
            reference: np.ndarray | None, graph: dict | None) -> dict:
    h, w = image.shape[-2:]
    return {"key": key, "W": int(w), "H": int(h), **working_gray(row["path"], row["mtime"], name, image),
            "light": lightness(name, *view, image) if view else None,
            "palette": floats(reference) if reference is not None else None, "palette_size": PALETTE_SIZE,
            "strength": {"auto": SATURATION, "steered": STEERED_STRENGTH}, "graph": graph}


def hint_editor(key: str, data: dict) -> None:
    """Mount the photo. The page reads what it reports ("hints", "view", "runtime") from the
    session state before mounting, through events.py."""
    browser_decoder.component("colorize")(key=key, data=data, default={"hints": [], "view": None, "runtime": "browser"},
                                          on_hints_change=lambda: None, on_view_change=lambda: None,
                                          on_runtime_change=lambda: None)
