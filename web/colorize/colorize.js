// The Colorize page's photo, colored in the page as the user steers it: click to place a
// color hint (the picker starts at the color shown there), drag a hint to move it, pick
// another color for the selected one, remove it (the button, right-click or Delete). The
// hint colorizer (the checkpoint's ONNX export of Colorizer.guess) runs in a worker at its
// working size on the gray photo the server sends, the hints (hints.js) and the reference's
// palette; its a and b are upsampled and composed with the lightness (compose.js), latest
// call wins while a hint is dragged. The server hears the hints once the user rests
// (state "hints"), and makes the exact full-size download with them.
//
// The lightness: the canvas has as many pixels as it covers on the screen (CSS size times
// devicePixelRatio, at most the photo's), and the server sends the photo's full-resolution
// lightness shrunk once, by area, to exactly that size (state "view" asks for it). So the
// preview is sharp wherever the screen can show it and a 12 MP photo costs no more than its
// view.
import './colorize.css';
import HTML from './colorize.html';
import { floatsOf, base64Bytes } from '../runtime/base64.js';
import { rootOf, part } from '../runtime/mount.js';
import { workerSessionFor, DASHBOARD_STATIC } from '../runtime/ort.js';
import { latest } from '../runtime/latest.js';
import { hintTensor, steered } from './hints.js';
import { compose, lightness } from './compose.js';
import { wire, syncMarks } from './marks.js';

const MAX_CSS = { width: 900, height: 680 };  // the picture's largest size on the page, CSS pixels

/** @param {import('../runtime/mount.js').Host} host */
export default function (host) {
  const { data, setStateValue, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, HTML, '.cz');
  let st = root.__cz;
  if (!st || st.key !== data.key) st = root.__cz = build(root, data);  // another photo or model: no hints yet
  st.send = setStateValue; st.data = data;
  let changed = false;
  if (st.paletteOf !== data.palette) {
    st.paletteOf = data.palette;
    st.palette = data.palette ? floatsOf(data.palette) : new Float32Array(data.palette_size);
    changed = true;
  }
  if (data.light && st.lightOf !== data.light.data) {
    st.lightOf = data.light.data;
    takeLight(st, data.light);
    changed = true;
  }
  if (data.graph && st.graphId !== data.graph.id) {
    st.graphId = data.graph.id; st.run = null;
    setStatus(st, 'Loading the colorizer…');
    workerSessionFor(data.graph, data.static ?? DASHBOARD_STATIC).then(run => {
      st.run = run; setStatus(st); st.redraw();
    }).catch(err => unavailable(st, err));
  }
  if (!data.graph) setStatus(st);
  layout(st);
  if (changed) st.redraw();
}

/** @param {HTMLElement & { [state: string]: any }} root @param {any} data */
function build(root, data) {
  /** @type {any} */
  const st = { key: data.key, root, hints: [], selected: null, frames: 0, run: null, light: null, sentView: '',
               canvas: /** @type {HTMLCanvasElement} */ (part(root, '.cz-canvas')) };
  st.gray = floatsOf(data.gray);
  st.redraw = latest(() => draw(st));
  st.changed = (redraw = true) => { syncMarks(st); setStatus(st); if (redraw) st.redraw(); };
  part(root, '.cz-marks').replaceChildren();
  st.canvas.width = 0; st.canvas.height = 0;
  wire(st);
  if (!root.__czResize) {  // one listener per root, whichever photo it shows
    root.__czResize = true;
    let timer = 0;
    window.addEventListener('resize', () => { clearTimeout(timer); timer = window.setTimeout(() => layout(root.__cz), 200); });
  }
  return st;
}

// The lightness the server sent (L / 100 as 16-bit integers) at the canvas's pixel size.
/** @param {any} st @param {{ width: number, height: number, data: string }} light */
function takeLight(st, light) {
  const words = new Uint16Array(base64Bytes(light.data).buffer), L = new Float32Array(words.length);
  for (let i = 0; i < words.length; i++) L[i] = words[i] * (100 / 65535);
  st.light = lightness(L);
  st.canvas.width = light.width; st.canvas.height = light.height;
  st.rgba = new Uint8ClampedArray(4 * light.width * light.height);
}

// The picture's CSS size (the page's width, at most MAX_CSS), and the device pixels it covers,
// asked of the server as the lightness's size whenever it is not what the canvas has.
/** @param {any} st */
function layout(st) {
  if (!st) return;
  const D = st.data, stage = part(st.root, '.cz-stage');
  const room = st.root.clientWidth || MAX_CSS.width;
  const cssW = Math.max(1, Math.min(room - 2, MAX_CSS.width, MAX_CSS.height * D.W / D.H)), cssH = cssW * D.H / D.W;
  stage.style.width = cssW + 'px'; stage.style.height = cssH + 'px';
  const w = Math.max(1, Math.min(D.W, Math.round(cssW * (window.devicePixelRatio || 1))));
  const h = Math.max(1, Math.min(D.H, Math.round(w * D.H / D.W))), want = `${w}x${h}`;
  const have = D.light ? `${D.light.width}x${D.light.height}` : '';
  if (want !== have && want !== st.sentView) { st.sentView = want; st.send('view', [w, h]); }
}

// The model's guess for the current hints, composed and drawn (latest wins). Without the model
// (not loaded yet, or not in this browser) the lightness alone: the gray photo.
/** @param {any} st */
async function draw(st) {
  const D = st.data, size = { W: D.W, H: D.H, ww: D.ww, hh: D.hh }, t0 = performance.now();
  if (!st.light) return;
  const hints = st.hints.slice();
  let ab = null;
  if (st.run) {
    try {
      ab = await st.run({ gray: [st.gray, [1, 1, D.hh, D.ww]], hints: [hintTensor(hints, size), [1, 3, D.hh, D.ww]],
                          palette: [st.palette, [1, D.palette_size]] });
    } catch (err) { unavailable(st, err); }
  }
  const t1 = performance.now(), strength = steered(hints, st.palette) ? D.strength.steered : D.strength.auto;
  const { width, height } = st.canvas;
  compose(st.light, width, height, ab || new Float32Array(2 * D.ww * D.hh), D.ww, D.hh, ab ? strength : 0, st.rgba);
  /** @type {CanvasRenderingContext2D} */ (st.canvas.getContext('2d')).putImageData(new ImageData(st.rgba, width, height), 0, 0);
  // what the canvas shows, for a reader of the page (the tests, the benchmark)
  Object.assign(st.canvas.dataset, { frame: String(++st.frames), hints: JSON.stringify(hints.map(h => [h.x, h.y, h.color])),
    guessed: String(!!ab), modelMs: (t1 - t0).toFixed(1), composeMs: (performance.now() - t1).toFixed(1) });
}

/** @param {any} st @param {unknown} err */
function unavailable(st, err) {
  console.warn('aeviz: colorizing on the server:', err);
  st.run = null; st.graphId = 'unavailable';
  st.send('runtime', 'unavailable');
  setStatus(st);
}

/** @param {any} st @param {string} [busy] */
function setStatus(st, busy) {
  const n = st.hints.length;
  part(st.root, '.cz-status').textContent = busy || (!st.data.graph || st.graphId === 'unavailable'
    ? 'This browser cannot run the colorizer: the server colors the photo below.'
    : n ? `${n} hint${n > 1 ? 's' : ''}: drag one to move it; right-click it, or select it and press Delete, to remove it.`
      : 'Click the photo to place a color hint.');
}
