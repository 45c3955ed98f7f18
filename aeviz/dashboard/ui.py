"""Pieces every page shares: the sidebar's checkpoint and split, the one-line "this view
does not apply" message with a way out, and turning tensors into visible images."""
from __future__ import annotations

import base64
import contextlib
import functools

import numpy as np
import streamlit as st

from aeviz import lazy, models
from aeviz.checkpoints import CheckpointError, user_dir
from aeviz.datasets import AUGMENTED, DatasetError
from aeviz.images import encode_png, tile  # noqa: F401 - ui.tile, for the pages

from . import cache

torch = lazy.module("torch")  # imported on first use (lazy.py): the first page draws without it

CHECKPOINT_KEY = "checkpoint"   # the sidebar's checkpoint id (a widget key)
SPLIT_KEY = "split"
AUGMENTED_HELP = (f"{AUGMENTED}, where offered: every train and test image in 15 seeded versions (shifted, turned, "
                  "mirrored where that keeps the class), each made when shown. Offered once its map is built: "
                  f"`aeviz embed CHECKPOINT --split {AUGMENTED} --out codes.parquet`, or "
                  "`python benchmarks/million_map.py --dashboard` for Fashion-MNIST's 1,050,000.")
SHOWN_PX = 112                  # small images are enlarged to about this size, crisp


def default_checkpoint(rows: list[dict]) -> str | None:
    """A shipped 16-d model with a prior on mnist5k (the VAE): the app opens on a model every
    view applies to; then any model with a prior, any with a code vector, anything."""
    usable = [r for r in rows if not r["error"]]
    for want in (lambda r: r["shipped"] and r["prior"] and r["vector_code"] and r["latent_dim"] == 16
                 and r["dataset"] == "mnist5k",
                 lambda r: r["prior"] and r["vector_code"], lambda r: r["vector_code"], lambda r: True):
        for r in usable:
            if want(r):
                return r["id"]
    return None


def sidebar() -> None:
    rows = cache.checkpoint_table()
    usable = {r["id"]: r for r in rows if not r["error"]}
    with st.sidebar:
        if not usable:
            st.info("No checkpoints yet: train one on the Train page.")
        else:
            if st.session_state.get(CHECKPOINT_KEY) not in usable:
                st.session_state[CHECKPOINT_KEY] = default_checkpoint(rows)
            st.selectbox("Checkpoint", list(usable), key=CHECKPOINT_KEY,
                         format_func=lambda i: usable[i]["label"],
                         help=f"Shipped checkpoints and the ones you trained (kept in {user_dir()}).")
            st.caption(f"{usable[st.session_state[CHECKPOINT_KEY]]['label']} ({st.session_state[CHECKPOINT_KEY]})")
        splits = ["test", "train"]
        row = usable.get(st.session_state.get(CHECKPOINT_KEY))
        if row is not None and cache.augmented_map_built(row):
            splits.append(AUGMENTED)
        if st.session_state.get(SPLIT_KEY) not in splits:  # the augmented map of another checkpoint
            st.session_state[SPLIT_KEY] = "test"
        st.radio("Dataset split shown", splits, key=SPLIT_KEY, horizontal=True, help=AUGMENTED_HELP)
        broken = [r for r in rows if r["error"]]
        if broken:
            with st.expander(f"{len(broken)} unreadable checkpoint file(s)"):
                for r in broken:
                    st.caption(r["error"])


def current_row() -> dict | None:
    rows = {r["id"]: r for r in cache.checkpoint_table() if not r["error"]}
    return rows.get(st.session_state.get(CHECKPOINT_KEY)) or rows.get(default_checkpoint(list(rows.values())) or "")


def current_split() -> str:
    return st.session_state.get(SPLIT_KEY, "test")


def current_model():
    """The sidebar's model, or a message and the end of this page's run."""
    with unloadable_stops():
        return cache.model_for(_current_row_or_stop())


def current_checkpoint():
    """The sidebar's checkpoint as its header describes it, weights unread (no torch): for a
    page that draws what is stored beside it. What it needs of the model after all is loaded
    inside unloadable_stops()."""
    with unloadable_stops():
        return cache.header_for(_current_row_or_stop())


@contextlib.contextmanager
def unloadable_stops():
    """A checkpoint that cannot be loaded (a corrupt file, weights that fail their checksum)
    is said in one line, and this page's run ends."""
    try:
        yield
    except CheckpointError as exc:
        st.error(str(exc))
        st.stop()


def _current_row_or_stop() -> dict:
    row = current_row()
    if row is None:
        st.info("No checkpoint to show yet: train one on the Train page.")
        st.stop()
    return row


def model_or_message(row: dict):
    """The checkpoint's model, or None after saying in the page why it cannot be loaded."""
    try:
        return cache.model_for(row)
    except CheckpointError as exc:
        st.error(str(exc))
        return None


def dataset_or_stop(model, split: str, load=cache.dataset_for):
    try:
        return load(model, split)
    except DatasetError as exc:
        st.error(str(exc))
        st.stop()


def images_or_stop(model, split: str):
    """The split's images for showing: arrays without torch when its dataset has them."""
    return dataset_or_stop(model, split, cache.images_for)


def _select(checkpoint_id: str) -> None:
    st.session_state[CHECKPOINT_KEY] = checkpoint_id


def offer_switch(message: str, want) -> None:
    """One line saying why this view does not apply, a button to a shipped checkpoint it
    does apply to, and the end of this page's run."""
    st.info(message)
    rows = [r for r in cache.checkpoint_table() if not r["error"] and want(r)]
    target = default_checkpoint(rows)
    if target:
        label = next(r["label"] for r in rows if r["id"] == target)
        st.button(f"Switch to {label}", on_click=_select, args=(target,))
    st.stop()


def require_code_vector(model, what: str) -> None:
    if not model.abilities.vector_code:
        offer_switch(f"This {models.title(model.config.model)} is fully convolutional: it has a feature map, not a "
                     f"code vector, so {what} does not apply; pick a VAE or AE checkpoint.", lambda r: r["vector_code"])


def code_space_page(what: str, pages_augmented: bool = False):
    """The start of every page that works in the code space: the sidebar's model (or a
    one-line message when it has no code vector), the split and its dataset. A page that
    works on a whole split's codes (pages_augmented False) shows the test split in place of
    the augmented set, and says so."""
    model = current_model()
    require_code_vector(model, what)
    split = current_split()
    if split == AUGMENTED and not pages_augmented:  # the page works on the whole split's codes
        st.caption(f"This page shows the test split: the {AUGMENTED} set opens on the Latent map and "
                   "Reconstructions pages, which page through it.")
        split = "test"
    return model, split, dataset_or_stop(model, split)


# --- images ---------------------------------------------------------------------------------

def scale_for(height: int, target: int = SHOWN_PX) -> int:
    """Nearest-neighbour enlargement that makes an 8 or 28 pixel digit visible."""
    return max(1, target // max(1, height))


def png(x, scale: int | None = None) -> bytes:
    """(C, H, W) tensor or array in [0, 1] -> PNG bytes, small images enlarged crisply."""
    return encode_png(x, scale if scale is not None else scale_for(np.shape(x)[-2]))


def picture(where, x, caption: str | None = None, scale: int | None = None) -> None:
    """Show an image at its own pixel size (a caption wider than it would stretch it blurry)."""
    pictures(where, [x], None if caption is None else [caption], scale)


def pictures(where, xs, captions: list[str] | None = None, scale: int | None = None) -> None:
    """Several images of one size in a row that wraps, each at its own pixel size."""
    if not len(xs):
        return
    h, w = np.asarray(xs[0]).shape[-2:]
    s = scale if scale is not None else scale_for(h)
    where.image([png(x, s) for x in xs], caption=captions, width=int(w * s))


def side_by_side(images: list) -> np.ndarray:
    """Several (C, H, W) images of one size, left to right with a thin white gutter; gray
    ones are made RGB when any is in color (a colorizer's input beside its output)."""
    parts = [np.asarray(a, np.float32) for a in images]
    if any(p.shape[0] == 3 for p in parts):
        parts = [np.broadcast_to(p, (3, *p.shape[1:])) for p in parts]
    gutter = np.ones((parts[0].shape[0], parts[0].shape[1], max(1, parts[0].shape[2] // 14)), np.float32)
    out = [parts[0]]
    for p in parts[1:]:
        out += [gutter, p]
    return np.concatenate(out, axis=2)


def data_url(x, scale: int = 1) -> str:
    return "data:image/png;base64," + base64.b64encode(png(x, scale)).decode()


def upload_bytes(uploaded) -> bytes:
    """An upload's bytes (st.file_uploader's object), read once."""
    return uploaded.getvalue() if uploaded is not None else b""


UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff"]
DISPLAY_MAX = 1024  # a big photo is shown at most this wide; the download keeps every pixel


def display_png(x: np.ndarray) -> bytes:
    """PNG for showing: small images enlarged crisply, big ones shrunk smoothly."""
    t = torch.from_numpy(np.asarray(x, np.float32))
    h, w = t.shape[-2:]
    if max(h, w) > DISPLAY_MAX:
        f = DISPLAY_MAX / max(h, w)
        t = torch.nn.functional.interpolate(t[None], size=(max(1, int(h * f)), max(1, int(w * f))),
                                            mode="bilinear", antialias=True, align_corners=False)[0].clamp(0, 1)
        return encode_png(t)
    return encode_png(t, scale_for(h, 160))


def pick_checkpoint(label: str, rows: list[dict], preferred: dict | None, key: str) -> dict:
    """A selectbox over suitable checkpoints, starting on the preferred one."""
    ids = [r["id"] for r in rows]
    start = ids.index(preferred["id"]) if preferred else 0
    chosen = st.selectbox(label, ids, index=start, key=key, format_func=lambda i: rows[ids.index(i)]["label"])
    return rows[ids.index(chosen)]


def image_result(result: dict, names: tuple[str, str, str], file_stem: str, key: str) -> None:
    """Input, output and (when known) the clean original side by side, with PSNR/SSIM,
    and a download of the full-size output."""
    cols = st.columns(3)
    h, w = result["output"].shape[-2:]
    cols[0].image(display_png(result["fed"]), caption=names[0], width="stretch")
    out_caption = f"{names[1]} ({w}×{h})"
    if "psnr_out" in result:
        out_caption += f" · PSNR {result['psnr_out']:.2f} dB, SSIM {result['ssim_out']:.3f}{_scale(result)}"
    cols[1].image(display_png(result["output"]), caption=out_caption, width="stretch")
    if result["clean"] is not None:
        cols[2].image(display_png(result["clean"]), caption=names[2], width="stretch")
        cols[2].caption(f"{names[0]} vs {names[2]}: PSNR {result['psnr_in']:.2f} dB, "
                        f"SSIM {result['ssim_in']:.3f}{_scale(result)}")
    else:
        cols[2].caption(f"No {names[2]} to compare with.")
    # A callable: the full-size PNG (seconds for a 12-megapixel photo) is made only when asked for.
    cols[1].download_button("Download the result (PNG)", functools.partial(_full_png, result["output"]),
                            file_name=f"{file_stem}.png", mime="image/png", key=key)


def _scale(result: dict) -> str:
    f = result.get("ssim_scale", 1)
    return f" (at 1/{f} size, as SSIM's reference code scores big photos)" if f > 1 else ""


def _full_png(output: np.ndarray) -> bytes:
    return encode_png(torch.from_numpy(output))
