// The decoded atlas behind the map (Activation Atlas, Carter et al. 2019, on an autoencoder's
// map): a toggle tiles the view with the images decoded at a 40 x 40 grid of places, through
// the hover's own inverse and decoder (one batch of 1,600 each), on a canvas under the WebGL
// points, each tile faded by its distance from real data. While the camera moves, the tiles
// follow it (a CSS transform); once it rests they are decoded again for the new view.
import { decoderFor, workerDecoderFor } from '../runtime/ort.js';
import { latest } from '../runtime/latest.js';
import { painted } from '../runtime/painted.js';
import { nearestOnGrid } from '../runtime/grid.js';
import { CELLS, cellCentres, fade, tilePixels } from './tiles.js';

/** The camera rests this long (ms) before the view is decoded again. */
const REST_MS = 150;
/** Decoder outputs a call at most: 16 MB of floats (one call for 1,600 digits, a few for photos). */
const BATCH_VALUES = 1 << 22;
/**
 * Workers that decode the atlas side by side, one core each: onnxruntime-web runs one thread
 * in a page that is not cross-origin isolated (Streamlit's is not), but each worker has its own
 * runtime. The 1,600 decodes are most of the atlas's time (3 s on one core for a convolutional
 * decoder of digits).
 */
const WORKERS = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));

/**
 * Wires the Atlas toggle; the map's decoders are already loaded (the hover's).
 * @param {{ root: HTMLElement, plot: any, data: any, xy: Float32Array, staticDir: string }} m
 */
export async function wireAtlas({ root, plot, data, xy, staticDir }) {
  const button = /** @type {HTMLButtonElement} */ (root.querySelector('.amap-atlas-toggle'));
  const note = /** @type {HTMLElement} */ (root.querySelector('.amap-atlas-note'));
  const canvas = /** @type {HTMLCanvasElement} */ (root.querySelector('.amap-atlas'));
  const decode = await decoderFor(data.decoder, staticDir), inverse = await decoderFor(data.inverse, staticDir);
  const size = data.size, tiles = CELLS * CELLS, [c, h, w] = data.shape, perImage = c * h * w;
  /** @type {((x: number, y: number) => [number, number]) | null} */
  let near = null;
  let on = false, /** @type {number[] | null} */ shown = null, rest = 0;

  /** @type {Promise<import('../runtime/ort.js').Decode[]> | null} */
  let decoders = null;
  // The workers, started at the first press; where a worker cannot run the runtime, the page's
  // own decoder (the hover's) decodes every tile.
  const workers = () => decoders = decoders || Promise.all(Array.from({ length: WORKERS }, (_, k) =>
    workerDecoderFor({ ...data.decoder, id: `${data.decoder.id} atlas ${k}` }, staticDir))).catch(err => {
    console.warn('aeviz: the atlas decodes on the page\'s thread:', err);
    return [decode];
  });
  const decodeAll = async (/** @type {Float32Array} */ codes) => {
    const ways = await workers(), width = data.decoder.width, out = new Float32Array(tiles * perImage);
    const rows = Math.max(1, Math.min(Math.ceil(tiles / ways.length), Math.floor(BATCH_VALUES / perImage)));
    const batches = [];
    for (let first = 0; first < tiles; first += rows) batches.push(first);
    // each way takes the next batch as it finishes one
    await Promise.all(ways.map(async way => {
      for (let first = batches.shift(); first !== undefined; first = batches.shift()) {
        const n = Math.min(rows, tiles - first);
        out.set(await way(codes.slice(first * width, (first + n) * width), n), first * perImage);
      }
    }));
    return out;
  };

  const tile = latest(async (/** @type {{ view: number[], since: number }} */ { view, since }) => {
    if (!on) return;
    try {
      const { places, normal } = cellCentres(view, size, data.center, data.half);
      const codes = Float32Array.from(await inverse(places, tiles));
      const t1 = performance.now();
      const images = await decodeAll(codes);
      const t2 = performance.now();
      near = near || nearestOnGrid(xy);
      const alphas = new Float32Array(tiles);
      for (let k = 0; k < tiles; k++) alphas[k] = fade(Math.sqrt(near(normal[2 * k], normal[2 * k + 1])[1]) * data.half / data.spacing);
      if (!on) return;  // turned off while it decoded
      const width = Math.round(size * (window.devicePixelRatio || 1));
      const rgba = tilePixels(images, data.shape, alphas, width);
      canvas.width = canvas.height = width;
      /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).putImageData(new ImageData(rgba, width, width), 0, 0);
      shown = view; follow(plot.get('cameraView'));
      canvas.hidden = false;
      const t3 = performance.now();
      await painted();
      const t4 = performance.now();
      // for benchmarks/atlas.py: from the press (or the camera's rest) to the tiles on screen,
      // and where the time went: the inverse, the decoder, fading and tiling, the frame
      root.dataset.atlasMs = String(Math.round(t4 - since));
      root.dataset.atlasSteps = [t1 - since, t2 - t1, t3 - t2, t4 - t3].map(Math.round).join(',');
      root.dataset.atlasTiles = String(tiles);
      root.dataset.atlasDrawn = String(Number(root.dataset.atlasDrawn || 0) + 1);
    } catch (err) {
      console.warn('aeviz: the atlas could not be decoded:', err);
      turn(false);
      note.textContent = 'The atlas could not be decoded in this browser, so it is off.';
    }
  });

  // The tiles drawn for the view `shown`, moved and scaled to where the camera shows them now:
  // normalized x goes to view[0] * x + view[12] on screen (y likewise, and up).
  const follow = (/** @type {number[]} */ view) => {
    if (!shown) return;
    const kx = view[0] / shown[0], ky = view[5] / shown[5];
    const dx = (view[12] - kx * shown[12]) * size / 2, dy = -(view[13] - ky * shown[13]) * size / 2;
    canvas.style.transform = `translate(${dx}px, ${dy}px) scale(${kx}, ${ky})`;
  };
  const turn = (/** @type {boolean} */ value) => {
    on = value;
    button.classList.toggle('on', on);
    button.setAttribute('aria-pressed', String(on));
    root.dataset.atlas = on ? 'on' : 'off';
    if (!on) { canvas.hidden = true; shown = null; delete root.dataset.atlasTiles; }
  };
  button.addEventListener('click', () => {
    turn(!on);
    note.textContent = '';
    if (on) tile({ view: Array.from(plot.get('cameraView')), since: performance.now() });
  });
  plot.subscribe('view', (/** @type {{ view: ArrayLike<number> }} */ { view }) => {
    if (!on) return;
    follow(Array.from(view));
    clearTimeout(rest);
    rest = window.setTimeout(() => tile({ view: Array.from(plot.get('cameraView')), since: performance.now() }), REST_MS);
  });
  turn(false);
  button.disabled = false;
}
