"""The latent map as a WebGL scatter that decodes under the cursor, in the browser.

A custom component (components v2) drawing the 2D map with regl-scatterplot (bundled from
npm by scripts/vendor_web.sh, served from static/scatter/). Everything a hover shows is made
in the page: a point's own image comes from a sprite atlas of the split's images, and empty
space is decoded through the map's inverse and the checkpoint's decoder (both ONNX, run by
onnxruntime-web), with its distance from real data. Only what needs the server reaches it: a
click (the page shows the image's reconstruction and neighbours, or the place decoded exactly,
and remembers it for the Interpolation page) and a box or lasso selection.

When the browser cannot draw or decode (no WebGL, no WebAssembly) the component says so
(state "runtime"), and the page shows the plotly map instead."""
from __future__ import annotations

import base64

import numpy as np
import streamlit as st
import torch

from aeviz import neighbours, onnx_export
from aeviz.browser_runtime import floats
from aeviz.images import sprite_sheet

from . import browser_decoder, cache, plots

ATLAS_MAX = 16384   # thumbnails in the sprite atlas (28 px digits: 3584 px a side); more show none
SIZE = 560          # px, the square map

HTML = """<div class="amap"><div class="amap-left">
<div class="amap-stage"><canvas class="amap-canvas" aria-label="latent map"></canvas></div>
<div class="amap-tools"><span class="amap-colour">colour: <button data-by="label">label</button>
<button data-by="error">reconstruction error</button></span>
<span>selection: <button data-lasso="rectangle">box</button><button data-lasso="freeform">lasso</button></span></div>
<div class="amap-legend"></div>
<div class="amap-note">Scroll to zoom, drag to pan; shift + drag selects; click pins a point or a place.</div></div>
<figure class="amap-hover"><canvas class="amap-hover-image"></canvas><figcaption class="amap-hover-text">
Hover the map: a point shows its image, empty space is decoded.</figcaption></figure></div>"""

CSS = """
.amap { display: flex; gap: 1.2rem; flex-wrap: wrap; align-items: flex-start; font-family: var(--st-font, sans-serif);
        color: var(--st-text-color, #333); font-size: 0.85rem; }
.amap-stage { position: relative; border: 1px solid var(--st-border-color, #ddd); }
.amap-canvas { display: block; cursor: crosshair; }
.amap-preview { position: absolute; top: 0; left: 0; pointer-events: none; }
.amap-tools { margin-top: 0.4rem; display: flex; gap: 1rem; flex-wrap: wrap; }
.amap-tools button { font: inherit; border: 1px solid var(--st-border-color, #ccc); background: transparent;
                     color: inherit; border-radius: 0.3rem; padding: 0.05rem 0.45rem; margin-left: 0.2rem; cursor: pointer; }
.amap-tools button.on { border-color: var(--st-primary-color, #ff4b4b); color: var(--st-primary-color, #ff4b4b); }
.amap-legend span { display: inline-block; margin: 0.3rem 0.8rem 0 0; }
.amap-legend i { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 50%; margin-right: 0.25rem; }
.amap-note { opacity: 0.7; margin-top: 0.3rem; }
.amap-hover { margin: 0; width: 14rem; }
.amap-hover-image { image-rendering: pixelated; width: 12rem; border: 1px solid var(--st-border-color, #ddd); background: #fff; }
"""

JS = browser_decoder.JS + r"""
const PLOT = new URL('app/static/scatter/regl-scatterplot.min.mjs', document.baseURI).href;

export default function (component) {
  const { data, setStateValue, setTriggerValue, parentElement } = component;
  if (!data) return;
  const root = parentElement.querySelector('.amap');
  let st = root.__amap;
  if (st && st.key === data.key) { st.data = data; return; }  // a rerun for another reason: the map stays
  if (st && st.plot) { st.plot.destroy(); st.renderer.destroy(); }  // a renderer we made is ours to free
  st = root.__amap = { key: data.key, data, hovered: -1, down: null, lassoing: false };
  setup(st, root, data, setStateValue, setTriggerValue).catch(err => {
    console.warn('aeviz: the map falls back to the server:', err);
    root.querySelectorAll('.amap-preview').forEach(c => c.remove());
    setStateValue('runtime', 'unavailable');
  });
}

async function setup(st, root, data, setStateValue, setTriggerValue) {
  const canvas = root.querySelector('.amap-canvas'), size = data.size;
  canvas.style.width = size + 'px'; canvas.style.height = size + 'px';
  const t0 = performance.now();
  const module = import(PLOT);  // fetched while the preview is drawn
  const n = data.n, xy = base64Floats(data.xy);
  const labels = data.labels ? base64Bytes(data.labels) : null, errors = data.errors ? base64Floats(data.errors) : null;
  const early = preview(root, size, n, xy, labels, data.palette, data.point_size);
  await painted();  // on screen before WebGL's set-up holds the page's thread
  root.dataset.shownMs = String(Math.round(performance.now() - t0));
  const t0b = performance.now();
  const { createScatterplot, createRenderer } = await module;
  const t1 = performance.now();
  // regl-scatterplot's own renderer draws into a canvas as large as the window, then copies
  // the map's square out of it; where WebGL runs in software (a browser without a GPU) each
  // frame paid for every pixel of the window. Ours is the map's size.
  const renderer = st.renderer = createRenderer({ canvas: document.createElement('canvas') });
  renderer.resize(size, size);
  const plot = st.plot = createScatterplot({ renderer, canvas, width: size, height: size, pointSize: data.point_size,
    pointSizeSelected: data.point_size + 2, pointOutlineWidth: 1, opacityInactiveScale: 0.6,
    backgroundColor: [1, 1, 1, 1], lassoColor: [0.1, 0.1, 0.1, 1], lassoType: 'rectangle',
    pointColor: data.palette, colorBy: 'valueA' });
  const t2 = performance.now();
  // x, y, the label (categorical), the error (continuous in [0, 1])
  const points = { x: new Float32Array(n), y: new Float32Array(n), valueA: new Float32Array(n), valueB: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    points.x[i] = xy[2 * i]; points.y[i] = xy[2 * i + 1];
    points.valueA[i] = labels ? labels[i] : 0; points.valueB[i] = errors ? errors[i] : 0;
  }
  const t3 = performance.now();
  await plot.draw(points, { zDataType: 'categorical', wDataType: 'continuous' });
  early.remove();
  const t4 = performance.now();
  root.dataset.drawnMs = String(Math.round(t4 - t0));
  // where the time went, for benchmarks/big_map.py: the 2D preview, the module, WebGL's
  // set-up, the points, the draw
  root.dataset.steps = [t0b - t0, t1 - t0b, t2 - t1, t3 - t2, t4 - t3].map(Math.round).join(',');
  root.dataset.points = String(n);

  // Legend: a user's class names are text, never HTML.
  const legend = root.querySelector('.amap-legend');
  const showLegend = by => {
    legend.replaceChildren();
    if (by === 'error') { legend.textContent = `reconstruction error, light to dark: ${data.error_range}`; return; }
    (data.classes || []).forEach((name, k) => {
      const item = document.createElement('span'), dot = document.createElement('i');
      dot.style.background = data.palette[k % data.palette.length];
      item.append(dot, document.createTextNode(name));
      legend.append(item);
    });
  };
  const buttons = [...root.querySelectorAll('.amap-tools button')];
  const press = (attr, value) => buttons.forEach(b => { if (b.dataset[attr] !== undefined) b.classList.toggle('on', b.dataset[attr] === value); });
  buttons.forEach(b => b.addEventListener('click', () => {
    if (b.dataset.by) {
      const byError = b.dataset.by === 'error' && errors;
      plot.set(byError ? { colorBy: 'valueB', pointColor: data.ramp } : { colorBy: 'valueA', pointColor: data.palette });
      press('by', byError ? 'error' : 'label'); showLegend(byError ? 'error' : 'label');
    } else { plot.set({ lassoType: b.dataset.lasso }); press('lasso', b.dataset.lasso); }
  }));
  press('by', 'label'); press('lasso', 'rectangle'); showLegend('label');
  if (!errors) root.querySelector('[data-by=error]').disabled = true;

  // Hover: a point's own image from the atlas; empty space decoded through the inverse.
  const hoverCanvas = root.querySelector('.amap-hover-image'), hoverText = root.querySelector('.amap-hover-text');
  const atlas = new Image();
  atlas.src = data.atlas.url;
  const [c, h, w] = data.shape;
  const decode = await decoderFor(data.decoder), inverse = await decoderFor(data.inverse);
  const toData = (mx, my) => {  // canvas pixels -> the map's own coordinates
    const v = plot.get('cameraView');
    const nx = (2 * mx / size - 1 - v[12]) / v[0], ny = (1 - 2 * my / size - v[13]) / v[5];
    return [data.center[0] + nx * data.half, data.center[1] + ny * data.half, nx, ny];
  };
  const nearest = (nx, ny) => {
    let best = -1, bd = Infinity;
    for (let i = 0; i < n; i++) { const dx = xy[2 * i] - nx, dy = xy[2 * i + 1] - ny, d = dx * dx + dy * dy; if (d < bd) { bd = d; best = i; } }
    return [best, Math.sqrt(bd) * data.half];
  };
  let busy = false, next = null;
  const showPlace = async place => {
    next = place;
    if (busy) return;
    busy = true;
    try {
      while (next) {
        const [mx, my] = next; next = null;
        const t = performance.now(), [x, y, nx, ny] = toData(mx, my);
        const z = await inverse(new Float32Array([x, y]), 1);
        paint(hoverCanvas, await decode(Float32Array.from(z), 1), data.shape);
        const [, far] = nearest(nx, ny), spacings = far / data.spacing;
        hoverCanvas.dataset.kind = 'place'; hoverCanvas.dataset.place = JSON.stringify([x, y]);
        hoverCanvas.dataset.code = JSON.stringify(Array.from(z));
        hoverText.textContent = `decoded at (${x.toFixed(2)}, ${y.toFixed(2)}); ${spacings.toFixed(1)}x the typical `
          + 'spacing from the nearest real image' + (spacings > 12 ? ': the decoder is extrapolating' : '');
        root.dataset.hoverMs = String(Math.round(performance.now() - t));
      }
    } finally { busy = false; }
  };
  const showPoint = i => {
    hoverCanvas.width = w; hoverCanvas.height = h;
    const g = hoverCanvas.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
    if (i < data.atlas.count && atlas.complete) g.drawImage(atlas, (i % data.atlas.cols) * w, Math.floor(i / data.atlas.cols) * h, w, h, 0, 0, w, h);
    hoverCanvas.dataset.kind = 'point'; hoverCanvas.dataset.index = String(i);
    hoverText.textContent = `image #${i}` + (labels && data.classes ? ` · ${data.classes[labels[i]]}` : '')
      + (i < data.atlas.count ? '' : ' (no thumbnail: beyond the first ' + data.atlas.count + ')');
  };
  plot.subscribe('pointOver', i => { st.hovered = i; showPoint(i); });
  plot.subscribe('pointOut', () => { st.hovered = -1; });
  const local = e => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.addEventListener('mousemove', e => { if (st.hovered < 0 && !e.buttons) showPlace(local(e)); });
  canvas.addEventListener('mousedown', e => { st.down = local(e); });
  canvas.addEventListener('mouseup', e => {
    const [mx, my] = local(e), d = st.down; st.down = null;
    if (!d || Math.hypot(mx - d[0], my - d[1]) > 4 || e.shiftKey) return;  // a pan or a selection, not a click
    if (st.hovered >= 0) setTriggerValue('pick', { kind: 'point', index: st.hovered });
    else { const [x, y] = toData(mx, my); setTriggerValue('pick', { kind: 'place', x, y }); }
  });
  plot.subscribe('lassoStart', () => { st.lassoing = true; });
  plot.subscribe('select', ({ points }) => {
    if (!st.lassoing) return;  // a click selects its point too: that is a pick, sent above
    st.lassoing = false;
    setTriggerValue('selection', Array.from(points));
  });
  // One decode through both graphs before the map says it is ready: a session's first run
  // sets up its kernels (40-90 ms here), which the user's first hover would otherwise wait for.
  await decode(Float32Array.from(await inverse(new Float32Array(data.center), 1)), 1);
  root.dataset.ready = '1';
}

// Every point at once on a plain 2D canvas over the map, until WebGL has drawn them: where
// WebGL runs in software (a browser without a GPU), its set-up and first draw take most of a
// second at 70,000 points, and this is on screen in about a tenth of one. Same place, colour
// and size as the WebGL map's first view (its camera at rest: the map's [-1, 1] square fills
// the canvas); round dots in label colours on white. Returns the canvas, for the caller to
// remove.
function preview(root, size, n, xy, labels, palette, pointSize) {
  root.querySelectorAll('.amap-preview').forEach(old => old.remove());  // a map this one replaces
  const dpr = window.devicePixelRatio || 1, w = Math.round(size * dpr);
  const c = document.createElement('canvas');
  c.className = 'amap-preview'; c.width = w; c.height = w;
  c.style.width = size + 'px'; c.style.height = size + 'px';
  const g = c.getContext('2d'), img = g.createImageData(w, w), px = new Uint32Array(img.data.buffer);
  px.fill(0xffffffff);  // opaque white, in the canvas's RGBA byte order as one little-endian word
  const colours = palette.map(hex => {
    const v = parseInt(hex.slice(1), 16);
    return ((255 << 24) | ((v & 255) << 16) | (((v >> 8) & 255) << 8) | (v >> 16)) >>> 0;
  });
  const d = Math.max(1, Math.round(pointSize * dpr)), r = d / 2, disc = [];
  for (let dy = 0; dy < d; dy++) for (let dx = 0; dx < d; dx++)
    if ((dx + 0.5 - r) ** 2 + (dy + 0.5 - r) ** 2 <= r * r + 0.5) disc.push([dx, dy]);
  for (let i = 0; i < n; i++) {
    const x0 = Math.round((xy[2 * i] + 1) / 2 * w - r), y0 = Math.round((1 - xy[2 * i + 1]) / 2 * w - r);
    const colour = colours[(labels ? labels[i] : 0) % colours.length];
    for (const [dx, dy] of disc) {
      const x = x0 + dx, y = y0 + dy;
      if (x >= 0 && x < w && y >= 0 && y < w) px[y * w + x] = colour;
    }
  }
  g.putImageData(img, 0, 0);
  root.querySelector('.amap-stage').append(c);
  return c;
}

// Resolves once the browser has painted what the page holds now: a frame's animation callbacks
// run before its paint, so the second frame's callback comes after the first frame's paint.
const painted = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
"""


@st.cache_data(show_spinner=False, max_entries=8)
def payload(path: str, mtime: float, split: str, shown_as: str, _proj, _model, _images,
            classes: tuple | None) -> dict | None:
    """Everything the component draws and decodes with, for one map; None when the model or
    the map cannot be exported (the page then shows the plotly map). The underscored
    arguments are not hashed: path, mtime, split and shown_as name them."""
    proj, model, images = _proj, _model, _images
    decoder = browser_decoder.graph(model)
    if decoder is None or proj.inverse_weights is None:
        return None
    try:
        inverse = onnx_export.inverse_bytes(proj)
    except Exception:  # noqa: BLE001 - no export means the plotly map, not an error page
        return None
    xy = proj.coords[:, :2].astype(np.float64)
    center = (xy.min(0) + xy.max(0)) / 2
    half = 0.52 * float((xy.max(0) - xy.min(0)).max() or 1.0)
    spacing = neighbours.spacing(xy)
    errs = cache.split_errors_of(model, split).mse
    lo, hi = np.percentile(errs, [1, 99])
    n = len(xy)
    atlas = _atlas(images, min(n, ATLAS_MAX))
    labels = None
    if proj.labels is not None and proj.labels.max() < 256:
        labels = base64.b64encode(np.asarray(proj.labels, np.uint8).tobytes()).decode()
    return {"key": f"{model.checkpoint_id}-{split}-{shown_as}", "n": n, "size": SIZE,
            "point_size": 5 if n <= 5000 else 3 if n <= 30000 else 2,
            "xy": floats((xy - center) / half), "center": center.tolist(), "half": half, "spacing": spacing,
            "labels": labels, "classes": list(classes) if classes else None,
            "errors": floats(np.clip((errs - lo) / ((hi - lo) or 1.0), 0, 1)),
            "error_range": f"MSE {lo:.4f} to {hi:.4f}",
            "palette": [_hex(c) for c in plots.PALETTE], "ramp": RAMP,
            "shape": list(images.shape[1:]), "atlas": atlas, "decoder": decoder,
            "inverse": {"id": f"{decoder['id']}.{shown_as}.inverse", "onnx": base64.b64encode(inverse).decode(),
                        "width": 2}}


# Light to dark (viridis, reversed so that worse reads darker on white).
RAMP = ["#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89", "#26828e", "#31688e", "#3e4989", "#482878", "#440154"]


def _hex(colour: str) -> str:
    """plotly's "rgb(102, 197, 204)" as "#66c5cc": regl-scatterplot reads hex colours."""
    if colour.startswith("#"):
        return colour
    r, g, b = (int(float(v)) for v in colour[colour.index("(") + 1: colour.index(")")].split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _atlas(x: torch.Tensor, count: int) -> dict:
    png, cols = sprite_sheet(x, count)
    return {"url": "data:image/png;base64," + base64.b64encode(png).decode(), "cols": cols, "count": count}


def latent_map(key: str, data: dict) -> dict:
    """Mount the map; returns the component's result: .pick ({"kind": "point", "index"} or
    {"kind": "place", "x", "y"}) and .selection (image indices) on the run they happen, and
    .runtime ("unavailable" once the browser said it cannot draw or decode)."""
    component = st.components.v2.component("aeviz.latent_map", html=HTML, css=CSS, js=JS)
    return component(key=key, data=data, default={"runtime": "browser"}, on_pick_change=lambda: None,
                     on_selection_change=lambda: None, on_runtime_change=lambda: None)
