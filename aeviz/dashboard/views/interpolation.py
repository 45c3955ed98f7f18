"""Interpolation: two images (from the split, a place clicked on the map, or uploads),
the decoded path between their codes (linear or spherical), a scrubber along it decoded in
the browser with a marker on a small map, and the path on the map."""
from functools import partial

import numpy as np
import streamlit as st

from aeviz import latent
from aeviz.images import ImageError
from aeviz.latent.locate import prepare_upload
from aeviz.dashboard.components import browser_decoder, events, scrubber
from aeviz.dashboard import cache, jobs, ui
from aeviz.dashboard.charts import map_plot

SOURCES = ["image from the split", "place clicked on a map", "upload"]

model, split, ds = ui.code_space_page("interpolation")
cfg = model.config
codes = cache.codes_of(model, split)
scale = ui.scale_for(ds.x.shape[-2], 84)
chart_key = f"interp-map-{model.checkpoint_id}-{split}"

st.title("Interpolation")
st.caption("Decode the codes on the way from A to B. Spherical interpolation (slerp) keeps a Gaussian "
           "code at a typical length, which suits a VAE's prior; linear cuts through the middle.")

def _default_b() -> int:
    if ds.y is None:
        return min(1, len(ds) - 1)
    other = np.flatnonzero(ds.y.numpy() != int(ds.y[0]))
    return int(other[0]) if len(other) else min(1, len(ds) - 1)

def on_map_click(proj, shown_as: str) -> None:
    """Callback (runs before the rerun, so it may set the endpoint widgets): a click on
    this page's map sets the endpoint chosen beside it."""
    sel = map_plot.read_selection(st.session_state.get(chart_key), len(proj.codes))
    if sel["click"] is None:
        return
    end = st.session_state.get("interp_click_sets", "A")
    if sel["click"][0] == "point":
        i = sel["click"][1]
        st.session_state[f"interp_src_{end}"] = SOURCES[0]
        st.session_state[f"interp_idx_{end}"] = i
    else:
        _, x, y = sel["click"]
        st.session_state[f"interp_pick_{end}"] = {
            "code": proj.inverse([[x, y]])[0].tolist(), "checkpoint": model.checkpoint_id, "split": split,
            "what": f"map place ({x:.2f}, {y:.2f})", "map": shown_as, "xy": [x, y]}
        st.session_state[f"interp_src_{end}"] = SOURCES[1]

def endpoint(end: str, default_index: int) -> dict | None:
    """Endpoint A or B: its code, the image to show (if any), what it is and where it lies
    on the map when that is known exactly; or None, with a message saying what is missing."""
    src = st.selectbox(f"{end} comes from", SOURCES, key=f"interp_src_{end}")
    if src == SOURCES[0]:
        i = st.number_input(f"Image number ({split})", 0, len(ds) - 1, default_index, key=f"interp_idx_{end}")
        return {"code": codes[int(i)], "image": ds.x[int(i)], "what": f"image #{int(i)}", "index": int(i)}
    if src == SOURCES[1]:
        pick = st.session_state.get(f"interp_pick_{end}") or st.session_state.get("map_pick")
        if not pick or (pick.get("checkpoint"), pick.get("split")) != (model.checkpoint_id, split):
            st.info("Click the map below (or on the Latent map page) to pick a place.")
            return None
        return {**pick, "code": np.asarray(pick["code"], np.float32), "image": None}
    up = st.file_uploader(f"Image for {end}", key=f"interp_up_{end}", type=ui.UPLOAD_TYPES)
    if up is None:
        st.info("Upload an image (PNG, JPEG, WebP, BMP, GIF or TIFF).")
        return None
    try:
        x = prepare_upload(model, ui.upload_bytes(up))
    except ImageError as exc:
        st.error(str(exc))
        return None
    return {"code": latent.encode_all(model, x)[0], "image": x[0], "what": f"upload {up.name}"}

def path_on_map(proj, shown_as: str, path: np.ndarray, a: dict, b: dict) -> np.ndarray:
    """2D places of a path's codes, by the one placement method (latent/placement.py), except ends
    whose place on this map is known exactly (images of the split, clicked places)."""
    xy = latent.place_on_map(proj.coords, proj.codes, path)
    for row, end in ((0, a), (-1, b)):
        if "index" in end:
            xy[row] = proj.coords[end["index"], :2]
        elif end.get("map") == shown_as and end.get("xy"):
            xy[row] = end["xy"]
    return xy

def map_payload(proj, shown_as: str, path: np.ndarray, a: dict, b: dict) -> dict:
    """The map as the scrubber draws it: the split's points (colored by label, as on the big
    map), the path's places and the bounds of both."""
    points = np.asarray(proj.coords[:, :2], np.float32)
    places = path_on_map(proj, shown_as, path, a, b)
    both = np.concatenate([points, places])
    lo, hi = both.min(0), both.max(0)
    margin = 0.04 * np.maximum(hi - lo, 1e-6)
    groups = (np.zeros(len(points), int) if proj.labels is None
              else np.unique(proj.labels, return_inverse=True)[1].ravel())
    return {"points": browser_decoder.floats(points), "groups": groups.tolist(), "palette": list(map_plot.PALETTE),
            "path": places.round(4).tolist(),
            "bounds": [float(lo[0] - margin[0]), float(hi[0] + margin[0]),
                       float(lo[1] - margin[1]), float(hi[1] + margin[1])]}

def scrub(a: dict, b: dict, mode: str, proj, shown_as: str) -> None:
    """The scrubber along a dense path from A to B (decoded in the browser, or on release by
    the server when the browser cannot)."""
    key = f"interp-scrub-{model.checkpoint_id}-{split}"
    reported = browser_decoder.reported(key)
    decoder = browser_decoder.graph(model) if browser_decoder.browser_decodes(reported) else None
    path = latent.interpolate(a["code"], b["code"], scrubber.POINTS, mode)
    index = events.index(reported.get("index"), scrubber.POINTS)  # from the browser: a forged one is ignored
    index = scrubber.POINTS // 2 if index is None else index
    st.markdown("**Scrub along the path**")
    if decoder is None:
        st.caption("This browser cannot run the decoder (WebAssembly), so the server decodes: the image follows "
                   "the scrubber when you release it.")
    scrubber.path_scrubber(key, scrubber.payload(
        model, path, index, ds.x.shape[1:], f"{a['what']} → {b['what']}, {mode}", decoder,
        on_map=None if proj is None else map_payload(proj, shown_as, path, a, b)))

@st.fragment
def body():
    cols = st.columns([2, 2, 3])
    with cols[0]:
        a = endpoint("A", 0)
    with cols[1]:
        b = endpoint("B", _default_b())
    with cols[2]:
        mode = st.radio("Interpolation", ["linear", "slerp"], horizontal=True, key="interp_mode")
        steps = st.slider("Steps", 3, 16, 10, key="interp_steps")
        st.radio("A click on the map sets", ["A", "B"], horizontal=True, key="interp_click_sets")
    path = None
    proj, shown_as, pending = jobs.projection_or_fallback(model, split, "umap", 2)
    if a is not None and b is not None:
        path = latent.interpolate(a["code"], b["code"], steps, mode)
        images = cache.decode_codes(model, path)
        left, mid, right = st.columns([1, 8, 1])
        for col, end, name in ((left, a, "A"), (right, b, "B")):
            if end["image"] is not None:
                ui.picture(col, end["image"], name, scale)
        mid.image(ui.png(ui.tile(images, steps, pad=1), scale), width="stretch",
                  caption=f"{a['what']} → {b['what']}, {mode}, {steps} steps")
        scrub(a, b, mode, proj, shown_as)
    if proj is None:
        st.info("The map is still being computed (see the Latent map page); the strip above does not wait for it.")
        return
    fig = map_plot.map_figure(proj, ds.classes, height=480)
    if path is not None:
        map_plot.add_path(fig, path_on_map(proj, shown_as, path, a, b))
    st.plotly_chart(fig, key=chart_key, on_select=partial(on_map_click, proj, shown_as),
                    selection_mode=("points",), config={"displaylogo": False})
    st.caption(f"{shown_as} map of the {split} split; a click sets the endpoint chosen above. The path's points are "
               "placed at the mean of their nearest codes' places, weighted by 1 / distance⁸ (an estimate: UMAP keeps "
               "no cheap way to map new codes), except ends that are images of the split or clicked places, which are "
               "exact.")

body()
