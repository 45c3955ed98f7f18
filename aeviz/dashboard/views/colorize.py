"""Colorize: a color or gray image in, the gray version the model sees, the colors it gives
back, and, when the upload was in color, the original with PSNR. Any size."""
from pathlib import Path

import streamlit as st

from aeviz.datasets import EXAMPLE_PHOTOS
from aeviz.images import ImageError
from aeviz.models.colorizer import SATURATION
from aeviz.dashboard import cache, ui

st.title("Colorize")
colorizers = [r for r in cache.checkpoint_table() if not r["error"] and r["colorizes"]]
if not colorizers:
    st.info("No colorizer checkpoint yet: train one on the Train page (a model that colorizes, on photos).")
    st.stop()


@st.fragment
def page():
    c1, c2 = st.columns([1, 2])
    source = c1.radio("Image", ["upload", "example photo"], key="cz_source")
    best = sorted(colorizers, key=lambda r: (not r["shipped"], r["id"]))[0]
    row = ui.pick_checkpoint("Colorizer", colorizers, best, key="cz_model")
    model = ui.model_or_message(row)
    if model is None:
        return
    cfg = model.config
    c2.caption(f"Trained on {cfg.dataset}: it sees only the lightness and predicts the colors (Lab's a and b); "
               "the output keeps the input's own lightness, so no detail is lost.")
    if source == "example photo":
        name = st.selectbox("Photo (never seen in training)", EXAMPLE_PHOTOS, key="cz_example")
        items = [(name, None, name)]
    else:
        up = st.file_uploader("A color or gray image (PNG, JPEG, WebP, BMP, GIF or TIFF)", type=ui.UPLOAD_TYPES,
                              key="cz_upload")
        if up is None:
            st.info("Upload an image, or pick an example photo.")
            return
        items = [(up.name, ui.upload_bytes(up), None)]
    strength = st.slider("Color strength", 0.0, 1.5, SATURATION, 0.05, key="cz_strength",
                         help=f"How much of its guessed colors the model paints: 0 gives the gray image, 1 its whole "
                              f"guess. The default, {SATURATION:g}, scored best on photos of subjects it never saw: "
                              "where it is unsure, a paler guess costs less when it is wrong.")
    for name, data, example in items:
        try:
            with ui.tile_progress(f"Colorizing {name}") as on_tile:
                result = cache.apply_model(row["path"], row["mtime"], data, example, saturation=strength,
                                           _on_tile=on_tile)
        except ImageError as exc:
            st.error(f"{name}: {exc}")
            continue
        ui.image_result(result, ("gray input", "colorized", "original"), f"{Path(name).stem}-colorized", key="cz_dl")
        if result["clean"] is not None:
            st.caption(f"PSNR against the original: colorized {result['psnr_out']:.2f} dB, the gray input alone "
                       f"{result['psnr_in']:.2f} dB. The gain is what the predicted colors add.")
        else:
            st.caption("The upload was gray, so there are no true colors to compare with.")


page()
