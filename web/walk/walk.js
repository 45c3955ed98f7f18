// Latent sliders whose image follows every input event: one slider per shown dimension (in
// the host's order, each with its KL or variance beside it, the collapsed ones folded away),
// the code decoded in the page at each move; the VAE's traversal grid and the nearest real image
// follow the code too. Without a decoder in the page, the sliders report their code on
// release (state "code") and the host sends the exact image back.
import './walk.css';
import HTML from './walk.html';
import { base64Floats } from '../runtime/base64.js';
import { rootOf, part } from '../runtime/mount.js';
import { decoderFor, workerDecoderFor, DASHBOARD_STATIC } from '../runtime/ort.js';
import { paint } from '../runtime/paint.js';
import { latest } from '../runtime/latest.js';
import { nearest } from '../runtime/nearest.js';
import { traversalCodes } from './traversal.js';
import { foldRows, figureText, foldedText } from './dims.js';

/** @param {import('../runtime/mount.js').Host} host */
export default function (host) {
  const { data, setStateValue, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, HTML, '.walk');
  const img = /** @type {HTMLImageElement} */ (part(root, '.walk-image')), caption = part(root, '.walk-caption');
  let st = root.__walk;
  if (!st || st.key !== data.key) st = root.__walk = build(root, data);
  st.send = setStateValue; st.data = data;
  st.codes = data.codes ? base64Floats(data.codes) : null;
  if (!st.browser || !st.decode) {
    // The server's exact image: the first picture while the decoder loads, and every
    // picture without it. An answer to an older code than the sliders show is skipped.
    const same = data.dims.every((/** @type {number} */ d, /** @type {number} */ i) => Math.abs(st.code[d] - data.values[i]) < 1e-4);
    if (same || !st.browser) {
      data.dims.forEach((/** @type {number} */ d, /** @type {number} */ i) => {
        st.code[d] = data.values[i]; const r = st.rows[i];
        r.input.value = data.values[i]; r.shown.textContent = (+data.values[i]).toFixed(2); r.row.classList.remove('moved');
      });
      if (data.image) img.src = data.image;
      caption.textContent = data.caption;
    }
  }
  img.style.width = data.px + 'px'; img.style.height = Math.round(data.px * data.aspect) + 'px';
}

// Built once per start code; later data (a rerun for another reason) leaves the sliders
// where the user put them, so a rerun never tears a slider out from under the mouse.
/** @param {HTMLElement} root @param {any} data */
function build(root, data) {
  /** @type {any} */
  const st = { key: data.key, code: Float32Array.from(data.base), rows: [], browser: !!data.decoder,
               canvas: document.createElement('canvas'), root, send: null, decode: null };
  st.redraw = latest(() => decodeShown(st));
  data.dims.forEach((/** @type {number} */ d, /** @type {number} */ i) => {
    const row = document.createElement('label');
    row.className = 'walk-row';
    row.dataset.dim = String(d);
    const name = document.createElement('span'); name.className = 'd'; name.textContent = 'z' + d;
    const input = document.createElement('input');
    input.type = 'range'; input.min = data.lo[i]; input.max = data.hi[i];
    input.step = String((data.hi[i] - data.lo[i]) / data.steps);
    input.value = data.values[i];
    input.setAttribute('aria-label', 'z' + d);
    const shown = document.createElement('span'); shown.className = 'v';
    shown.textContent = (+data.values[i]).toFixed(2);
    input.addEventListener('input', () => {
      st.code[d] = Number(input.value);
      shown.textContent = st.code[d].toFixed(2);
      if (st.browser) show(st); else row.classList.add('moved');  // moved: the server has not answered yet
    });
    // Only without the browser decoder does the host hear of a release.
    input.addEventListener('change', () => { if (!st.browser) st.send('code', data.dims.map((/** @type {number} */ k) => st.code[k])); });
    row.append(name, input, shown);
    if (data.figures) row.append(figureOf(row, data.figure_name, data.figures[i], !data.active || data.active[i]));
    st.rows.push({ row, input, shown });
  });
  placeRows(root, st.rows.map((/** @type {any} */ r) => r.row), data.active);
  if (st.browser) decoderFor(data.decoder, data.static ?? DASHBOARD_STATIC).then(decode => { st.decode = decode; show(st); }).catch(err => {
    console.warn('aeviz: decoding on the server:', err);
    st.browser = false;
    st.send('runtime', 'unavailable');
  });
  return st;
}

// The figure a row is ordered by (KL or variance), beside its value; a collapsed row is marked.
/** @param {HTMLElement} row @param {string} name @param {number} value @param {boolean} active */
function figureOf(row, name, value, active) {
  const figure = document.createElement('span');
  figure.className = 'f';
  figure.textContent = `${name} ${figureText(value)}`;
  figure.title = name === 'KL' ? 'mean KL to the prior over the split, in nats' : 'variance over the split';
  row.classList.add('has-figure');
  row.dataset.figure = String(value);
  if (!active) row.classList.add('collapsed');
  return figure;
}

// The live rows in the sliders' box, the collapsed ones in a fold below it, shut at first.
/** @param {HTMLElement} root @param {HTMLElement[]} rows @param {boolean[] | undefined} active */
function placeRows(root, rows, active) {
  const { open, folded } = foldRows(rows.length, active);
  part(root, '.walk-sliders').replaceChildren(...open.map(i => rows[i]));
  part(root, '.walk-folded').replaceChildren(...folded.map(i => rows[i]));
  const fold = /** @type {HTMLDetailsElement} */ (part(root, '.walk-collapsed'));
  fold.hidden = folded.length === 0;
  fold.open = false;
  part(root, '.walk-collapsed summary').textContent = foldedText(folded.length);
}

// Decode the current code and show it (latest wins). The traversal grid (16 x 11 codes) is
// drawn once the sliders have rested for GRID_REST ms, in a worker with a runtime of its own
// (gridDecoder), so a key press or a drag never waits behind it on the page's thread.
const GRID_REST = 150;
/** @param {any} st */
function show(st) {
  if (!st.decode) return;
  clearTimeout(st.gridTimer);
  if (st.data.traversal) st.gridTimer = setTimeout(() => drawGrid(st), GRID_REST);
  st.redraw();
}

/** @param {any} st */
async function decodeShown(st) {
  const D = st.data, root = st.root, code = Float32Array.from(st.code), t0 = performance.now();
  const images = await st.decode(code, 1);
  const img = /** @type {HTMLImageElement} */ (part(root, '.walk-image'));
  img.src = paint(st.canvas, images, D.shape).toDataURL();
  img.dataset.code = JSON.stringify(Array.from(code));
  root.dataset.decodeMs = String(Math.round(performance.now() - t0));
  part(root, '.walk-caption').textContent = D.caption + (st.codes ? `; the nearest real image is #${nearest(st.codes, code)[0]}` : '');
}

// The grid around the current code; drawn again if the code moved while it was decoded.
/** @param {any} st */
async function drawGrid(st) {
  if (st.gridBusy) { st.gridAgain = true; return; }
  st.gridBusy = true;
  try {
    do {
      st.gridAgain = false;
      const D = st.data, t = D.traversal, root = st.root;
      if (!t) return;
      const size = D.shape.reduce((/** @type {number} */ a, /** @type {number} */ b) => a * b, 1), n = t.dims.length * t.values.length;
      const code = Float32Array.from(st.code), codes = traversalCodes(code, t.dims, t.values);
      const moved = () => st.code.some((/** @type {number} */ v, /** @type {number} */ i) => v !== code[i]);
      const images = await (await gridDecoder(st))(codes, n, size, moved);
      // moved meanwhile: the move set a new timer, which draws the grid once the sliders rest
      // (at once, if it already went off and set gridAgain)
      if (!images || moved()) continue;
      const grid = /** @type {HTMLCanvasElement} */ (part(root, '.walk-grid'));
      paint(grid, images, D.shape, 0, t.dims.length, t.values.length, 1);
      // what the grid shows, for a reader of the page: its centre code, and its rows' dimensions and columns' values
      grid.dataset.code = JSON.stringify(Array.from(code));
      grid.dataset.cells = JSON.stringify({ dims: t.dims, values: t.values });
      grid.dataset.decodedIn = st.gridIn;
      grid.style.width = (grid.width * D.grid_scale) + 'px';
      part(root, '.walk-grid-figure').hidden = false;
      part(root, '.walk-grid-caption').textContent = t.caption;
    } while (st.gridAgain);
  } catch (err) {
    console.warn('aeviz: the traversal grid could not be decoded:', err);  // the image above it still follows
  } finally { st.gridBusy = false; }
}

// decode(codes, n, size, moved) -> n images, or null when the code moved meanwhile. In a
// worker, the whole grid in one batch. Where a worker cannot run the runtime, on the page's
// thread a code at a time, yielding to input between codes and giving up once the code moves.
/** @returns {Promise<void>} */
const yieldToInput = () => new Promise(r => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
/** @param {any} st */
function gridDecoder(st) {
  if (!st.gridDecode) st.gridDecode = workerDecoderFor(st.data.decoder, st.data.static ?? DASHBOARD_STATIC).then(decode => {
    st.gridIn = 'worker';
    return decode;
  }).catch(err => {
    console.warn('aeviz: the traversal grid decodes on the page\'s thread:', err);
    st.gridIn = 'page';
    return async (/** @type {Float32Array} */ codes, /** @type {number} */ n, /** @type {number} */ size, /** @type {() => boolean} */ moved) => {
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
