// A grid of sampled images whose temperature and seed are live: the page draws
// z = mean_k + T * L_k @ N(0, I) from a Gaussian mixture with its seeded generator and
// decodes the grid with the checkpoint's decoder, at every input event.
import './sampler.css';
import HTML from './sampler.html';
import { base64Floats } from '../runtime/base64.js';
import { rootOf, part, inputOf } from '../runtime/mount.js';
import { decoderFor, DASHBOARD_STATIC } from '../runtime/ort.js';
import { paint } from '../runtime/paint.js';
import { latest } from '../runtime/latest.js';
import { sample, readSeed, meanNorm } from './generator.js';

/** @param {import('../runtime/mount.js').Host} host */
export default function (host) {
  const { data, setStateValue, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, HTML, '.samp');
  const temperature = inputOf(root, '.samp-temperature'), seed = inputOf(root, '.samp-seed');
  let st = root.__samp;
  if (!st) {
    // Built once: a rerun (another fitted distribution) keeps the temperature and seed the user set.
    st = root.__samp = { canvas: document.createElement('canvas') };
    st.redraw = latest(() => draw(root, st));
    temperature.value = data.temperature; seed.value = data.seed;
    temperature.addEventListener('input', () => show(root, st));
    seed.addEventListener('input', () => show(root, st));
  }
  st.data = data;
  st.dist = { weights: data.dist.weights, means: base64Floats(data.dist.means), chols: base64Floats(data.dist.chols) };
  if (st.decoderId !== data.decoder.id) {
    st.decoderId = data.decoder.id; st.decode = null;
    decoderFor(data.decoder, data.static ?? DASHBOARD_STATIC).then(decode => { st.decode = decode; show(root, st); }).catch(err => {
      console.warn('aeviz: decoding on the server:', err);
      setStateValue('runtime', 'unavailable');
    });
  }
  show(root, st);
}

/** @param {HTMLElement} root */
const controls = root => ({
  T: Number(inputOf(root, '.samp-temperature').value),
  seed: readSeed(inputOf(root, '.samp-seed').value),
});

/** The controls' values shown at once; the grid for them drawn once the decoder is free. @param {HTMLElement} root @param {any} st */
function show(root, st) {
  const { T, seed } = controls(root), error = part(root, '.samp-error');
  part(root, '.samp-t').textContent = T.toFixed(2);
  error.hidden = seed !== null;
  error.textContent = seed === null ? 'The seed is a whole number from 0 to 2147483647; the grid shows the last valid one.' : '';
  if (st.decode && seed !== null) st.redraw();
}

/** @param {HTMLElement} root @param {any} st */
async function draw(root, st) {
  const D = st.data, { T, seed } = controls(root);
  if (seed === null) return;
  const n = D.grid * D.grid, codes = sample(st.dist, D.width, n, T, seed);
  const images = await st.decode(codes, n);
  const img = /** @type {HTMLImageElement} */ (part(root, '.samp-grid'));
  paint(st.canvas, images, D.shape, 0, D.grid, D.grid, 1);
  img.src = st.canvas.toDataURL();
  img.style.width = (st.canvas.width * D.scale) + 'px';
  img.dataset.codes = JSON.stringify(Array.from(codes));
  img.dataset.temperature = String(T); img.dataset.seed = String(seed);
  part(root, '.samp-caption').textContent = `${D.caption}, temperature ${T.toFixed(2)}, seed ${seed}${D.note}`;
  if (D.prior) {
    part(root, '.samp-norms').textContent = `Code lengths: mean ${meanNorm(codes, D.width).toFixed(2)} (a ${D.width}-d standard ` +
      `Gaussian's are about ${Math.sqrt(D.width).toFixed(2)}; the temperature scales them).`;
  }
}
