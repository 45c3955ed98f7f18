"""Latent walk: a slider per code dimension, the decoded image following while a slider is
dragged; for a VAE, the traversal of every dimension from -3 to +3 prior standard
deviations, and for a 2-d VAE the decoded manifold over the whole latent plane."""
import os

import numpy as np
import streamlit as st

from aeviz import latent
from aeviz.dashboard import cache, ui, walk

MAX_SLIDERS = 32    # all dimensions up to this many, else the most varying ones
MANY_SHOWN = 16
STEPS = 25          # slider positions: each is a precomputed image, so dragging is exact
TRAVERSAL = np.linspace(-3, 3, 11, dtype=np.float32)

model, split, ds = ui.code_space_page("a latent walk")
cfg = model.config
codes = cache.codes_of(model, split)
d = codes.shape[1]
dims = list(range(d)) if d <= MAX_SLIDERS else latent.most_varying(codes, MANY_SHOWN)
lo, hi = latent.slider_ranges(codes, model.abilities.prior)

st.title("Latent walk")
st.caption(f"{cfg.model} on {cfg.dataset}: {d}-d code"
           + (f"; the {len(dims)} dimensions that vary most over the data have sliders" if len(dims) < d else "")
           + (". Slider ranges: ±3 prior standard deviations." if model.abilities.prior
              else ". Slider ranges: the data's mean ± 3 standard deviations per dimension."))

c1, c2, c3 = st.columns([2, 1, 1])
start = c1.radio("Start from", ["an image's code", "the origin"], horizontal=True, key="walk_start")
index = c2.number_input(f"Image number ({split} split)", 0, len(ds) - 1, 0, key="walk_index",
                        disabled=start == "the origin")
nonce = st.session_state.setdefault("walk_nonce", 0)
if c3.button("Reset sliders"):
    st.session_state["walk_nonce"] = nonce = nonce + 1
base = codes[int(index)].copy() if start == "an image's code" else np.zeros(d, np.float32)
slider_key = f"walk-{model.checkpoint_id}-{split}-{start}-{int(index)}-{nonce}"

@st.fragment
def sliders():
    z = base.copy()
    reported = walk.reported_code(slider_key)
    if reported is not None and len(reported) == len(dims):
        z[dims] = reported
    lo_s, hi_s = lo[dims], hi[dims]
    data = walk.strips(str(model.path), os.path.getmtime(model.path), tuple(z.tolist()), tuple(dims),
                       tuple(lo_s.tolist()), tuple(hi_s.tolist()), STEPS)
    h, w = ds.x.shape[-2:]
    data.update(dims=dims, lo=lo_s.tolist(), hi=hi_s.tolist(), steps=STEPS, values=z[dims].tolist(),
                px=max(192, min(320, w * ui.scale_for(h, 224))), aspect=h / w,
                caption="decoded code (follows the slider you drag)")
    walk.latent_sliders(slider_key, data)
    if model.abilities.prior:
        st.subheader("Traversals: each dimension from −3 to +3 standard deviations")
        show = dims[:MANY_SHOWN]
        grid = cache.decode_codes(model, latent.traversal(z, show, TRAVERSAL))
        rows = ", ".join(f"z{k}" for k in show)
        ui.picture(st, ui.tile(grid, len(TRAVERSAL)), f"rows: {rows}; columns: −3 … +3; the others at the current code",
                   ui.scale_for(h, 56))
    nearest = latent.nearest(codes, z, k=1)[0]
    st.caption(f"The nearest real image to the current code is #{nearest}.")

sliders()

if model.abilities.prior and d == 2:
    st.subheader("The decoded latent plane")
    grid = cache.decode_codes(model, latent.manifold_codes(15))
    st.image(ui.png(ui.tile(grid, 15, pad=0), 2), caption="z0 left to right, z1 bottom to top, "
             "spaced by the prior's quantiles (3% to 97%).", width=560)
