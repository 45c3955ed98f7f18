// Draw, and see where it lands: the drawing pad (or an upload) beside the map, encoded in the
// page by the checkpoint's encoder (ONNX), placed on the map by aeviz.latent.placement's
// method (runtime/place.js), marked there, decoded, and shown with the five real images
// nearest to where it landed. Each change of the drawing runs this once, the newest first
// (latest.js): a fast stroke skips the moves it could not keep up with.
import { decoderFor } from '../runtime/ort.js';
import { floatsOf } from '../runtime/base64.js';
import { latest } from '../runtime/latest.js';
import { part } from '../runtime/mount.js';
import { paint } from '../runtime/paint.js';
import { nearestK, placeCode } from '../runtime/place.js';
import { fitInk } from '../draw/ink.js';
import { makePad, SIDE } from '../draw/pad.js';
import { toScreen } from './camera.js';

/** Real images shown beside a drawing: the nearest map points to where it landed, as `aeviz locate` lists them. */
export const NEAREST = 5;

/**
 * @param {{ st: any, root: HTMLElement, plot: any, data: any, xy: Float32Array, labels: Uint8Array | null,
 *           staticDir: string, decode: import('../runtime/ort.js').Decode }} m
 */
export async function wireDrawing({ st, root, plot, data, xy, labels, staticDir, decode }) {
  const box = part(root, '.adraw'), mark = part(root, '.amap-mark'), text = part(root, '.adraw-text');
  const recon = /** @type {HTMLCanvasElement} */ (part(root, '.adraw-recon'));
  const near = /** @type {HTMLCanvasElement[]} */ ([...root.querySelectorAll('.adraw-near canvas')]);
  const [c, h, w] = data.shape, codes = floatsOf(data.codes), frame = data.drawing;
  const encode = await decoderFor(data.encoder, staticDir);
  const said = (/** @type {string} */ s) => { text.textContent = s; };
  // The reconstruction and the nearest images show once there is a drawing: empty frames
  // before it read as something that failed to load.
  const results = /** @type {HTMLElement[]} */ ([...box.querySelectorAll('.adraw-result')]);
  const showResults = (/** @type {boolean} */ shown) => results.forEach(e => { e.hidden = !shown; });
  const pad = makePad(box, { darkInk: frame.dark_ink, canDraw: frame.pad, changed: () => update(performance.now()), said });
  box.querySelectorAll('.adraw-pen-only').forEach(e => { /** @type {HTMLElement} */ (e).hidden = !frame.pad; });
  box.hidden = false;
  /** @type {number[] | null} */
  let landed = null;
  const showMark = () => {
    if (!landed) { mark.hidden = true; return; }
    const [sx, sy] = toScreen(plot.get('cameraView'), data.size, landed[0], landed[1]);
    mark.hidden = sx < 0 || sy < 0 || sx > data.size || sy > data.size;
    mark.style.left = `${sx}px`; mark.style.top = `${sy}px`;
  };
  plot.subscribe('view', showMark);

  /** The model's input, (C, H, W) flat, or null when there is nothing to place. */
  const input = () => {
    if (frame.pad) {
      const ink = fitInk(pad.ink(), SIDE, h, w, frame.fit);
      if (!ink.some(v => v > 0)) return null;
      return frame.dark_ink ? ink.map(v => 1 - v) : ink;
    }
    const photo = pad.photo();
    return photo ? planes(photo, c, h, w) : null;
  };
  const update = latest(async (/** @type {number} */ since) => {
    const x = input();
    if (!x) {
      landed = null; showMark(); st.drawn = null; showResults(false);
      said(frame.pad ? 'Draw with the mouse: the drawing lands on the map.' : 'Upload an image: it lands on the map.');
      return;
    }
    const code = await encode(x, 1);
    const { place: [nx, ny] } = placeCode(codes, xy, code);
    paint(recon, await decode(Float32Array.from(code), 1), data.shape);
    const nearest = nearestK(xy, [nx, ny], NEAREST).index;
    near.forEach((cv, r) => thumbnail(cv, st.atlas, st.thumbnails, data, nearest[r]));
    showResults(true);
    landed = [nx, ny]; showMark();
    const position = [data.center[0] + nx * data.half, data.center[1] + ny * data.half];
    const names = nearest.map(i => labels && data.classes ? data.classes[labels[i]] : `#${i}`);
    said(`lands at (${position[0].toFixed(2)}, ${position[1].toFixed(2)}); the ${NEAREST} nearest images there: ${names.join(', ')}`);
    st.drawn = { input: Array.from(x), code: Array.from(code), position, nearest };
    root.dataset.drawUpdates = String(Number(root.dataset.drawUpdates || 0) + 1);
    const ms = performance.now() - since;
    root.dataset.drawMs = String(Math.round(ms));
    (st.drawTimes ||= []).push(ms);  // change -> painted, each update's (benchmarks/draw_rate.py)
  });
  update(performance.now());
}

/**
 * An upload at the model's size, cropped to its shape from the centre, as (C, H, W) in [0, 1]
 * (one channel: Rec. 601 grey, as the server reads an upload).
 * @param {ImageBitmap} photo @param {number} c @param {number} h @param {number} w
 */
function planes(photo, c, h, w) {
  const cv = document.createElement('canvas');
  cv.width = w; cv.height = h;
  const g = /** @type {CanvasRenderingContext2D} */ (cv.getContext('2d'));
  const k = Math.max(w / photo.width, h / photo.height);
  g.drawImage(photo, (w - photo.width * k) / 2, (h - photo.height * k) / 2, photo.width * k, photo.height * k);
  const rgba = g.getImageData(0, 0, w, h).data, out = new Float32Array(c * h * w);
  for (let i = 0; i < h * w; i++) {
    const r = rgba[4 * i] / 255, gr = rgba[4 * i + 1] / 255, b = rgba[4 * i + 2] / 255;
    if (c === 1) out[i] = 0.299 * r + 0.587 * gr + 0.114 * b;
    else { out[i] = r; out[h * w + i] = gr; out[2 * h * w + i] = b; }
  }
  return out;
}

/**
 * Image i of the split, from the map's sprite atlas; beyond it, fetched from the server where
 * there is one (thumbnails.js), blank until it comes, and where none can be had.
 * @param {HTMLCanvasElement} cv @param {HTMLImageElement} atlas
 * @param {import('./thumbnails.js').Thumbnails<ImageBitmap> | null} thumbs
 * @param {any} data @param {number | undefined} i
 */
function thumbnail(cv, atlas, thumbs, data, i) {
  const [, h, w] = data.shape;
  cv.width = w; cv.height = h;
  const g = /** @type {CanvasRenderingContext2D} */ (cv.getContext('2d'));
  g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
  const index = cv.dataset.index = i === undefined ? '' : String(i);
  if (i === undefined) return;
  if (i < data.atlas.count && atlas.complete && atlas.naturalWidth > 0) {
    g.drawImage(atlas, (i % data.atlas.cols) * w, Math.floor(i / data.atlas.cols) * h, w, h, 0, 0, w, h);
  } else thumbs?.get(i).then(image => {  // past the atlas, or before it has come
    if (image && cv.dataset.index === index) g.drawImage(image, 0, 0, w, h);  // not if the drawing has moved on
  });
}
