"""Latent walk: a slider per code dimension, the decoded image following while a slider is
dragged, the most alive dimension first (by KL for a VAE, else by variance), collapsed ones
folded away; for a VAE, the traversal of every dimension from -3 to +3 prior standard
deviations, and for a 2-d VAE the decoded manifold over the whole latent plane."""
import numpy as np
import streamlit as st

from aeviz import latent
from aeviz.latent import activity
from aeviz.dashboard.components import browser_decoder, events, walk
from aeviz.dashboard import cache, ui

MAX_SLIDERS = 32    # all dimensions up to this many, else the most alive ones
MANY_SHOWN = 16
TRAVERSAL = np.linspace(-3, 3, 11, dtype=np.float32)

model, split, ds = ui.code_space_page("a latent walk")
cfg = model.config
codes = cache.codes_of(model, split)
d = codes.shape[1]
alive = cache.dim_activity_of(model, split)
dims = alive.order()[:MAX_SLIDERS if d <= MAX_SLIDERS else MANY_SHOWN]
lo, hi = latent.slider_ranges(codes, model.abilities.prior)

st.title("Latent walk")
st.caption(f"{cfg.model} on {cfg.dataset}: {d}-d code"
           + (f"; the {len(dims)} most alive dimensions have sliders" if len(dims) < d else "")
           + (". Slider ranges: ±3 prior standard deviations." if model.abilities.prior
              else ". Slider ranges: the data's mean ± 3 standard deviations per dimension."))
collapsed = int((~alive.active[dims]).sum())
if alive.kl is not None:
    ordered, dead = f"mean KL to the prior over the {split} split (nats)", \
        f"KL at most {activity.KL_ACTIVE} nats: the decoder ignores such a dimension"
else:
    ordered, dead = f"variance over the {split} split", f"under {activity.VARIANCE_ACTIVE:.0%} of the largest variance"
st.caption(f"Sliders in order of each dimension's {ordered}, largest first; "
           + (f"{collapsed} collapsed ({dead}), folded away below them." if collapsed else "none has collapsed."))

c1, c2, c3 = st.columns([2, 1, 1])
start = c1.radio("Start from", ["an image's code", "the origin"], horizontal=True, key="walk_start")
index = c2.number_input(f"Image number ({split} split)", 0, len(ds) - 1, 0, key="walk_index",
                        disabled=start == "the origin")
nonce = st.session_state.setdefault("walk_nonce", 0)
if c3.button("Reset sliders"):
    st.session_state["walk_nonce"] = nonce = nonce + 1
base = codes[int(index)].copy() if start == "an image's code" else np.zeros(d, np.float32)
slider_key = f"walk-{model.checkpoint_id}-{split}-{start}-{int(index)}-{nonce}"

NO_DECODER_NOTE = ("This browser cannot run the decoder (WebAssembly), so the server decodes: "
                   "the image follows a slider when you release it.")


@st.fragment
def sliders():
    reported = browser_decoder.reported(slider_key)
    in_browser = browser_decoder.browser_decodes(reported)
    decoder = browser_decoder.graph(model) if in_browser else None
    z = base.copy()
    if decoder is None:
        st.caption(NO_DECODER_NOTE if in_browser is False else
                   "This model's decoder could not be exported for the browser, so the server decodes: "
                   "the image follows a slider when you release it.")
        code = events.code(reported.get("code"), len(dims), lo[dims], hi[dims])  # from the browser
        if code is not None:
            z[dims] = code
    h, w = ds.x.shape[-2:]
    show = [k for k in dims if alive.active[k]][:MANY_SHOWN] or dims[:MANY_SHOWN]  # no rows of a dead dimension
    data = {"key": slider_key, "dims": dims, "lo": lo[dims].tolist(), "hi": hi[dims].tolist(), "steps": walk.STEPS,
            "base": base.tolist(), "values": z[dims].tolist(), "shape": list(ds.x.shape[1:]),
            "px": max(192, min(320, w * ui.scale_for(h, 224))), "aspect": h / w,
            "caption": "decoded code (follows the slider you drag)", "decoder": decoder,
            # beside each slider, what it is ordered by; the collapsed ones are folded away
            "figures": alive.figure[dims].tolist(), "figure_name": "KL" if alive.kl is not None else "var",
            "active": alive.active[dims].tolist(),
            # the exact image of the code from the server: shown until the browser's decoder is ready
            "image": ui.data_url(cache.decode_codes(model, z[None])[0]),
            "codes": browser_decoder.floats(codes) if decoder else None,
            "traversal": None}
    traversal_caption = (f"Traversals, rows: {', '.join(f'z{k}' for k in show)}; columns: −3 … +3 standard "
                         "deviations; the others at the current code")
    if model.abilities.prior and decoder:
        data["traversal"] = {"dims": show, "values": TRAVERSAL.tolist(), "caption": traversal_caption}
        data["grid_scale"] = ui.scale_for(h, 56)
    walk.latent_sliders(slider_key, data)
    if decoder is None:
        if model.abilities.prior:
            grid = cache.decode_codes(model, latent.traversal(z, show, TRAVERSAL))
            ui.picture(st, ui.tile(grid, len(TRAVERSAL)), traversal_caption, ui.scale_for(h, 56))
        nearest = latent.nearest(codes, z, k=1)[0]
        st.caption(f"The nearest real image to the current code is #{nearest}.")

sliders()

if model.abilities.prior and d == 2:
    st.subheader("The decoded latent plane")
    grid = cache.decode_codes(model, latent.manifold_codes(15))
    st.image(ui.png(ui.tile(grid, 15, pad=0), 2), caption="z0 left to right, z1 bottom to top, "
             "spaced by the prior's quantiles (3% to 97%).", width=560)
