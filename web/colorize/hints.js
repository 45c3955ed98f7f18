// Hints as the contract places them (aeviz.models.colorizer.hint_tensor): a hint is
// (x, y, "#rrggbb") in the full photo's pixels (x right, y down); at the model's working
// size it marks ONE pixel, column min(ww - 1, floor(x * ww / W)), row min(hh - 1,
// floor(y * hh / H)), with a / 110, b / 110 and a mask of 1; a later hint on a pixel wins.
import { rgbToLab, hexRgb } from './lab.js';

export const AB_SCALE = 110;

/** @typedef {{ x: number, y: number, color: string }} Hint */

/**
 * The working-size pixel [column, row] of full-image pixel (x, y).
 * @param {number} x @param {number} y
 * @param {{ W: number, H: number, ww: number, hh: number }} size
 * @returns {[number, number]}
 */
export function hintPixel(x, y, { W, H, ww, hh }) {
  // x * ww / W of whole numbers: the quotient is exact or at least 1 / W from a whole number,
  // so floor() of the rounded float is floor() of the true quotient, as in Python.
  return [Math.min(ww - 1, Math.floor(x * ww / W)), Math.min(hh - 1, Math.floor(y * hh / H))];
}

/**
 * The model's "hints" input, (3, hh, ww) as one array.
 * @param {Hint[]} hints
 * @param {{ W: number, H: number, ww: number, hh: number }} size
 */
export function hintTensor(hints, size) {
  const plane = size.ww * size.hh, out = new Float32Array(3 * plane);
  for (const h of hints) {
    const [col, row] = hintPixel(h.x, h.y, size), [r, g, b] = hexRgb(h.color), lab = rgbToLab(r / 255, g / 255, b / 255);
    const i = row * size.ww + col;
    out[i] = lab[1] / AB_SCALE; out[plane + i] = lab[2] / AB_SCALE; out[2 * plane + i] = 1;
  }
  return out;
}

/**
 * The full-image pixel under a point of the shown picture (CSS pixels from its top left),
 * clamped into the photo.
 * @param {number} px @param {number} py
 * @param {{ width: number, height: number }} shown the picture's CSS size
 * @param {{ W: number, H: number }} size
 * @returns {[number, number]}
 */
export function imagePixel(px, py, shown, { W, H }) {
  const clamp = (/** @type {number} */ v, /** @type {number} */ n) => Math.min(n - 1, Math.max(0, Math.floor(v)));
  return [clamp(px * W / shown.width, W), clamp(py * H / shown.height, H)];
}

/**
 * Hints as the page sends them to the server: [[x, y, "#rrggbb"], ...].
 * @param {Hint[]} hints
 */
export const hintEvent = hints => hints.map(h => [h.x, h.y, h.color]);

/**
 * Whether the model is steered (a hint, or a reference's palette): its strength then is the
 * steered one (aeviz.models.colorizer.default_strength).
 * @param {Hint[]} hints @param {ArrayLike<number>} palette
 */
export const steered = (hints, palette) => hints.length > 0 || Array.prototype.some.call(palette, (/** @type {number} */ v) => v !== 0);
