"""A grid of sampled images whose temperature and seed are live in the browser.

A custom component (components v2, like walk.py) given the distribution to sample from as
a Gaussian mixture: {"weights", "means", "chols"} (a VAE's N(0, I) prior is one component
with mean 0 and L = I; a plain autoencoder's stand-in is fitted in Python, latent.fit_*).
The browser draws z = mean_k + T * L_k @ N(0, I) with its own seeded generator (mulberry32
and Box-Muller: the same seed gives the same grid, not numpy's numbers) and decodes the grid
with the checkpoint's decoder (browser_decoder), at every input event; the server hears
nothing. The temperature only scales the noise, so dragging it morphs one grid smoothly.

When the browser cannot run the decoder, the component says so once (state "runtime") and
the page samples and decodes on the server instead."""
from __future__ import annotations

import numpy as np
import streamlit as st

from . import browser_decoder

MAX_SEED = 2**31 - 1

HTML = """<div class="samp"><div class="samp-controls">
<label class="samp-row"><span>Temperature</span><input type="range" class="samp-temperature" min="0.1" max="2" step="0.01"
 aria-label="temperature"/><span class="samp-t"></span></label>
<label class="samp-row"><span>Seed</span><input type="number" class="samp-seed" min="0" max="2147483647" step="1"
 aria-label="seed"/><span></span></label></div>
<p class="samp-error" role="alert" hidden></p>
<figure><img class="samp-grid" alt="sampled images"/><figcaption class="samp-caption">Loading the decoder…</figcaption>
</figure><p class="samp-norms"></p></div>"""

CSS = """
.samp { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #333); }
.samp-controls { display: flex; gap: 2rem; flex-wrap: wrap; margin-bottom: 0.6rem; }
.samp-row { display: grid; grid-template-columns: 6.5rem 14rem 2.6rem; align-items: center; gap: 0.5rem; font-size: 0.9rem; }
.samp-row input[type=range] { width: 100%; accent-color: var(--st-primary-color, #ff4b4b); }
.samp-row input[type=number] { width: 9rem; font: inherit; padding: 0.2rem 0.4rem; }
.samp-t { font-variant-numeric: tabular-nums; text-align: right; }
.samp figure { margin: 0; }
.samp-grid { image-rendering: pixelated; border: 1px solid var(--st-border-color, #ddd); background: #fff; }
.samp-caption, .samp-norms { font-size: 0.8rem; opacity: 0.75; margin: 0.25rem 0 0 0; max-width: 45rem; }
.samp-error { color: #b00020; font-size: 0.9rem; margin: 0 0 0.4rem 0; }
"""

JS = browser_decoder.JS + r"""
export default function (component) {
  const { data, setStateValue, parentElement } = component;
  if (!data) return;
  const root = parentElement.querySelector('.samp');
  const temperature = root.querySelector('.samp-temperature'), seed = root.querySelector('.samp-seed');
  let st = root.__samp;
  if (!st) {
    // Built once: a rerun (another fitted distribution) keeps the temperature and seed the user set.
    st = root.__samp = { busy: false, again: false, canvas: document.createElement('canvas') };
    temperature.value = data.temperature; seed.value = data.seed;
    temperature.addEventListener('input', () => show(root, st));
    seed.addEventListener('input', () => show(root, st));
  }
  st.data = data;
  st.dist = { weights: data.dist.weights, means: base64Floats(data.dist.means), chols: base64Floats(data.dist.chols) };
  if (st.decoderId !== data.decoder.id) {
    st.decoderId = data.decoder.id; st.decode = null;
    decoderFor(data.decoder).then(decode => { st.decode = decode; show(root, st); }).catch(err => {
      console.warn('aeviz: decoding on the server:', err);
      setStateValue('runtime', 'unavailable');
    });
  }
  show(root, st);
}

// A small seeded generator (mulberry32) and standard normals from it (Box-Muller).
function generator(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare = null;
  const normal = () => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    const u = 1 - uniform(), v = uniform(), r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}

// n codes: for each, a component by its weight, then mean + T * L @ eps.
function sample(dist, d, n, T, seedValue) {
  const g = generator(seedValue), out = new Float32Array(n * d), eps = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let u = g.uniform(), k = 0;
    while (k < dist.weights.length - 1 && u >= dist.weights[k]) { u -= dist.weights[k]; k++; }
    for (let j = 0; j < d; j++) eps[j] = g.normal();
    const m = k * d, L = k * d * d;
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let c = 0; c <= r; c++) s += dist.chols[L + r * d + c] * eps[c];
      out[i * d + r] = dist.means[m + r] + T * s;
    }
  }
  return out;
}

function readSeed(input) {
  const text = input.value.trim(), v = Number(text);
  return text !== '' && Number.isInteger(v) && v >= 0 && v <= 2147483647 ? v : null;
}

// Sample and decode the grid for the controls' values; a redraw asked for while one runs is
// not queued: the one after it draws the latest values.
async function show(root, st) {
  const T = Number(root.querySelector('.samp-temperature').value);
  root.querySelector('.samp-t').textContent = T.toFixed(2);
  const seedValue = readSeed(root.querySelector('.samp-seed')), error = root.querySelector('.samp-error');
  error.hidden = seedValue !== null;
  error.textContent = seedValue === null ? 'The seed is a whole number from 0 to 2147483647; the grid shows the last valid one.' : '';
  if (!st.decode || seedValue === null) return;
  if (st.busy) { st.again = true; return; }
  st.busy = true;
  try {
    do {
      st.again = false;
      const D = st.data, T = Number(root.querySelector('.samp-temperature').value), s = readSeed(root.querySelector('.samp-seed'));
      if (s === null) break;
      const n = D.grid * D.grid, codes = sample(st.dist, D.width, n, T, s);
      const images = await st.decode(codes, n);
      const img = root.querySelector('.samp-grid');
      paint(st.canvas, images, D.shape, 0, D.grid, D.grid, 1);
      img.src = st.canvas.toDataURL();
      img.style.width = (st.canvas.width * D.scale) + 'px';
      img.dataset.codes = JSON.stringify(Array.from(codes));
      img.dataset.temperature = String(T); img.dataset.seed = String(s);
      root.querySelector('.samp-caption').textContent = `${D.caption}, temperature ${T.toFixed(2)}, seed ${s}${D.note}`;
      if (D.prior) {
        let total = 0;
        for (let i = 0; i < n; i++) {
          let q = 0;
          for (let j = 0; j < D.width; j++) q += codes[i * D.width + j] ** 2;
          total += Math.sqrt(q);
        }
        root.querySelector('.samp-norms').textContent = `Code lengths: mean ${(total / n).toFixed(2)} (a ${D.width}-d standard ` +
          `Gaussian's are about ${Math.sqrt(D.width).toFixed(2)}; the temperature scales them).`;
      }
    } while (st.again);
  } finally { st.busy = false; }
}
"""


def prior(latent_dim: int) -> dict:
    """The N(0, I) prior as a one-component mixture."""
    return {"weights": np.ones(1), "means": np.zeros((1, latent_dim)), "chols": np.eye(latent_dim)[None]}


def dist_payload(dist: dict) -> dict:
    return {"weights": (np.asarray(dist["weights"], np.float64) / np.sum(dist["weights"])).tolist(),
            "means": browser_decoder.floats(dist["means"]), "chols": browser_decoder.floats(dist["chols"])}


def sample_grid(key: str, payload: dict) -> dict:
    """Mount the grid; returns its state: "runtime" ("unavailable" once the browser said it cannot decode)."""
    component = st.components.v2.component("aeviz.sample_grid", html=HTML, css=CSS, js=JS)
    result = component(key=key, data=payload, default={"runtime": "browser"}, on_runtime_change=lambda: None)
    return {"runtime": result["runtime"]}
