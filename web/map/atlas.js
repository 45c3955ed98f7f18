// The decoded atlas behind the map (Activation Atlas, Carter et al. 2019, on an autoencoder's
// map): a toggle tiles the view with the images decoded at a 40 x 40 grid of places, through
// the hover's own graphs (the inverse in one batch on the page's thread, the decoder in
// workers), on a canvas under the WebGL points, each tile faded by its distance from real data.
// While the camera moves, the tiles follow it (a CSS transform); once it rests, the new view
// is tiled, keeping the tiles whose places are still in view (a pan) and decoding the others.
import { decoderFor, workerDecoderFor } from '../runtime/ort.js';
import { latest } from '../runtime/latest.js';
import { painted } from '../runtime/painted.js';
import { nearestOnGrid } from '../runtime/grid.js';
import { CELLS, cellCentres, snapped, fade, paintTile } from './tiles.js';

/** The camera rests this long (ms) before the view is decoded again. */
const REST_MS = 150;
/** Tiles a call: the first tiles are on screen after one call, and a worker's tensors stay small. */
const BATCH = 100;
/** Decoder outputs a call at most: 16 MB of floats (fewer tiles a call for photos). */
const BATCH_VALUES = 1 << 22;
/**
 * Workers that decode the atlas side by side, one core each: onnxruntime-web runs one thread
 * in a page that is not cross-origin isolated (Streamlit's is not), but each worker has its own
 * runtime. The 1,600 decodes are most of the atlas's time (3 s on one core for a convolutional
 * decoder of digits).
 */
const WORKERS = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
/** Wirings so far: a map drawn anew in the same element (another checkpoint) wires it again. */
let wirings = 0;

/**
 * Wires the atlas toggle; the map's decoders are already loaded (the hover's).
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
  let on = false, /** @type {number[] | null} */ shown = null, rest = 0, wanted = 0;
  const wiring = String(++wirings);
  root.dataset.atlasWiring = wiring;

  /** @type {Promise<import('../runtime/ort.js').Decode[]> | null} */
  let decoders = null;
  // The workers, started when the pointer comes to the toggle; where a worker cannot run the
  // runtime, the page's own decoder (the hover's) decodes every tile.
  const workers = () => decoders = decoders || Promise.all(Array.from({ length: WORKERS }, (_, k) =>
    workerDecoderFor({ ...data.decoder, id: `${data.decoder.id} atlas ${k}` }, staticDir))).catch(err => {
    console.warn('aeviz: the atlas decodes on the page\'s thread:', err);
    return [decode];
  });
  /**
   * Decodes codes in batches, each way taking the next batch as it finishes one;
   * each(first, n, images) as each batch comes. Stops early once `going()` is false.
   * @param {Float32Array} codes @param {() => boolean} going
   * @param {(first: number, n: number, images: Float32Array) => void} each
   */
  const decodeAll = async (codes, going, each) => {
    const ways = await workers(), width = data.decoder.width, count = codes.length / width;
    const rows = Math.max(1, Math.min(BATCH, Math.floor(BATCH_VALUES / perImage)));
    let next = 0;
    await Promise.all(ways.map(async way => {
      while (next < count && going()) {
        const first = next, n = Math.min(rows, count - first);
        next += n;
        each(first, n, await way(codes.slice(first * width, (first + n) * width), n));
      }
    }));
  };
  const put = (/** @type {Uint8ClampedArray<ArrayBuffer>} */ rgba, /** @type {number} */ width, /** @type {number[]} */ view) => {
    if (canvas.width !== width) canvas.width = canvas.height = width;
    /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).putImageData(new ImageData(rgba, width, width), 0, 0);
    shown = view; follow(Array.from(plot.get('cameraView')));
    canvas.hidden = false;
  };

  /** The images of the last view's tiles by key (see snapped), where they fit in 32 MB: a pan finds them. */
  let had = new Map();
  const keep = tiles * perImage <= 1 << 23;

  /**
   * The view's tiles: their pixels, how many were decoded (the others were had), when the
   * inverse was done, and when the first tiles were on screen (0 when none were shown before
   * the end); null once `going()` is false.
   * @param {{ view: number[], keys: string[] }} at @param {number} width @param {() => boolean} going
   */
  const tileView = async ({ view, keys }, width, going) => {
    const { places, normal } = cellCentres(view, size, data.center, data.half);
    near = near || nearestOnGrid(xy);
    const alphas = new Float32Array(tiles);
    for (let k = 0; k < tiles; k++) alphas[k] = fade(Math.sqrt(near(normal[2 * k], normal[2 * k + 1])[1]) * data.half / data.spacing);
    const rgba = new Uint8ClampedArray(4 * width * width), now = new Map();
    const paint = (/** @type {number} */ k, /** @type {Float32Array} */ image) => {
      paintTile(rgba, width, image, 0, data.shape, k, alphas[k]);
      if (keep) now.set(keys[k], image);
    };
    /** @type {number[]} */
    const wanting = [];
    for (let k = 0; k < tiles; k++) { const image = had.get(keys[k]); if (image) paint(k, image); else wanting.push(k); }
    // the tiles on the data first: where the user looks, and the first to show on an empty map
    const order = wanting.sort((a, b) => alphas[b] - alphas[a]);
    const codes = order.length ? Float32Array.from(await inverse(Float32Array.from(order.flatMap(k => [places[2 * k], places[2 * k + 1]])), order.length)) : null;
    const inverted = performance.now();
    const fresh = !shown;  // nothing on screen yet: the tiles show as they come (else the old ones stay till the end)
    let first = 0;
    if (codes) await decodeAll(codes, going, (start, n, images) => {
      for (let i = 0; i < n; i++) paint(order[start + i], images.subarray(i * perImage, (i + 1) * perImage));
      if (fresh && going()) { put(rgba, width, view); first = first || performance.now(); }
    });
    if (!going()) return null;
    had = now;
    return { rgba, decoded: order.length, inverted, first };
  };

  const tile = latest(async (/** @type {{ at: { view: number[], keys: string[] }, since: number, id: number }} */ { at, since, id }) => {
    // not turned off, no newer view asked for, the map it was asked of still the one shown
    const going = () => on && id === wanted && root.dataset.atlasWiring === wiring;
    if (!going()) return;
    try {
      const width = Math.round(size * (window.devicePixelRatio || 1));
      const made = await tileView(at, width, going);
      if (!made) return;
      const t2 = performance.now();
      put(made.rgba, width, at.view);
      const t3 = performance.now();
      await painted();
      const t4 = performance.now();
      // for benchmarks/atlas.py: from the press (or the camera's rest) to the 1,600 tiles on
      // screen, and where the time went: cells, fading and the inverse; the decoder in the
      // workers and the tiling; putting the pixels; the frame
      root.dataset.atlasMs = String(Math.round(t4 - since));
      root.dataset.atlasFirstMs = String(Math.round((made.first || t3) - since));
      root.dataset.atlasSteps = [made.inverted - since, t2 - made.inverted, t3 - t2, t4 - t3].map(Math.round).join(',');
      root.dataset.atlasDecoded = String(made.decoded);
      root.dataset.atlasTiles = String(tiles);
      root.dataset.atlasDrawn = String(Number(root.dataset.atlasDrawn || 0) + 1);
    } catch (err) {
      if (root.dataset.atlasWiring !== wiring) return;  // another map's now
      console.warn('aeviz: the atlas could not be decoded:', err);
      turn(false);
      note.textContent = 'The atlas could not be decoded in this browser, so it is off.';
    }
  });
  // Snapped to the lattice of its zoom (the tiles then sit up to half a cell off the camera, which
  // follow() puts right): a pan by whole cells finds most tiles it had.
  const retile = () => tile({ at: snapped(plot.get('cameraView')), since: performance.now(), id: ++wanted });

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
  // The workers start while the pointer travels to the toggle, or the keyboard's focus reaches
  // it. Handlers are set, not added: a map drawn anew in this element replaces them.
  button.onpointerenter = button.onfocus = workers;
  button.onclick = () => {
    turn(!on);
    note.textContent = '';
    if (on) retile();
  };
  plot.subscribe('view', (/** @type {{ view: ArrayLike<number> }} */ { view }) => {
    if (!on) return;
    follow(Array.from(view));
    clearTimeout(rest);
    rest = window.setTimeout(retile, REST_MS);
  });
  turn(false);
  button.disabled = false;
}
