"""`aeviz export CKPT --html DIR`: a latent space as a folder of static files.

Any static file server can serve DIR (no Python): index.html and explorer.js, the runtime
(onnxruntime-web, the copy the dashboard serves, with its licence), the decoder and the map's
inverse as ONNX, the map itself (explorer.json) and a sprite atlas of the split's images.
In the page: the map with a thumbnail under a hovered point and the decoded image of any
empty place under the cursor (with its distance from real data), a click to pin a code,
a continuous slider per dimension, and an interpolation scrubber between two pinned codes.

Names that come from a user's folder (classes, the dataset's path) reach the page as JSON
data and are shown as text, never as HTML. Nothing is written outside DIR, and a DIR that
holds anything is refused unless the caller says to overwrite."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import latent, neighbours, onnx_export
from .browser_runtime import RUNTIME_JS, floats
from .config import ConfigError
from .datasets import load_dataset
from .images import sprite_sheet
from .safefile import write_atomic

RUNTIME = Path(__file__).resolve().parent / "dashboard" / "static" / "ort"
ATLAS_MAX = 4096      # thumbnails in the sprite atlas; points beyond it show their label only
SLIDERS_MAX = 16      # the dimensions that vary most get sliders
SLIDER_STEPS = 100

HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aeviz latent explorer</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; } .sub { color: #666; font-size: .9rem; margin-bottom: 1rem; }
main { display: flex; gap: 2rem; flex-wrap: wrap; align-items: flex-start; }
#map { border: 1px solid #ccc; cursor: crosshair; }
canvas.px, img.px { image-rendering: pixelated; border: 1px solid #ccc; background: #fff; }
.panel { display: flex; flex-direction: column; gap: .6rem; min-width: 20rem; }
.row { display: grid; grid-template-columns: 2.6rem 1fr 3.2rem; gap: .4rem; align-items: center; font-size: .85rem; }
.legend span { display: inline-block; margin-right: .8rem; font-size: .85rem; }
.legend i { display: inline-block; width: .7rem; height: .7rem; margin-right: .25rem; border-radius: 50%; }
#status { color: #a00; } .note { font-size: .85rem; color: #555; }
</style></head>
<body>
<h1 id="title">aeviz latent explorer</h1><div class="sub" id="subtitle"></div>
<div id="status" role="status"></div>
<main>
  <div><canvas id="map" width="560" height="560" aria-label="latent map"></canvas>
    <div class="legend" id="legend"></div>
    <div class="note">Hover a point for its image, empty space for the decoded place; click to pin a code
    (the first click pins A, the next B).</div></div>
  <div class="panel">
    <div><canvas id="hover" class="px" width="28" height="28"></canvas><div class="note" id="hover-text"></div></div>
    <div><canvas id="image" class="px" width="28" height="28"></canvas><div class="note" id="image-text"></div></div>
    <label class="row"><span>A→B</span><input id="scrub" type="range" min="0" max="1" step="0.01" value="0"
      aria-label="interpolation"><span id="scrub-v">0.00</span></label>
    <div id="sliders"></div>
  </div>
</main>
<script type="module" src="explorer.js"></script>
</body></html>
"""

APP_JS = r"""
const $ = s => document.querySelector(s);
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const say = text => { $('#status').textContent = text; };

async function main() {
  let meta;
  try {
    meta = await (await fetch('explorer.json')).json();
  } catch (err) {
    say('Could not read explorer.json: serve this folder with a web server (for example python -m http.server).');
    return;
  }
  $('#title').textContent = meta.title;
  $('#subtitle').textContent = meta.subtitle;
  const bytes = async f => new Uint8Array(await (await fetch(f)).arrayBuffer());
  let decode, inverse;
  try {
    decode = await decoderFor({ id: 'decoder', bytes: await bytes(meta.decoder), width: meta.latent_dim });
    inverse = await decoderFor({ id: 'inverse', bytes: await bytes(meta.inverse), width: 2 });
  } catch (err) {
    console.warn(err);
    say('This browser cannot run the decoder (it needs WebAssembly), so nothing can be decoded here.');
    return;
  }
  const atlas = new Image();
  atlas.src = meta.atlas.file;
  const N = meta.x.length, D = meta.latent_dim, codes = base64Floats(meta.codes);
  const map = $('#map'), ctx = map.getContext('2d'), W = map.width, H = map.height, pad = 12;
  const xs = meta.x, ys = meta.y;
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (W - 2 * pad) / ((x1 - x0) || 1), sy = (H - 2 * pad) / ((y1 - y0) || 1), s = Math.min(sx, sy);
  const toPx = (x, y) => [pad + (x - x0) * s, H - pad - (y - y0) * s];
  const toMap = (px, py) => [x0 + (px - pad) / s, y0 + (H - pad - py) / s];
  const state = { code: Float32Array.from(meta.start), pins: [], hover: null };

  function drawMap() {
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, H);
    for (let i = 0; i < N; i++) {
      const [px, py] = toPx(xs[i], ys[i]);
      ctx.fillStyle = meta.labels ? PALETTE[meta.labels[i] % PALETTE.length] : '#1f77b4';
      ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
    }
    state.pins.forEach((p, k) => {
      const [px, py] = toPx(p.x, p.y);
      ctx.strokeStyle = '#000'; ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(px, py, 6, 0, 2 * Math.PI); ctx.stroke();
      ctx.fillStyle = '#000'; ctx.font = '12px sans-serif'; ctx.fillText(k ? 'B' : 'A', px + 8, py - 8);
    });
    if (state.pins.length === 2) {
      const t = Number($('#scrub').value), [a, b] = state.pins;
      const [px, py] = toPx(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
      ctx.fillStyle = '#d00'; ctx.fillRect(px - 4, py - 4, 8, 8);
    }
  }
  if (meta.classes) meta.classes.forEach((name, k) => {
    const item = document.createElement('span'), dot = document.createElement('i');
    dot.style.background = PALETTE[k % PALETTE.length];
    item.append(dot, document.createTextNode(name));  // a user's folder name: text, never HTML
    $('#legend').append(item);
  });

  // Latest wins: a decode asked for while one runs is not queued; the next one takes the newest.
  function latest(run) {
    let busy = false, next = null;
    return async arg => {
      next = arg;
      if (busy) return;
      busy = true;
      try { while (next !== null) { const a = next; next = null; await run(a); } } finally { busy = false; }
    };
  }
  const scale = Math.max(1, Math.floor(168 / meta.shape[1]));
  const showImage = latest(async code => {
    const out = await decode(code, 1), canvas = $('#image');
    paint(canvas, out, meta.shape);
    canvas.style.width = canvas.width * scale + 'px';
    canvas.dataset.code = JSON.stringify(Array.from(code));
  });
  const showHover = latest(async ([px, py]) => {
    const canvas = $('#hover'), [c, h, w] = meta.shape;
    canvas.style.width = w * scale + 'px';
    let best = -1, bestD = Infinity;
    for (let i = 0; i < N; i++) {
      const [qx, qy] = toPx(xs[i], ys[i]), d = (qx - px) ** 2 + (qy - py) ** 2;
      if (d < bestD) { bestD = d; best = i; }
    }
    const [mx, my] = toMap(px, py);
    if (bestD <= 16) {  // on a point: its own image, from the atlas
      state.hover = { code: codes.slice(best * D, (best + 1) * D), x: xs[best], y: ys[best] };
      canvas.width = w; canvas.height = h;
      const g = canvas.getContext('2d');
      g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
      if (best < meta.atlas.count && atlas.complete)
        g.drawImage(atlas, (best % meta.atlas.cols) * w, Math.floor(best / meta.atlas.cols) * h, w, h, 0, 0, w, h);
      canvas.dataset.kind = 'point';
      $('#hover-text').textContent = `image #${best}` + (meta.labels ? `, ${meta.classes[meta.labels[best]]}` : '');
      return;
    }
    const z = await inverse(new Float32Array([mx, my]), 1);
    state.hover = { code: Float32Array.from(z), x: mx, y: my };
    paint(canvas, await decode(state.hover.code, 1), meta.shape);
    canvas.dataset.kind = 'decoded';
    const dist = Math.sqrt(bestD) / s / meta.spacing;
    $('#hover-text').textContent = `decoded place; ${dist.toFixed(1)}x the typical spacing from the nearest real image`;
  });
  map.addEventListener('mousemove', e => { const r = map.getBoundingClientRect(); showHover([e.clientX - r.left, e.clientY - r.top]); });
  map.addEventListener('click', () => {
    if (!state.hover) return;
    const pin = { code: Float32Array.from(state.hover.code), x: state.hover.x, y: state.hover.y };
    state.pins = state.pins.length === 2 ? [pin] : [...state.pins, pin];
    setCode(pin.code);
    $('#scrub').value = 0; $('#scrub-v').textContent = '0.00';
    $('#image-text').textContent = state.pins.length === 2 ? 'pinned B; drag A→B to interpolate' : 'pinned A';
    drawMap();
  });
  $('#scrub').addEventListener('input', () => {
    if (state.pins.length < 2) return;
    const t = Number($('#scrub').value), [a, b] = state.pins, z = new Float32Array(D);
    for (let j = 0; j < D; j++) z[j] = a.code[j] + t * (b.code[j] - a.code[j]);
    $('#scrub-v').textContent = t.toFixed(2);
    setCode(z); drawMap();
  });

  const rows = meta.dims.map((d, i) => {
    const row = document.createElement('label'), name = document.createElement('span');
    const input = document.createElement('input'), shown = document.createElement('span');
    row.className = 'row'; name.textContent = 'z' + d;
    input.type = 'range'; input.min = meta.lo[i]; input.max = meta.hi[i];
    input.step = (meta.hi[i] - meta.lo[i]) / meta.steps; input.setAttribute('aria-label', 'z' + d);
    input.addEventListener('input', () => {
      state.code[d] = Number(input.value); shown.textContent = state.code[d].toFixed(2); showImage(Float32Array.from(state.code));
    });
    row.append(name, input, shown); $('#sliders').append(row);
    return { input, shown, d };
  });
  function setCode(z) {
    state.code = Float32Array.from(z);
    rows.forEach(r => { r.input.value = state.code[r.d]; r.shown.textContent = state.code[r.d].toFixed(2); });
    showImage(Float32Array.from(state.code));
  }
  atlas.onload = drawMap;
  drawMap();
  setCode(state.code);
  document.body.dataset.ready = '1';
}
main();
"""


def write_explorer(model, out: Path, split: str = "test", method: str = "umap", overwrite: bool = False,
                   data_dir=None) -> Path:
    """Write the static explorer of model's split into out; returns out."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is a file; give --html a folder.")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise ConfigError(f"{out} is not empty; pass --overwrite to write the explorer into it anyway.")
    decoder = onnx_export.cached_decoder(model)  # refuses a model without a vector code, first
    proj = latent.cached_projection(model, split, method, 2, data_dir=data_dir)
    cfg = model.config
    ds = load_dataset(cfg.dataset, split, cfg.image_size, cfg.grayscale, data_dir)
    codes = proj.codes.astype(np.float32)
    dims = list(range(codes.shape[1])) if codes.shape[1] <= SLIDERS_MAX else latent.most_varying(codes, SLIDERS_MAX)
    lo, hi = latent.slider_ranges(codes, model.abilities.prior)
    spacing = neighbours.spacing(proj.coords)
    shape = list(ds.x.shape[1:])
    meta = {"title": f"{cfg.model} on {cfg.dataset}: {cfg.latent_dim}-d code",
            "subtitle": f"{method.upper()} map of the {split} split ({len(codes)} images), checkpoint {model.checkpoint_id}",
            "latent_dim": int(cfg.latent_dim), "shape": shape,
            "x": proj.coords[:, 0].round(4).tolist(), "y": proj.coords[:, 1].round(4).tolist(),
            "labels": None if proj.labels is None else [int(v) for v in proj.labels],
            "classes": None, "codes": floats(codes), "spacing": spacing, "start": codes[0].tolist(),
            "dims": dims, "lo": lo[dims].tolist(), "hi": hi[dims].tolist(), "steps": SLIDER_STEPS,
            "decoder": "decoder.onnx", "inverse": "inverse.onnx",
            "atlas": {"file": "thumbs.png", "count": min(len(ds), ATLAS_MAX)}}
    if meta["labels"] is not None:
        count = max(meta["labels"]) + 1
        names = list(ds.classes or [])
        meta["classes"] = [names[k] if k < len(names) else str(k) for k in range(count)]

    thumbs, meta["atlas"]["cols"] = sprite_sheet(ds.x, meta["atlas"]["count"])
    out.mkdir(parents=True, exist_ok=True)
    files = {"index.html": HTML.encode(), "explorer.js": ("const ORT_DIR = 'ort/';\n" + RUNTIME_JS + APP_JS).encode(),
             "explorer.json": json.dumps(meta).encode(), "decoder.onnx": decoder,
             "inverse.onnx": onnx_export.inverse_bytes(proj), "thumbs.png": thumbs}
    files.update({f"ort/{f.name}": f.read_bytes() for f in RUNTIME.iterdir() if f.is_file()})
    root = out.resolve()
    for name, data in files.items():
        # Replaced, never written through: a link left in DIR cannot send a write outside it.
        target = out / name
        if not target.parent.resolve().is_relative_to(root):
            raise ConfigError(f"{target.parent} leads outside {out}; remove it, or choose another folder.")
        write_atomic(target, data, name)
    return out
