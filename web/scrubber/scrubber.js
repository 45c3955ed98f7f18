// A scrubber along an interpolation path, decoded at every input event: the host sends the
// path as a dense list of codes (Python's slerp on the dashboard) and their places on the
// map; moving the scrubber decodes the code under it and moves a marker along the path.
// Without a decoder in the page it reports the position on release (state "index").
import './scrubber.css';
import HTML from './scrubber.html';
import { floatsOf } from '../runtime/base64.js';
import { rootOf, part, inputOf } from '../runtime/mount.js';
import { decoderFor, DASHBOARD_STATIC } from '../runtime/ort.js';
import { paint } from '../runtime/paint.js';
import { latest } from '../runtime/latest.js';
import { frame } from './frame.js';

/** @param {import('../runtime/mount.js').Host} host */
export default function (host) {
  const { data, setStateValue, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, HTML, '.scrub');
  const input = inputOf(root, '.scrub-input');
  let st = root.__scrub;
  if (!st) {
    // Built once: a rerun (new endpoints, another mode) keeps the scrubber where the user left it.
    st = root.__scrub = { canvas: document.createElement('canvas') };
    st.redraw = latest(() => decodeShown(root, st));
    input.min = '0'; input.step = '1'; input.value = data.index;
    input.addEventListener('input', () => {
      drawMap(root, st);
      if (st.browser) show(st); else root.classList.add('waiting');  // the server answers on release
    });
    input.addEventListener('change', () => { if (!st.browser) st.send('index', Number(input.value)); });
  }
  input.max = String(data.n - 1);
  // What the ends are called: A and B on an interpolation, "-2σ" and "+2σ" on an attribute slider.
  const [a, b] = data.ends ?? ['A', 'B'];
  part(root, '.scrub-a').textContent = a; part(root, '.scrub-b').textContent = b;
  input.setAttribute('aria-label', `position from ${a} to ${b}`);
  st.send = setStateValue; st.data = data;
  st.codes = floatsOf(data.codes);
  if (st.browser === undefined) st.browser = !!data.decoder;
  if (st.browser && data.decoder && st.decoderId !== data.decoder.id) {
    st.decoderId = data.decoder.id; st.decode = null;
    decoderFor(data.decoder, data.static ?? DASHBOARD_STATIC).then(decode => { st.decode = decode; show(st); }).catch(err => {
      console.warn('aeviz: decoding on the server:', err);
      st.browser = false;
      st.send('runtime', 'unavailable');
    });
  }
  const img = /** @type {HTMLImageElement} */ (part(root, '.scrub-image'));
  img.style.width = data.px + 'px'; img.style.height = Math.round(data.px * data.aspect) + 'px';
  if (!st.browser || !st.decode) {
    // The server's exact image of the position it was told: shown while the decoder loads,
    // and every time without one. An answer for another position than the scrubber's is skipped.
    if (Number(input.value) === data.index || !st.browser) {
      input.value = data.index;
      if (data.image) img.src = data.image;
      delete img.dataset.code;
      part(root, '.scrub-caption').textContent = caption(data, data.index);
      root.classList.remove('waiting');
    }
  } else show(st);
  drawMap(root, st);
}

/** @param {any} D @param {number} i */
function caption(D, i) { return `${D.caption}: ${Math.round(100 * i / (D.n - 1))}% of the way`; }

/** @param {any} st */
function show(st) { if (st.decode) st.redraw(); }

// The code under the scrubber, decoded (latest wins: the image lags a fast drag by one decode at most).
/** @param {HTMLElement} root @param {any} st */
async function decodeShown(root, st) {
  const D = st.data, i = Number(inputOf(root, '.scrub-input').value), d = D.width;
  const code = st.codes.slice(i * d, (i + 1) * d);
  const image = await st.decode(code, 1);
  const img = /** @type {HTMLImageElement} */ (part(root, '.scrub-image'));
  img.src = paint(st.canvas, image, D.shape).toDataURL();
  img.dataset.code = JSON.stringify(Array.from(code));
  img.dataset.index = String(i);
  part(root, '.scrub-caption').textContent = caption(D, i);
}

// The map's points, the path over them with its ends, and a marker at the scrubbed code.
/** @param {HTMLElement} root @param {any} st */
function drawMap(root, st) {
  const D = st.data, M = D.map, canvas = /** @type {HTMLCanvasElement} */ (part(root, '.scrub-map'));
  const i = Number(inputOf(root, '.scrub-input').value);
  part(root, '.scrub-t').textContent = 't = ' + (i / (D.n - 1)).toFixed(2);
  if (!M) { canvas.hidden = true; return; }
  canvas.hidden = false;
  const css = 260, ratio = window.devicePixelRatio || 1, size = Math.round(css * ratio);
  if (canvas.width !== size) { canvas.width = size; canvas.height = size; }
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const { X, Y } = frame(M.bounds, size, 8 * ratio);
  ctx.clearRect(0, 0, size, size);
  if (!st.points || st.pointsOf !== M.points) { st.points = floatsOf(M.points); st.pointsOf = M.points; }
  ctx.globalAlpha = 0.5;
  for (let k = 0; k < st.points.length / 2; k++) {
    ctx.fillStyle = M.palette[M.groups[k] % M.palette.length];
    ctx.fillRect(X(st.points[2 * k]) - ratio, Y(st.points[2 * k + 1]) - ratio, 2 * ratio, 2 * ratio);
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = '#111'; ctx.lineWidth = 2 * ratio; ctx.beginPath();
  M.path.forEach((/** @type {number[]} */ [x, y], /** @type {number} */ k) => k ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y)));
  ctx.stroke();
  ctx.font = `${12 * ratio}px sans-serif`; ctx.textAlign = 'center';
  /** @type {[number[], string][]} */
  const ends = [[M.path[0], 'A'], [M.path[M.path.length - 1], 'B']];
  ends.forEach(([[x, y], name]) => {
    ctx.fillStyle = '#fff'; ctx.beginPath(); ctx.arc(X(x), Y(y), 5 * ratio, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.fillStyle = '#111'; ctx.fillText(name, X(x), Y(y) - 8 * ratio);
  });
  const [mx, my] = M.path[i];
  ctx.fillStyle = '#e4002b'; ctx.beginPath(); ctx.arc(X(mx), Y(my), 6 * ratio, 0, 2 * Math.PI); ctx.fill();
  ctx.lineWidth = 1.5 * ratio; ctx.strokeStyle = '#fff'; ctx.stroke();
  canvas.dataset.marker = JSON.stringify([mx, my]);
}
