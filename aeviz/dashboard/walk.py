"""Latent sliders that move the decoded image while they are dragged.

Streamlit's own slider reruns the script only on release, so the sliders here are a
custom component (components v2: inline HTML/JS, no iframe). Python sends, for each
shown dimension, the strip of images decoded with that dimension at every slider step
and the others held at the current code; dragging swaps images in the browser with no
server round trip. On release the component reports the code, and Python decodes it
exactly and sends strips around the new code."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz import latent

from . import cache, ui

HTML = """<div class="walk"><figure><img class="walk-image" alt="decoded image"/>
<figcaption class="walk-caption"></figcaption></figure><div class="walk-sliders"></div></div>"""

CSS = """
.walk { display: flex; gap: 1.5rem; align-items: flex-start; flex-wrap: wrap; font-family: var(--st-font, sans-serif); }
.walk figure { margin: 0; }
.walk-image { image-rendering: pixelated; border: 1px solid var(--st-border-color, #ddd); background: #fff; }
.walk-caption { font-size: 0.8rem; color: var(--st-text-color, #333); opacity: 0.7; margin-top: 0.25rem; }
.walk-sliders { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
                gap: 0.2rem 1.2rem; flex: 1; min-width: 16rem; }
.walk-row { display: grid; grid-template-columns: 2.6rem 1fr 3.2rem; align-items: center; gap: 0.4rem;
            font-size: 0.85rem; color: var(--st-text-color, #333); }
.walk-row input { width: 100%; accent-color: var(--st-primary-color, #ff4b4b); }
.walk-row .v { font-variant-numeric: tabular-nums; text-align: right; }
.walk-row.moved .d { font-weight: 700; }
"""

JS = """
export default function (component) {
  const { data, setStateValue, parentElement } = component;
  if (!data) return;
  const root = parentElement.querySelector('.walk');
  const img = root.querySelector('.walk-image');
  const box = root.querySelector('.walk-sliders');
  const steps = data.steps;
  const signature = data.dims.join(',') + '|' + steps;
  let st = root.__walk;
  if (!st || st.signature !== signature) {
    // Built once per set of dimensions; later data (after each release) is applied in place,
    // so a slider being dragged when new strips arrive is not torn out from under the mouse.
    st = root.__walk = { signature, rows: [], dragging: -1 };
    box.replaceChildren();
    data.dims.forEach((d, i) => {
      const row = document.createElement('label');
      row.className = 'walk-row';
      const name = document.createElement('span'); name.className = 'd'; name.textContent = 'z' + d;
      const input = document.createElement('input');
      input.type = 'range'; input.min = 0; input.max = steps - 1; input.step = 1;
      input.setAttribute('aria-label', 'z' + d);
      const shown = document.createElement('span'); shown.className = 'v';
      input.addEventListener('pointerdown', () => { st.dragging = i; });
      // While dragging: the strip image for this step, already in the browser.
      input.addEventListener('input', () => {
        const k = Number(input.value), D = st.data;
        st.code[i] = D.lo[i] + (D.hi[i] - D.lo[i]) * k / (steps - 1);
        img.src = D.strips[i][k];
        shown.textContent = st.code[i].toFixed(2);
        row.classList.add('moved');
      });
      // On release: Python decodes the exact code and sends strips around it.
      input.addEventListener('change', () => {
        st.dragging = -1; st.pending = st.code.slice(); st.send('code', st.pending);
      });
      row.append(name, input, shown);
      box.appendChild(row);
      st.rows.push({ row, input, shown });
    });
  }
  st.send = setStateValue;
  // Data answering an older report than the last one sent is stale: keep the sliders as the
  // user left them (the answer to the last report follows).
  const same = (a, b) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-4);
  if (st.pending && !same(st.pending, data.values)) { st.data = data; return; }
  st.pending = null;
  const held = st.dragging >= 0 ? st.code[st.dragging] : null;
  st.data = data; st.code = data.values.slice();
  st.rows.forEach((r, i) => {
    if (i === st.dragging) { st.code[i] = held; return; }
    r.input.value = String(Math.round((st.code[i] - data.lo[i]) / (data.hi[i] - data.lo[i]) * (steps - 1)));
    r.shown.textContent = st.code[i].toFixed(2);
    r.row.classList.remove('moved');
  });
  if (st.dragging < 0) img.src = data.image;
  img.width = data.px; img.height = Math.round(data.px * data.aspect);
  root.querySelector('.walk-caption').textContent = data.caption;
}
"""


def latent_sliders(key: str, payload: dict) -> list[float]:
    """Mount the sliders; returns the code values of the shown dimensions (the last ones
    reported on release, or the payload's own before any)."""
    # Registering on every run is free (an identical definition is not re-registered) and
    # keeps the component available to a fresh runtime such as AppTest's.
    component = st.components.v2.component("aeviz.latent_sliders", html=HTML, css=CSS, js=JS)
    result = component(key=key, data=payload, default={"code": payload["values"]},
                       on_code_change=lambda: None)
    return list(result["code"])


def reported_code(key: str) -> list[float] | None:
    """The code the sliders last reported, before they are mounted in this run."""
    state = st.session_state.get(key)
    if isinstance(state, dict) and isinstance(state.get("code"), list):
        return state["code"]
    return None


@st.cache_data(show_spinner=False, max_entries=32)
def strips(path: str, mtime: float, z: tuple, dims: tuple, lo: tuple, hi: tuple, steps: int) -> dict:
    """The exact image of z and, per shown dimension, its strip of steps images (decoded
    in one batch), as small PNG data URLs; the browser enlarges them crisply."""
    model = cache.load_model(path, mtime)
    codes = np.concatenate([np.asarray(z, np.float32)[None], latent.traversal(z, dims, np.linspace(lo, hi, steps).T)])
    urls = [ui.data_url(x) for x in latent.decode(model, codes)]
    return {"image": urls[0], "strips": [urls[1 + i * steps: 1 + (i + 1) * steps] for i in range(len(dims))]}
