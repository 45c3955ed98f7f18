"""Colorize: a photo (an upload or an example) colored by the hint colorizer as the user steers
it. Click the photo to place a color hint, drag it, recolor or remove it: the picture recolors
at once, in the browser. A reference photo gives the colors to take ("colors like this photo").
The download is the exact full-size result, made by the server with the same hints; when the
upload was in color, its PSNR against the original."""
from pathlib import Path

import numpy as np
import streamlit as st

from aeviz.datasets import EXAMPLE_PHOTOS
from aeviz.images import ImageError
from aeviz.dashboard import cache, ui
from aeviz.dashboard.components import browser_decoder, events
from aeviz.dashboard.components import hint_editor as editor

st.title("Colorize")
colorizers = [r for r in cache.checkpoint_table() if not r["error"] and r["colorizes"]]
if not colorizers:
    st.info("No colorizer checkpoint yet: train one on the Train page (a model that colorizes, on photos).")
    st.stop()

NO_RUNTIME = ("This browser cannot run the colorizer (WebAssembly), so the server colors the photo: "
              "the picture below follows your hints a moment after you place them.")


@st.fragment
def page():
    c1, c2 = st.columns([1, 2])
    source = c1.radio("Image", ["upload", "example photo"], key="cz_source")
    best = sorted(colorizers, key=lambda r: (not r["shipped"], r["id"]))[0]
    row = ui.pick_checkpoint("Colorizer", colorizers, best, key="cz_model")
    model = ui.model_or_message(row)
    if model is None:
        return
    c2.caption(f"Trained on {model.config.dataset}: it sees the lightness and predicts the colors (Lab's a and b); "
               "the output keeps the input's own lightness, so no detail is lost. Click the photo to tell it a "
               "color: it spreads the color over the region you clicked.")
    if source == "example photo":
        name = st.selectbox("Photo (never seen in training)", EXAMPLE_PHOTOS, key="cz_example")
        data, example = None, name
    else:
        up = st.file_uploader("A color or gray image (PNG, JPEG, WebP, BMP, GIF or TIFF)", type=ui.UPLOAD_TYPES,
                              key="cz_upload")
        if up is None:
            st.info("Upload an image, or pick an example photo.")
            return
        name, data, example = up.name, ui.upload_bytes(up), None
    ref = st.file_uploader("Colors like this photo (optional): a reference whose colors the result takes",
                           type=ui.UPLOAD_TYPES, key="cz_reference")
    try:
        image = editor.photo(data, example)
    except ImageError as exc:
        st.error(f"{name}: {exc}")
        return
    try:
        reference = editor.photo(ui.upload_bytes(ref), None) if ref else None
    except ImageError as exc:
        st.error(f"{ref.name}: {exc} The photo is colored without a reference.")
        reference = None
    steer(row, name, editor.ident(data, example), image,
          reference, editor.ident(ui.upload_bytes(ref), None) if reference is not None else None)


def steer(row: dict, name: str, photo_id: str, image, reference, reference_id: str | None):
    """The photo with its hints, and the server's exact result for them."""
    h, w = image.shape[-2:]
    key = f"cz-{row['id']}-{photo_id}"
    state = browser_decoder.reported(key)
    hints = events.hints(state.get("hints"), w, h) or []
    in_browser = browser_decoder.browser_decodes(state)
    model = cache.model_for(row)
    graph = browser_decoder.graph(model, "colorizer") if in_browser else None
    palette = None if reference is None else editor.reference_palette(reference_id, model.image_shape[-1], reference)
    view = events.view(state.get("view"), w, h)
    editor.hint_editor(key, editor.payload(key, row, photo_id, image, view, palette, graph))
    if graph is not None and view is None:
        return  # the component asks for its lightness at once: the picture first, the full-size result next run
    result = editor.exact(row["path"], row["mtime"], photo_id, tuple(hints), reference_id, image, reference)
    if graph is None:
        st.caption(NO_RUNTIME if not in_browser else "This colorizer could not be exported for the browser, so the "
                   "server colors the photo: the picture below follows your hints a moment after you place them.")
        shown = result["output"].transpose(2, 0, 1).astype(np.float32) / 255  # float32: a 12 MP photo is 144 MB
        st.image(ui.display_png(shown), caption="colorized by the server", width="stretch")
    steered = f"{len(hints)} hint{'s' if len(hints) != 1 else ''}" + (" and the reference" if reference is not None
                                                                      else "")
    if result["psnr_out"] is not None:
        st.caption(f"PSNR against the original, at full size with {steered}: colorized {result['psnr_out']:.2f} dB, "
                   f"the gray input alone {result['psnr_in']:.2f} dB. The gain is what the colors add.")
    else:
        st.caption(f"The upload was gray, so there are no true colors to compare with ({steered}).")
    st.download_button(f"Download the result (PNG, {w}×{h})", editor.download(result["output"]),
                       file_name=f"{Path(name).stem}-colorized.png", mime="image/png", key="cz_dl")


page()
