// The map as it learned (aeviz.latent.learning): the codes of 1,000 test images at
// log-spaced epochs, each frame aligned to the next on the server. Play moves the points
// smoothly from frame to frame (eased, drawn at the display's rate); the scrubber picks an
// epoch, and the reconstructions beside the map are that epoch's. Nothing goes back to the
// server: the whole record is in the page.
import './replay.css';
import HTML from './replay.html';
import { floatsOf, base64Bytes } from '../runtime/base64.js';
import { rootOf, part, inputOf } from '../runtime/mount.js';
import { pixelWord } from '../runtime/colours.js';
import { placesAt, bounds, frameAt, nearestFrame } from './frames.js';
import { frame } from '../scrubber/frame.js';

const RATE = 3;  // frames of the record a second while playing: a 20-frame record plays in about 7 s

/** @param {import('../runtime/mount.js').Host} host */
export default function (host) {
  const { data, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, HTML, '.replay');
  const input = inputOf(root, '.replay-input');
  let st = root.__replay;
  if (!st) {
    st = root.__replay = { f: 0, playing: false, drawn: 0, raf: 0 };
    input.addEventListener('input', () => { stop(root, st); st.f = Number(input.value); draw(root, st); });
    part(root, '.replay-play').addEventListener('click', () => (st.playing ? stop(root, st) : play(root, st)));
  }
  if (st.id !== data.id) {  // another record: start at its first frame
    st.id = data.id;
    st.n = data.n; st.frames = data.epochs.length;
    st.positions = floatsOf(data.positions);
    st.box = bounds(st.positions);
    st.places = new Float32Array(2 * st.n);
    const labels = data.labels ? base64Bytes(data.labels) : new Uint8Array(st.n);
    const words = data.palette.map(pixelWord);
    st.colour = Uint32Array.from(labels, k => words[k % words.length]);
    st.data = data;
    stop(root, st);
    st.f = data.start ?? st.frames - 1;
    input.max = String(st.frames - 1);
    part(root, '.replay-originals').setAttribute('src', data.originals);
  }
  draw(root, st);
}

/** @param {HTMLElement} root @param {any} st */
function play(root, st) {
  if (st.f >= st.frames - 1) st.f = 0;  // played to the end: from the start again
  st.playing = true;
  const from = st.f, began = performance.now();
  part(root, '.replay-play').textContent = 'Pause';
  const step = (/** @type {number} */ now) => {
    if (!st.playing) return;
    st.f = frameAt(from, (now - began) / 1000, RATE, st.frames);
    draw(root, st);
    if (st.f >= st.frames - 1) stop(root, st); else st.raf = requestAnimationFrame(step);
  };
  st.raf = requestAnimationFrame(step);
}

/** @param {HTMLElement} root @param {any} st */
function stop(root, st) {
  st.playing = false;
  cancelAnimationFrame(st.raf);
  part(root, '.replay-play').textContent = '▶ Play';
}

// One frame: every point at its eased place, straight into the canvas's pixels (1,000 points
// cost well under a millisecond, so play keeps the display's rate).
/** @param {HTMLElement} root @param {any} st */
function draw(root, st) {
  const D = st.data, canvas = /** @type {HTMLCanvasElement} */ (part(root, '.replay-map'));
  const css = 420, ratio = window.devicePixelRatio || 1, size = Math.round(css * ratio);
  if (canvas.width !== size) { canvas.width = size; canvas.height = size; st.image = null; }
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  if (!st.image) { st.image = ctx.createImageData(size, size); st.words = new Uint32Array(st.image.data.buffer); }
  const words = st.words, { X, Y } = frame(st.box, size, 10 * ratio), r = Math.max(1, Math.round(1.5 * ratio));
  words.fill(0xffffffff);
  placesAt(st.positions, st.n, st.f, st.places);
  for (let i = 0; i < st.n; i++) {
    const cx = Math.round(X(st.places[2 * i])), cy = Math.round(Y(st.places[2 * i + 1])), c = st.colour[i];
    for (let y = Math.max(0, cy - r); y <= Math.min(size - 1, cy + r); y++) {
      const row = y * size;
      for (let x = Math.max(0, cx - r); x <= Math.min(size - 1, cx + r); x++) words[row + x] = c;
    }
  }
  ctx.putImageData(st.image, 0, 0);
  const k = nearestFrame(st.f);
  inputOf(root, '.replay-input').value = String(st.f);
  part(root, '.replay-epoch').textContent = `epoch ${D.epochs[k]} of ${D.epochs[st.frames - 1]}`;
  part(root, '.replay-caption').textContent =
    `${D.n} test images; reconstruction error (MSE) ${D.mse[k].toFixed(4)} at this epoch` +
    (D.epochs[k] === 0 ? ' (the untrained model)' : '') + '.';
  const recon = part(root, '.replay-recon');
  if (recon.getAttribute('src') !== D.recon[k]) recon.setAttribute('src', D.recon[k]);
  st.drawn++;
  root.dataset.drawn = String(st.drawn);  // frames drawn so far: what benchmarks/replay_fps.py counts
  root.dataset.frame = String(k);
}
