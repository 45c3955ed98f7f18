// The latent map as a WebGL scatter (regl-scatterplot, served beside the built components)
// that decodes under the cursor: a point's own image comes from a sprite atlas, empty space
// is decoded through the map's inverse and the checkpoint's decoder. A click (trigger
// "pick") and a box or lasso selection (trigger "selection") go to the host. Where the
// browser cannot draw or decode, the component says so (state "runtime").
import './map.css';
import HTML from './map.html';
import { pointsOf } from './columns.js';
import { buildGrid } from './grid.js';
import { spatialIndexOf } from './kdindex.js';
import { rootOf } from '../runtime/mount.js';
import { DASHBOARD_STATIC } from '../runtime/ort.js';
import { preview } from './preview.js';
import { wireTools, wireHover } from './hover.js';
import { wireDrawing } from './drawn.js';
import { wireAtlas } from './atlas.js';
import { painted } from '../runtime/painted.js';

/** @param {import('../runtime/mount.js').Host} host */
export default function (host) {
  const { data, setStateValue, setTriggerValue, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, HTML, '.amap');
  let st = root.__amap;
  if (st && st.key === data.key) { st.data = data; return; }  // a rerun for another reason: the map stays
  if (st && st.plot) { st.plot.destroy(); st.renderer.destroy(); }  // a renderer we made is ours to free
  st = root.__amap = { key: data.key, data, hovered: -1, down: null, lassoing: false };
  setup(st, root, data, /** @type {(name: string, value: any) => void} */ (setTriggerValue)).catch(err => {
    console.warn('aeviz: the map falls back to the server:', err);
    root.querySelectorAll('.amap-preview').forEach(c => c.remove());
    setStateValue('runtime', 'unavailable');
  });
}

/**
 * @param {any} st @param {HTMLElement} root @param {any} data
 * @param {(name: string, value: any) => void} trigger
 */
async function setup(st, root, data, trigger) {
  const canvas = /** @type {HTMLCanvasElement} */ (root.querySelector('.amap-canvas')), size = data.size;
  canvas.style.width = size + 'px'; canvas.style.height = size + 'px';
  const staticDir = data.static ?? DASHBOARD_STATIC;
  const t0 = performance.now();
  const module = import(/* webpackIgnore: true */ new URL(staticDir + 'scatter/regl-scatterplot.min.mjs', document.baseURI).href);  // fetched while the preview is drawn
  const { n, xy, labels, errors } = pointsOf(data);
  // the scatter's selection index, built in a worker meanwhile; without it, the scatter builds its own
  const spatialIndex = spatialIndexOf(xy).catch(err => { console.warn('aeviz: the map builds its own index:', err); return undefined; });
  const early = preview(root, size, xy, labels, data.palette, data.point_size);
  await painted();  // on screen before WebGL's set-up holds the page's thread
  root.dataset.shownMs = String(Math.round(performance.now() - t0));
  root.dataset.shownAt = String(performance.now());  // on the page's clock, for benchmarks/big_map.py
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
  await plot.draw(points, { zDataType: 'categorical', wDataType: 'continuous', spatialIndex: await spatialIndex });
  early.remove();
  const t4 = performance.now();
  root.dataset.drawnMs = String(Math.round(t4 - t0));
  root.dataset.drawnAt = String(t4);
  // where the time went, for benchmarks/big_map.py: the 2D preview, the module, WebGL's
  // set-up, the points, the draw
  root.dataset.steps = [t0b - t0, t1 - t0b, t2 - t1, t3 - t2, t4 - t3].map(Math.round).join(',');
  root.dataset.points = String(n);
  wireTools(root, plot, data, errors);
  const t5 = performance.now(), grid = buildGrid(xy);  // the hover's and the pick's nearest point
  root.dataset.gridMs = String(Math.round(performance.now() - t5));
  const warm = await wireHover({ st, root, canvas, plot, data, xy, grid, labels, trigger, staticDir });
  // One decode through both graphs before the map says it is ready: a session's first run
  // sets up its kernels (40-90 ms here), which the user's first hover would otherwise wait for.
  await warm();
  await wireAtlas({ root, plot, data, xy, staticDir });
  // A model whose encoder went to the page draws: a drawing or an upload lands on the map.
  if (data.encoder && data.codes && data.drawing) await wireDrawing({ st, root, plot, data, xy, labels, staticDir, decode: warm.decode });
  root.dataset.ready = '1';
}
