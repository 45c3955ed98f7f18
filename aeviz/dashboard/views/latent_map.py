"""Latent map: the codes of a split in 2D (or 3D), colored by label. Click a point to see
its image, its reconstruction and its nearest neighbours in latent space; click empty
space to decode that place; box or lasso a region to see the images in it."""
import math
import time

import numpy as np
import streamlit as st

from aeviz import latent
from aeviz.latent import learning
from aeviz.dashboard.components import browser_decoder, events, replay, scatter
from aeviz.dashboard import cache, jobs, ui
from aeviz.dashboard.charts import map_plot

NEIGHBOURS = 8
MAX_SELECTED = 60
NO_BROWSER_MAP = "aeviz_no_browser_map"  # set once a browser said it cannot draw or decode the map

model, split, ds = ui.code_space_page("a latent map", pages_augmented=True)
cfg = model.config
scale = ui.scale_for(ds.x.shape[-2])

st.title("Latent map")
c1, c2 = st.columns([1, 3])
method = c1.radio("Projection", ["UMAP", "PCA"], horizontal=True, key="map_method").lower()
dim = 3 if c2.toggle("3D", key="map_3d", help="Computed on request the first time (UMAP takes a while).") else 2

proj, shown_as, pending = jobs.projection_or_fallback(model, split, method, dim)
if not jobs.show_failure(pending) and pending is not None:
    def wait_for_map(had_fallback: bool):
        # Polls the background job; the rest of the app stays usable meanwhile. A full rerun
        # shows the map once it (or the PCA map standing in for it) is ready.
        fallback, _, still = jobs.projection_or_fallback(model, split, method, dim)
        if still is None or still.error() or (fallback is not None and not had_fallback):
            st.rerun()
        elapsed = time.time() - still.since
        st.info(f"{method.upper()} {dim}D map computing… {elapsed:.0f} s so far (once per checkpoint and split; "
                "it is then saved to disk)." + (" Meanwhile, the PCA map." if fallback is not None else ""))
        st.progress(1 - math.exp(-elapsed / 60), text="encoding the images, projecting, fitting the map's inverse")
    st.fragment(wait_for_map, run_every=2)(proj is not None)
if proj is None:
    st.stop()


def remember_pick(code: np.ndarray, what: str, shown_as: str, xy) -> None:
    """The last place picked on the map (per user): the Interpolation page can start from it."""
    st.session_state["map_pick"] = {"checkpoint": model.checkpoint_id, "split": split, "what": what,
                                    "code": np.asarray(code, np.float32).ravel().tolist(),
                                    "map": shown_as, "xy": [float(v) for v in xy]}


def show_image(i: int) -> None:
    shown, mse = cache.shown_images_of(model, split, [i]), cache.split_errors_of(model, split).mse
    label = f", label {ds.classes[int(ds.y[i])] if ds.classes else int(ds.y[i])}" if ds.y is not None else ""
    a, b = st.columns(2)
    ui.picture(a, ds.x[i], f"image #{i}{label}", scale)
    ui.picture(b, shown["outputs"][0], f"its reconstruction (MSE {mse[i]:.4f})", scale)


def show_neighbours(proj, i: int) -> None:
    idx = latent.nearest(proj.codes, proj.codes[i], k=NEIGHBOURS, exclude=i)
    dist = np.linalg.norm(proj.codes[idx] - proj.codes[i], axis=1)
    st.caption(f"Nearest {len(idx)} images to #{i} in latent space (Euclidean distance between codes)")
    ui.pictures(st, [ds.x[j] for j in idx], [f"#{j} · {d:.2f}" for j, d in zip(idx, dist)], scale)


def show_place(proj, x: float, y: float, shown_as: str) -> None:
    z = proj.inverse([[x, y]])
    img = cache.decode_codes(model, z)[0]
    far = float(proj.distance_to_data([[x, y]])[0])
    where = ("inside the data" if far < 3 else "between or beside the data" if far < 12
             else "far from any real image: the decoder is extrapolating")
    ui.picture(st, img, f"decoded at ({x:.2f}, {y:.2f})", scale)
    st.caption(f"Distance to the nearest real point: {far:.1f}× the typical spacing between neighbours ({where}).")
    remember_pick(z[0], f"map place ({x:.2f}, {y:.2f})", shown_as, (x, y))


# A class the model was trained without says so in the legend: where it lands is the point.
classes = [f"{name} (left out of training)" if k in cfg.exclude_classes else name
           for k, name in enumerate(ds.classes)] if ds.classes else ds.classes


def browser_map(key: str, data: dict):
    """The WebGL map; (the last click, the last selection), kept per map across reruns."""
    result = scatter.latent_map(key, data)
    memory = st.session_state.setdefault(f"{key}-memory", {"click": None, "chosen": []})
    n = len(proj.codes)  # the browser's events are read through events.py: a forged one is no event
    if (click := events.pick(result.pick, n)) is not None:
        memory["click"] = click
    if (chosen := events.selection(result.selection, n)) is not None:
        memory["chosen"] = chosen
    return memory["click"], memory["chosen"]


def plotly_map(proj, shown_as):
    """The server-drawn map, for a browser that cannot run the WebGL one (or a model whose
    decoder could not be exported for the browser)."""
    why = ("This browser cannot draw the WebGL map or run the decoder"
           if st.session_state.get(NO_BROWSER_MAP) or not browser_decoder.browser_decodes({})
           else "This model's decoder could not be exported for the browser")
    st.caption(f"{why}, so the server draws the map: hovering shows labels only, and a click decodes on the server.")
    event = st.plotly_chart(
        map_plot.map_figure(proj, classes), key=f"map-{model.checkpoint_id}-{split}-{shown_as}",
        on_select="rerun", selection_mode=("points", "box", "lasso"), config={"displaylogo": False})
    st.caption("Click a point or anywhere on the plane; drag with the box or lasso tool to select.")
    sel = map_plot.read_selection(event, len(proj.codes))
    return sel["click"], sel["indices"]


@st.fragment
def explore(proj, shown_as):
    what = shown_as
    if cfg.latent_dim <= proj.coords.shape[1]:  # nothing to project: the map is the code space itself
        what = f"The {cfg.latent_dim}-d codes themselves (no projection needed)"
    st.caption(f"{what}: the {split} split's {len(proj.codes):,} codes ({cfg.latent_dim}-d), colored by label.")
    if proj.coords.shape[1] == 3:
        st.plotly_chart(map_plot.map_figure_3d(proj, classes), key=f"map3d-{model.checkpoint_id}-{split}",
                        config={"displaylogo": False})
        st.caption("Clicks, boxes and decoding of empty space work on the 2D map.")
        click, chosen = None, []
    else:
        data, key = None, f"amap-{model.checkpoint_id}-{split}-{shown_as}"
        if browser_decoder.reported(key).get("runtime") == "unavailable":
            st.session_state[NO_BROWSER_MAP] = True  # for every map of this session, not this one alone
        # The map needs WebGL and the decoder: a browser that cannot decode draws no WebGL map.
        if not st.session_state.get(NO_BROWSER_MAP) and browser_decoder.browser_decodes({}):
            data = scatter.payload(*cache.key(model), split, shown_as, proj, model, ds.x,
                                   tuple(classes) if classes else None)
        if data is not None:
            click, chosen = browser_map(key, data)
        else:
            click, chosen = plotly_map(proj, shown_as)
        if click and click[0] == "place":
            st.subheader("Decoded place")
            show_place(proj, click[1], click[2], shown_as)
        elif click:
            st.subheader("Clicked image")
            show_image(click[1])
            i = click[1]
            remember_pick(proj.codes[i], f"image #{i}", shown_as, proj.coords[i, :2])
        else:
            st.info("Click the map: a point shows its image and reconstruction; empty space is decoded.")
    if chosen:
        st.subheader(f"{len(chosen):,} images selected")
        pages = -(-len(chosen) // MAX_SELECTED)
        # A page of the selection at a time: each image is read (or made, for the augmented
        # set) when its page is shown, never the whole selection.
        page = st.columns(4)[0].number_input(f"Page (of {pages}, {MAX_SELECTED} a page)", 1, pages, 1,
                                             key=f"sel-page-{len(chosen)}") if pages > 1 else 1
        shown = chosen[(page - 1) * MAX_SELECTED: page * MAX_SELECTED]
        if ds.y is not None:
            counts = np.bincount(ds.y[chosen].numpy(), minlength=len(ds.classes or []))
            st.caption("Labels in the selection: " + ", ".join(
                f"{ds.classes[k] if ds.classes else k}: {c}" for k, c in enumerate(counts) if c))
        ui.pictures(st, list(ds.x[shown]), [f"#{j}" for j in shown], max(1, scale // 2))
        use = st.columns(4)
        for col, group in zip(use, "AB"):
            if col.button(f"Use as group {group}", key=f"attr-group-{group}",
                          help="The Attributes page's slider moves an image from group A's mean code towards B's."):
                saved = st.session_state.get("attr_groups") or {}
                if (saved.get("checkpoint"), saved.get("split")) != (model.checkpoint_id, split):
                    saved = {"checkpoint": model.checkpoint_id, "split": split}
                st.session_state["attr_groups"] = {**saved, group: [int(j) for j in chosen]}
                st.toast(f"Group {group}: {len(chosen)} images. Open the Attributes page to slide between the groups.")
    st.subheader("Nearest neighbours in latent space")
    default = click[1] if click and click[0] == "point" else 0
    i = st.columns(4)[0].number_input("Image number", 0, len(proj.codes) - 1, default, key=f"nn-{default}")
    show_neighbours(proj, int(i))


explore(proj, shown_as)


@st.cache_data(show_spinner=False, max_entries=4)  # _model: not hashed; its id and checksum name it
def replay_payload(checkpoint_id: str, checksum: str, _model) -> dict | None:
    record = learning.find(_model)
    return None if record is None else replay.payload(record, f"{checkpoint_id}.{checksum[:12]}")


st.subheader("The map as it learned")
data = replay_payload(model.checkpoint_id, model.meta.get("checksum", ""), model)
if data is None:
    st.caption("This checkpoint was trained without a record of its map. Tick \"Record the map as it learns\" on "
               "the Train page, or add `--record-learning` to `aeviz train`, to watch the codes of 1,000 test "
               "images find their places, epoch by epoch.")
else:
    how = ("the 2-d codes themselves" if cfg.latent_dim <= 2
           else "each frame's UMAP map started from the next one's and aligned to it (Procrustes)")
    st.caption(f"The codes of {data['n']} test images at {len(data['epochs'])} epochs from 0 (untrained) to "
               f"{data['epochs'][-1]}: {how}. Play it, or pick an epoch.")
    replay.replay(f"replay-{model.checkpoint_id}", data)
