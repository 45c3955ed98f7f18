"""A scrubber along an interpolation path, decoded in the browser at every input event.

A custom component (components v2, like walk.py) given the path as a dense list of codes
computed in Python (so slerp is exactly latent.interpolate's), their places on the map,
and the map's points. Moving the scrubber decodes the code under it with the checkpoint's
decoder in the page (browser_decoder) and moves a marker along the path drawn on a small
canvas of the map; the server hears nothing of it.

When the browser cannot run the decoder, the component says so once (state "runtime"), and
reports the scrubbed position on release (state "index"): Python sends that code's exact
image, and the marker still follows the scrubber while it moves."""
from __future__ import annotations

import streamlit as st

from . import browser_decoder

POINTS = 101  # codes along the path: the scrubber moves 1% of the way per step

HTML = """<div class="scrub"><figure><img class="scrub-image" alt="decoded code on the path"/>
<figcaption class="scrub-caption"></figcaption></figure>
<div class="scrub-side"><canvas class="scrub-map" role="img" aria-label="the path on the map"></canvas>
<label class="scrub-row"><span>A</span><input type="range" class="scrub-input" aria-label="position from A to B"/>
<span>B</span><span class="scrub-t"></span></label></div></div>"""

CSS = """
.scrub { display: flex; gap: 1.5rem; align-items: flex-start; flex-wrap: wrap; font-family: var(--st-font, sans-serif); }
.scrub figure { margin: 0; }
.scrub-image { image-rendering: pixelated; border: 1px solid var(--st-border-color, #ddd); background: #fff; }
.scrub-caption { font-size: 0.8rem; color: var(--st-text-color, #333); opacity: 0.7; margin-top: 0.25rem; max-width: 22rem; }
.scrub-side { display: flex; flex-direction: column; gap: 0.4rem; }
.scrub-map { width: 260px; height: 260px; border: 1px solid var(--st-border-color, #ddd); background: #fff; }
.scrub-row { display: grid; grid-template-columns: 1rem 1fr 1rem 3.4rem; align-items: center; gap: 0.4rem;
             width: 262px; font-size: 0.85rem; color: var(--st-text-color, #333); }
.scrub-row input { width: 100%; accent-color: var(--st-primary-color, #ff4b4b); }
.scrub-t { font-variant-numeric: tabular-nums; text-align: right; }
.scrub.waiting .scrub-image { opacity: 0.6; }
"""

JS = browser_decoder.JS + r"""
export default function (component) {
  const { data, setStateValue, parentElement } = component;
  if (!data) return;
  const root = parentElement.querySelector('.scrub');
  const input = root.querySelector('.scrub-input');
  let st = root.__scrub;
  if (!st) {
    // Built once: a rerun (new endpoints, another mode) keeps the scrubber where the user left it.
    st = root.__scrub = { busy: false, again: false, canvas: document.createElement('canvas') };
    input.min = 0; input.step = 1; input.value = data.index;
    input.addEventListener('input', () => {
      drawMap(root, st);
      if (st.browser) show(root, st); else root.classList.add('waiting');  // the server answers on release
    });
    input.addEventListener('change', () => { if (!st.browser) st.send('index', Number(input.value)); });
  }
  input.max = data.n - 1;
  st.send = setStateValue; st.data = data;
  st.codes = base64Floats(data.codes);
  if (st.browser === undefined) st.browser = !!data.decoder;
  if (st.browser && data.decoder && st.decoderId !== data.decoder.id) {
    st.decoderId = data.decoder.id; st.decode = null;
    decoderFor(data.decoder).then(decode => { st.decode = decode; show(root, st); }).catch(err => {
      console.warn('aeviz: decoding on the server:', err);
      st.browser = false;
      st.send('runtime', 'unavailable');
    });
  }
  const img = root.querySelector('.scrub-image');
  img.style.width = data.px + 'px'; img.style.height = Math.round(data.px * data.aspect) + 'px';
  if (!st.browser || !st.decode) {
    // The server's exact image of the position it was told: shown while the decoder loads,
    // and every time without one. An answer for another position than the scrubber's is skipped.
    if (Number(input.value) === data.index || !st.browser) {
      input.value = data.index;
      img.src = data.image; delete img.dataset.code;
      root.querySelector('.scrub-caption').textContent = caption(data, data.index);
      root.classList.remove('waiting');
    }
  } else show(root, st);
  drawMap(root, st);
}

function caption(D, i) { return `${D.caption}: ${Math.round(100 * i / (D.n - 1))}% of the way`; }

// The code under the scrubber, decoded; a decode asked for while one runs is not queued: the
// one after it decodes the latest position, so the image lags a fast drag by one decode at most.
async function show(root, st) {
  if (!st.decode) return;
  if (st.busy) { st.again = true; return; }
  st.busy = true;
  try {
    do {
      st.again = false;
      const D = st.data, i = Number(root.querySelector('.scrub-input').value), d = D.width;
      const code = st.codes.slice(i * d, (i + 1) * d);
      const image = await st.decode(code, 1);
      const img = root.querySelector('.scrub-image');
      img.src = paint(st.canvas, image, D.shape).toDataURL();
      img.dataset.code = JSON.stringify(Array.from(code));
      img.dataset.index = String(i);
      root.querySelector('.scrub-caption').textContent = caption(D, i);
    } while (st.again);
  } finally { st.busy = false; }
}

// The map's points, the path over them with its ends, and a marker at the scrubbed code.
function drawMap(root, st) {
  const D = st.data, M = D.map, canvas = root.querySelector('.scrub-map');
  const i = Number(root.querySelector('.scrub-input').value);
  root.querySelector('.scrub-t').textContent = 't = ' + (i / (D.n - 1)).toFixed(2);
  if (!M) { canvas.hidden = true; return; }
  canvas.hidden = false;
  const css = 260, ratio = window.devicePixelRatio || 1, size = Math.round(css * ratio);
  if (canvas.width !== size) { canvas.width = size; canvas.height = size; }
  const ctx = canvas.getContext('2d'), [x0, x1, y0, y1] = M.bounds, pad = 8 * ratio;
  // One scale for both axes, as the big map keeps its aspect ratio; y up, as there.
  const s = (size - 2 * pad) / Math.max(x1 - x0, y1 - y0), cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const X = x => size / 2 + (x - cx) * s, Y = y => size / 2 - (y - cy) * s;
  ctx.clearRect(0, 0, size, size);
  if (!st.points || st.pointsOf !== M.points) { st.points = base64Floats(M.points); st.pointsOf = M.points; }
  ctx.globalAlpha = 0.5;
  for (let k = 0; k < st.points.length / 2; k++) {
    ctx.fillStyle = M.palette[M.groups[k] % M.palette.length];
    ctx.fillRect(X(st.points[2 * k]) - ratio, Y(st.points[2 * k + 1]) - ratio, 2 * ratio, 2 * ratio);
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = '#111'; ctx.lineWidth = 2 * ratio; ctx.beginPath();
  M.path.forEach(([x, y], k) => k ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y)));
  ctx.stroke();
  ctx.font = `${12 * ratio}px sans-serif`; ctx.textAlign = 'center';
  [[M.path[0], 'A'], [M.path[M.path.length - 1], 'B']].forEach(([[x, y], name]) => {
    ctx.fillStyle = '#fff'; ctx.beginPath(); ctx.arc(X(x), Y(y), 5 * ratio, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.fillStyle = '#111'; ctx.fillText(name, X(x), Y(y) - 8 * ratio);
  });
  const [mx, my] = M.path[i];
  ctx.fillStyle = '#e4002b'; ctx.beginPath(); ctx.arc(X(mx), Y(my), 6 * ratio, 0, 2 * Math.PI); ctx.fill();
  ctx.lineWidth = 1.5 * ratio; ctx.strokeStyle = '#fff'; ctx.stroke();
  canvas.dataset.marker = JSON.stringify([mx, my]);
}
"""


def path_scrubber(key: str, payload: dict) -> dict:
    """Mount the scrubber; returns its state: "index" (the position last reported, only when
    the server decodes) and "runtime" ("unavailable" once the browser said it cannot decode)."""
    component = st.components.v2.component("aeviz.path_scrubber", html=HTML, css=CSS, js=JS)
    result = component(key=key, data=payload, default={"index": payload["index"], "runtime": "browser"},
                       on_index_change=lambda: None, on_runtime_change=lambda: None)
    return {"index": int(result["index"]), "runtime": result["runtime"]}
