"""Attributes: a slider that moves any image's code along a direction, decoded in the browser
as it moves, and analogies. The direction is a property measured on the images (found by
regression, latent/directions.py), or the difference of two groups' mean codes: two classes,
or two selections made on the Latent map page."""
import numpy as np
import streamlit as st

from aeviz.latent import directions
from aeviz.dashboard.components import browser_decoder, events, scrubber
from aeviz.dashboard import cache, ui

SOURCES = ["a measured property", "two classes", "two selections on the map"]
GROUPS_KEY = "attr_groups"  # {"A": [...], "B": [...], "checkpoint": id, "split": split}, set on the Latent map page

model, split, ds = ui.code_space_page("attribute sliders")
codes = cache.codes_of(model, split)
scale = ui.scale_for(ds.x.shape[-2], 84)
names = ds.classes or ([str(k) for k in range(int(ds.y.max()) + 1)] if ds.y is not None else None)

st.title("Attributes")
st.caption("Move an image's code along a direction in the latent space and watch what changes. A direction is a "
           "property measured on the images (found by regressing it on the codes), or the step from one group's "
           "mean code to another's (White 2016, \"Sampling Generative Networks\").")


@st.cache_data(show_spinner=False, max_entries=8)  # _model: not hashed; its id and checksum name it
def measured(checkpoint_id: str, checksum: str, split: str, _model) -> dict:
    return directions.cached_directions(_model, split)


def chosen_direction():
    """(unit vector, how far the slider goes each way, its name, the ends' names), or None with a
    message saying what is missing."""
    source = st.radio("Direction from", SOURCES, horizontal=True, key="attr_source")
    if source == SOURCES[0]:
        with st.spinner("Finding the directions of the measured properties (once per checkpoint)…"):
            found = measured(model.checkpoint_id, model.meta.get("checksum", ""), split, model)
        if not found:
            st.info("No property is measured on images of this kind.")
            return None
        name = st.selectbox("Property", list(found), key="attr_property")
        d = found[name]
        kept = "" if d.class_kept is None else f"; a linear probe keeps the start image's class at {d.class_kept:.0%} of the steps"
        st.caption(f"How well it works on this split: along it, the decoded {name} rises with a median Spearman "
                   f"correlation of {d.spearman:.2f}{kept}.")
        return d.vector, directions.spread(codes, d.vector), name, (f"less {name}", f"more {name}")
    if source == SOURCES[1]:
        if names is None:
            st.info("This split has no classes; pick two selections on the map instead.")
            return None
        c1, c2 = st.columns(2)
        a = c1.selectbox("From class", range(len(names)), format_func=lambda k: names[k], key="attr_class_a")
        b = c2.selectbox("To class", range(len(names)), index=min(1, len(names) - 1), format_func=lambda k: names[k],
                         key="attr_class_b")
        labels = ds.y.numpy()
        groups, ends = (labels == a, labels == b), (names[a], names[b])
    else:
        saved = st.session_state.get(GROUPS_KEY) or {}
        if (saved.get("checkpoint"), saved.get("split")) != (model.checkpoint_id, split) or not (
                saved.get("A") and saved.get("B")):
            st.info("Select images on the Latent map page (shift + drag) and press \"Use as group A\", then "
                    "select others and press \"Use as group B\".")
            return None
        groups, ends = (np.asarray(saved["A"]), np.asarray(saved["B"])), (f"group A ({len(saved['A'])})",
                                                                          f"group B ({len(saved['B'])})")
    try:
        vector, length = directions.group_direction(codes, *groups)
    except ValueError as exc:
        st.info(str(exc))
        return None
    st.caption(f"The step from {ends[0]}'s mean code to {ends[1]}'s is {length:.2f} long; the slider goes that far "
               "each way from the image's own code.")
    return vector, length, f"{ends[0]} → {ends[1]}", ends


@st.fragment
def slider():
    picked = chosen_direction()
    if picked is None:
        return
    vector, span, what, ends = picked
    i = int(st.number_input(f"Image number ({split})", 0, len(ds) - 1, 0, key="attr_image"))
    path = directions.walk(codes[i], vector, span, scrubber.POINTS)
    key = f"attr-scrub-{model.checkpoint_id}-{split}"
    reported = browser_decoder.reported(key)
    decoder = browser_decoder.graph(model) if browser_decoder.browser_decodes(reported) else None
    index = events.index(reported.get("index"), scrubber.POINTS)  # from the browser: a forged one is ignored
    index = scrubber.POINTS // 2 if index is None else index
    left, right = st.columns([1, 4])
    ui.picture(left, ds.x[i], f"image #{i}", scale)
    with right:
        if decoder is None:
            st.caption("This browser cannot run the decoder (WebAssembly), so the server decodes: the image follows "
                       "the slider when you release it.")
        scrubber.path_scrubber(key, scrubber.payload(model, path, index, ds.x.shape[1:], f"#{i} along {what}",
                                                     decoder, ends))
    strip = cache.decode_codes(model, directions.walk(codes[i], vector, span, 9))
    st.image(ui.png(ui.tile(strip, 9, pad=1), scale), width="stretch",
             caption=f"#{i}: nine steps from {ends[0]} (left) to {ends[1]} (right); the middle one is its own code")


@st.fragment
def analogy():
    st.subheader("Analogies: A is to B as C is to what?")
    st.caption("The answer is C's code plus the step from A's code to B's, decoded.")
    cols = st.columns(3)
    picks = [int(col.number_input(f"{name} (image number)", 0, len(ds) - 1, default, key=f"attr_analogy_{name}"))
             for col, name, default in zip(cols, "ABC", (0, 1, 2))]
    a, b, c = (codes[k] for k in picks)
    answer = cache.decode_codes(model, directions.analogy(a, b, c)[None])[0]
    shown = st.columns(4)
    for col, k, name in zip(shown, picks, "ABC"):
        ui.picture(col, ds.x[k], f"{name}: #{k}", scale)
    ui.picture(shown[3], answer, "? = C + (B − A)", scale)
    if names is not None:
        # The same step applied to one image of each class: does it carry over?
        labels = ds.y.numpy()
        firsts = [int(np.flatnonzero(labels == k)[0]) for k in range(len(names)) if (labels == k).any()]
        moved = cache.decode_codes(model, np.stack([directions.analogy(a, b, codes[k]) for k in firsts]))
        st.image(ui.png(ui.tile(ds.x[firsts], len(firsts), pad=1), scale // 2 or 1), width="stretch",
                 caption="the first image of each class")
        st.image(ui.png(ui.tile(moved, len(firsts), pad=1), scale // 2 or 1), width="stretch",
                 caption="each with the step from A to B added")


slider()
analogy()
