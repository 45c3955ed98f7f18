// The decoded atlas's pure parts: where its cells are on the map, how much each fades with its
// distance from real data, and the pixels of the tiled images, each shrunk into its cell.
import { toData } from './camera.js';

/** Tiles a side: 40 x 40 cells cover the view. */
export const CELLS = 40;
/** A tile this close to real data (in typical spacings) is drawn fully; farther, it fades... */
export const NEAR = 1;
/** ...down to FLOOR at this distance: the hover calls a decoded place this far an extrapolation. */
export const FAR = 12;
/** Faint, not gone: what the decoder makes out there is still shown, for what it is. */
export const FLOOR = 0.12;

/**
 * The centres of a cells x cells grid over the canvas, row by row from the top left, as the
 * camera `view` shows them: on the map (what the inverse takes) and normalized (what the
 * points were sent as, for the distance to them).
 * @param {ArrayLike<number>} view the camera's view matrix
 * @param {number} size the canvas's side, in CSS pixels
 * @param {number[]} center @param {number} half the map's frame (see toData)
 * @returns {{ places: Float32Array, normal: Float32Array }} 2 numbers a cell each
 */
export function cellCentres(view, size, center, half, cells = CELLS) {
  const places = new Float32Array(2 * cells * cells), normal = new Float32Array(2 * cells * cells);
  for (let r = 0; r < cells; r++) for (let c = 0; c < cells; c++) {
    const k = 2 * (r * cells + c), step = size / cells;
    const [x, y, nx, ny] = toData(view, size, center, half, (c + 0.5) * step, (r + 0.5) * step);
    places[k] = x; places[k + 1] = y; normal[k] = nx; normal[k + 1] = ny;
  }
  return { places, normal };
}

/**
 * The view moved by less than half a cell so that its cells sit on a lattice of the map that
 * is fixed for its zoom: after a pan by whole cells, a cell finds the place another cell had.
 * Its cells' keys name those places: the same key, the same place.
 * @param {ArrayLike<number>} view the camera's view matrix (translation in device coordinates, view[12] and view[13])
 * @returns {{ view: number[], keys: string[] }} the snapped view, and its cells' keys, row by row from the top left
 */
export function snapped(view, cells = CELLS) {
  const step = 2 / cells, kx = Math.round(view[12] / step), ky = Math.round(view[13] / step), out = Array.from(view);
  out[12] = kx * step; out[13] = ky * step;
  // Cell (r, c) is at x = (-1 + (c + 0.5) * step - view[12]) / view[0] on the map (toData):
  // moving the view by kx cells is c - kx; y likewise, and up.
  const keys = Array.from({ length: cells * cells }, (_, k) => `${view[0]} ${view[5]} ${k % cells - kx} ${Math.floor(k / cells) + ky}`);
  return { view: out, keys };
}

/**
 * A tile's opacity at `spacings` typical spacings from the nearest real point: 1 up to NEAR,
 * falling linearly to FLOOR at FAR, FLOOR beyond.
 * @param {number} spacings
 */
export function fade(spacings) {
  if (!(spacings > NEAR)) return 1;
  return Math.max(FLOOR, 1 - (1 - FLOOR) * (spacings - NEAR) / (FAR - NEAR));
}

/**
 * The RGBA pixels of a width x width canvas tiled with cells x cells images (C, H, W) in
 * [0, 1], row by row from the top left, each with its cell's opacity; see paintTile.
 * @param {ArrayLike<number>} images cells * cells images, one after another
 * @param {number[]} shape [channels, height, width]
 * @param {ArrayLike<number>} alphas each cell's opacity in [0, 1]
 * @param {number} width the canvas's side, in its own pixels
 * @returns {Uint8ClampedArray<ArrayBuffer>}
 */
export function tilePixels(images, shape, alphas, width, cells = CELLS) {
  const rgba = new Uint8ClampedArray(4 * width * width);
  for (let k = 0; k < cells * cells; k++) paintTile(rgba, width, images, k, shape, k, alphas[k], cells);
  return rgba;
}

/**
 * Paints image number `index` of `images` (C, H, W each, in [0, 1]) into cell `cell` (row by
 * row from the top left) of a width x width RGBA canvas cut into cells x cells, averaged down
 * (or repeated up) to the cell's size, with opacity `alpha`; a one-channel image is drawn grey.
 * Values round as paint.js's. Cells take whole pixels, their edges rounded, so none is left blank.
 * @param {Uint8ClampedArray} rgba @param {number} width
 * @param {ArrayLike<number>} images @param {number} index @param {number[]} shape
 * @param {number} cell @param {number} alpha
 */
export function paintTile(rgba, width, images, index, shape, cell, alpha, cells = CELLS) {
  const [c, h, w] = shape, hw = h * w, r = Math.floor(cell / cells), q = cell % cells;
  const edge = (/** @type {number} */ k) => Math.round(k * width / cells);
  const x0 = edge(q), y0 = edge(r), tw = edge(q + 1) - x0, th = edge(r + 1) - y0;
  const base = index * c * hw, opacity = Math.round(255 * alpha);
  for (let py = 0; py < th; py++) {
    // the source rows and columns this pixel covers: at least one
    const sy0 = Math.floor(py * h / th), sy1 = Math.max(sy0 + 1, Math.floor((py + 1) * h / th));
    for (let px = 0; px < tw; px++) {
      const sx0 = Math.floor(px * w / tw), sx1 = Math.max(sx0 + 1, Math.floor((px + 1) * w / tw));
      const o = 4 * ((y0 + py) * width + x0 + px), count = (sy1 - sy0) * (sx1 - sx0);
      for (let ch = 0; ch < (c === 3 ? 3 : 1); ch++) {
        const plane = base + ch * hw;
        let sum = 0;
        for (let sy = sy0; sy < sy1; sy++) for (let sx = sx0; sx < sx1; sx++)
          sum += Math.min(1, Math.max(0, images[plane + sy * w + sx]));
        rgba[o + ch] = Math.floor(sum / count * 255 + 0.5);
      }
      if (c !== 3) rgba[o + 1] = rgba[o + 2] = rgba[o];
      rgba[o + 3] = opacity;
    }
  }
}
