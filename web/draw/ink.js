// A drawing as the model's input: the ink of the pad, scaled so its larger side spans the
// share of the image that the split's own images' ink spans (`fit`, measured on the split by
// aeviz.browser_runtime.drawing_frame: 0.71 for MNIST, whose digits sit in a 20 x 20 box
// of 28), and moved so its centre of mass is the image's centre, as MNIST's were made. A
// user draws at any size and anywhere on the pad; the encoder sees a digit where digits are.

/** Pad pixels fainter than this are not ink when the drawing's box is found. */
export const FAINT = 0.05;

/**
 * @param {ArrayLike<number>} pad s x s ink in [0, 1], row by row
 * @param {number} s the pad's side
 * @param {number} h @param {number} w the image's size
 * @param {number} fit the share of the image the ink's larger side spans
 * @returns {Float32Array} h x w ink in [0, 1] (all 0 when the pad is empty)
 */
export function fitInk(pad, s, h, w, fit) {
  let x0 = s, y0 = s, x1 = -1, y1 = -1, mass = 0, mx = 0, my = 0;
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) {
    const v = pad[y * s + x];
    if (v > FAINT) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
  }
  const out = new Float32Array(h * w);
  if (x1 < 0 || mass <= 0) return out;
  const scale = Math.min(fit * w / (x1 - x0 + 1), fit * h / (y1 - y0 + 1));  // image pixels per pad pixel
  const cx = mx / mass, cy = my / mass;
  // Each pad pixel is a square of side `scale` in the image; its ink is shared among the
  // image pixels it covers by the area it covers (an exact box filter, at any scale).
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) {
    const v = pad[y * s + x];
    if (v <= 0) continue;
    const u0 = (x - cx) * scale + w / 2, v0 = (y - cy) * scale + h / 2;
    for (let i = Math.max(0, Math.floor(v0)); i < Math.min(h, Math.ceil(v0 + scale)); i++) {
      const dy = Math.min(i + 1, v0 + scale) - Math.max(i, v0);
      for (let j = Math.max(0, Math.floor(u0)); j < Math.min(w, Math.ceil(u0 + scale)); j++) {
        const dx = Math.min(j + 1, u0 + scale) - Math.max(j, u0);
        out[i * w + j] += v * dx * dy;
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, out[i]);
  return out;
}

/**
 * An upload's pixels as pad ink: grey (Rec. 601 luma, as PIL's "L"), turned over when its
 * background (the median of its border) is light, so ink is what stands out from it.
 * @param {ArrayLike<number>} rgba s x s RGBA bytes
 * @param {number} s
 * @returns {Float32Array} s x s ink in [0, 1]
 */
export function inkOf(rgba, s) {
  const grey = new Float32Array(s * s), border = [];
  for (let i = 0; i < s * s; i++) grey[i] = (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) / 255;
  for (let k = 0; k < s; k++) border.push(grey[k], grey[(s - 1) * s + k], grey[k * s], grey[k * s + s - 1]);
  border.sort((a, b) => a - b);
  if (border[border.length >> 1] > 0.5) for (let i = 0; i < grey.length; i++) grey[i] = 1 - grey[i];
  return grey;
}
