"""Latent sliders whose image follows every input event, decoded in the browser.

A custom component (components v2: inline HTML/JS, no iframe) holding one continuous slider
per shown dimension. The checkpoint's decoder runs in the page (browser_decoder: ONNX on
onnxruntime-web), so a drag or a key press decodes there, for any number of users at once,
and the server hears nothing of it. The VAE's traversal grid and the nearest real image
follow the code too.

When the browser cannot run the decoder, the component says so once (state "runtime") and
the page falls back to the server: the sliders report their code on release, and Python
sends the exact image of it."""
from __future__ import annotations

import streamlit as st

from . import browser_decoder

STEPS = 100  # slider positions across each range: a key press moves a dimension by 1%

HTML = """<div class="walk"><div class="walk-pictures"><figure><img class="walk-image" alt="decoded image"/>
<figcaption class="walk-caption"></figcaption></figure>
<figure class="walk-grid-figure" hidden><canvas class="walk-grid" aria-label="traversal grid"></canvas>
<figcaption class="walk-grid-caption"></figcaption></figure></div>
<div class="walk-sliders"></div></div>"""

CSS = """
.walk { display: flex; gap: 1.5rem; align-items: flex-start; flex-wrap: wrap; font-family: var(--st-font, sans-serif); }
.walk figure { margin: 0 0 0.8rem 0; }
.walk-pictures { display: flex; flex-direction: column; }
.walk-image, .walk-grid { image-rendering: pixelated; border: 1px solid var(--st-border-color, #ddd); background: #fff; }
.walk-caption, .walk-grid-caption { font-size: 0.8rem; color: var(--st-text-color, #333); opacity: 0.7;
                                    margin-top: 0.25rem; max-width: 36rem; }
.walk-sliders { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
                gap: 0.2rem 1.2rem; flex: 1; min-width: 16rem; }
.walk-row { display: grid; grid-template-columns: 2.6rem 1fr 3.2rem; align-items: center; gap: 0.4rem;
            font-size: 0.85rem; color: var(--st-text-color, #333); }
.walk-row input { width: 100%; accent-color: var(--st-primary-color, #ff4b4b); }
.walk-row .v { font-variant-numeric: tabular-nums; text-align: right; }
.walk-row.moved .d { font-weight: 700; }
"""

JS = browser_decoder.JS + r"""
export default function (component) {
  const { data, setStateValue, parentElement } = component;
  if (!data) return;
  const root = parentElement.querySelector('.walk');
  const img = root.querySelector('.walk-image'), caption = root.querySelector('.walk-caption');
  let st = root.__walk;
  if (!st || st.key !== data.key) {
    // Built once per start code; later data (a rerun for another reason) leaves the sliders
    // where the user put them, so a rerun never tears a slider out from under the mouse.
    st = root.__walk = { key: data.key, code: Float32Array.from(data.base), rows: [], busy: false, again: false,
                         browser: !!data.decoder, canvas: document.createElement('canvas') };
    const box = root.querySelector('.walk-sliders');
    box.replaceChildren();
    data.dims.forEach((d, i) => {
      const row = document.createElement('label');
      row.className = 'walk-row';
      const name = document.createElement('span'); name.className = 'd'; name.textContent = 'z' + d;
      const input = document.createElement('input');
      input.type = 'range'; input.min = data.lo[i]; input.max = data.hi[i];
      input.step = (data.hi[i] - data.lo[i]) / data.steps;
      input.value = data.values[i];
      input.setAttribute('aria-label', 'z' + d);
      const shown = document.createElement('span'); shown.className = 'v';
      shown.textContent = (+data.values[i]).toFixed(2);
      input.addEventListener('input', () => {
        st.code[d] = Number(input.value);
        shown.textContent = st.code[d].toFixed(2);
        if (st.browser) show(st); else row.classList.add('moved');  // moved: the server has not answered yet
      });
      // Only without the browser decoder does the server hear of a release.
      input.addEventListener('change', () => { if (!st.browser) st.send('code', data.dims.map(k => st.code[k])); });
      row.append(name, input, shown);
      box.appendChild(row);
      st.rows.push({ row, input, shown });
    });
    if (st.browser) decoderFor(data.decoder).then(decode => { st.decode = decode; show(st); }).catch(err => {
      console.warn('aeviz: decoding on the server:', err);
      st.browser = false;
      st.send('runtime', 'unavailable');
    });
  }
  st.send = setStateValue; st.data = data;
  st.codes = data.codes ? base64Floats(data.codes) : null;
  if (!st.browser || !st.decode) {
    // The server's exact image: the first picture while the decoder loads, and every
    // picture without it. An answer to an older code than the sliders show is skipped.
    const same = data.dims.every((d, i) => Math.abs(st.code[d] - data.values[i]) < 1e-4);
    if (same || !st.browser) {
      data.dims.forEach((d, i) => { st.code[d] = data.values[i]; const r = st.rows[i];
        r.input.value = data.values[i]; r.shown.textContent = (+data.values[i]).toFixed(2); r.row.classList.remove('moved'); });
      img.src = data.image;
      caption.textContent = data.caption;
    }
  }
  img.style.width = data.px + 'px'; img.style.height = Math.round(data.px * data.aspect) + 'px';
}

// Decode the current code and show it. A decode asked for while one runs is not queued: the
// next one decodes the latest code. The traversal grid (16 x 11 codes) is drawn once the
// sliders have rested for GRID_REST ms, in a worker with a runtime of its own (gridDecoder),
// so a key press or a drag never waits behind it on the page's thread.
const GRID_REST = 150;
async function show(st) {
  if (!st.decode) return;
  st.again = true;
  clearTimeout(st.gridTimer);
  if (st.data.traversal) st.gridTimer = setTimeout(() => drawGrid(st), GRID_REST);
  if (st.busy) return;
  st.busy = true;
  try {
    while (st.again) {
      st.again = false;
      const D = st.data, root = st.rows.length ? st.rows[0].row.closest('.walk') : null;
      if (!root) return;
      const code = Float32Array.from(st.code), t0 = performance.now();
      const images = await st.decode(code, 1);
      const img = root.querySelector('.walk-image');
      img.src = paint(st.canvas, images, D.shape).toDataURL();
      img.dataset.code = JSON.stringify(Array.from(code));
      root.dataset.decodeMs = String(Math.round(performance.now() - t0));
      root.querySelector('.walk-caption').textContent = D.caption + nearestText(st, code);
    }
  } finally { st.busy = false; }
}

// The grid around the current code; drawn again if the code moved while it was decoded.
async function drawGrid(st) {
  if (st.gridBusy) { st.gridAgain = true; return; }
  st.gridBusy = true;
  try {
    do {
      st.gridAgain = false;
      const D = st.data, t = D.traversal, root = st.rows.length ? st.rows[0].row.closest('.walk') : null;
      if (!t || !root) return;
      const d = st.code.length, size = D.shape.reduce((a, b) => a * b, 1), n = t.dims.length * t.values.length;
      const code = Float32Array.from(st.code), codes = new Float32Array(n * d);
      for (let k = 0; k < n; k++) {  // row r: dimension dims[r] swept over the values
        codes.set(code, k * d);
        codes[k * d + t.dims[Math.floor(k / t.values.length)]] = t.values[k % t.values.length];
      }
      const moved = () => st.code.some((v, i) => v !== code[i]);
      const images = await (await gridDecoder(st))(codes, n, size, moved);
      // moved meanwhile: the move set a new timer, which draws the grid once the sliders rest
      // (at once, if it already went off and set gridAgain)
      if (!images || moved()) continue;
      const grid = root.querySelector('.walk-grid');
      paint(grid, images, D.shape, 0, t.dims.length, t.values.length, 1);
      // what the grid shows, for a reader of the page: its centre code, and its rows' dimensions and columns' values
      grid.dataset.code = JSON.stringify(Array.from(code));
      grid.dataset.cells = JSON.stringify({ dims: t.dims, values: t.values });
      grid.dataset.decodedIn = st.gridIn;
      grid.style.width = (grid.width * D.grid_scale) + 'px';
      root.querySelector('.walk-grid-figure').hidden = false;
      root.querySelector('.walk-grid-caption').textContent = t.caption;
    } while (st.gridAgain);
  } catch (err) {
    console.warn('aeviz: the traversal grid could not be decoded:', err);  // the image above it still follows
  } finally { st.gridBusy = false; }
}

// decode(codes, n, size, moved) -> n images, or null when the code moved meanwhile. In a
// worker, the whole grid in one batch. Where a worker cannot run the runtime, on the page's
// thread a code at a time, yielding to input between codes and giving up once the code moves.
const yieldToInput = () => new Promise(r => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
function gridDecoder(st) {
  if (!st.gridDecode) st.gridDecode = workerDecoderFor(st.data.decoder).then(decode => {
    st.gridIn = 'worker';
    return decode;
  }).catch(err => {
    console.warn('aeviz: the traversal grid decodes on the page\'s thread:', err);
    st.gridIn = 'page';
    return async (codes, n, size, moved) => {
      const d = codes.length / n, images = new Float32Array(n * size);
      for (let k = 0; k < n; k++) {
        images.set(await st.decode(codes.slice(k * d, (k + 1) * d), 1), k * size);
        // a message, not setTimeout(0): a chain of timers is held to 4 ms a step after five
        await yieldToInput();
        if (moved()) return null;
      }
      return images;
    };
  });
  return st.gridDecode;
}

function nearestText(st, code) {
  if (!st.codes) return '';
  const d = code.length, n = st.codes.length / d;
  let best = -1, bestDist = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) { const e = st.codes[i * d + j] - code[j]; s += e * e; }
    if (s < bestDist) { bestDist = s; best = i; }
  }
  return `; the nearest real image is #${best}`;
}
"""


def latent_sliders(key: str, payload: dict) -> dict:
    """Mount the sliders; returns the component's state: "code" (the shown dimensions' values
    last reported, only when the server decodes) and "runtime" ("unavailable" once the
    browser said it cannot decode)."""
    # Registering on every run is free (an identical definition is not re-registered) and
    # keeps the component available to a fresh runtime such as AppTest's.
    component = st.components.v2.component("aeviz.latent_sliders", html=HTML, css=CSS, js=JS)
    result = component(key=key, data=payload, default={"code": payload["values"], "runtime": "browser"},
                       on_code_change=lambda: None, on_runtime_change=lambda: None)
    return {"code": list(result["code"]), "runtime": result["runtime"]}
