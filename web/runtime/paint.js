// Painting decoded images (C, H, W) in [0, 1] into a canvas, rounded as
// aeviz.images.to_uint8 rounds.

/**
 * The RGBA pixels of `rows` x `cols` images from `data`, starting at image `first`, with a
 * `gap`-pixel white gap between them. A one-channel image is drawn grey.
 * @param {ArrayLike<number>} data
 * @param {number[]} shape [channels, height, width]
 * @returns {{ width: number, height: number, rgba: Uint8ClampedArray<ArrayBuffer> }}
 */
export function pixels(data, shape, first = 0, rows = 1, cols = 1, gap = 0) {
  const [c, h, w] = shape, hw = h * w;
  const width = cols * w + (cols - 1) * gap, height = rows * h + (rows - 1) * gap;
  const rgba = new Uint8ClampedArray(4 * width * height).fill(255);
  for (let k = 0; k < rows * cols; k++) {
    const base = (first + k) * c * hw, ox = (k % cols) * (w + gap), oy = Math.floor(k / cols) * (h + gap);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = y * w + x, o = 4 * ((oy + y) * width + ox + x);
      for (let ch = 0; ch < 3; ch++) {
        const v = data[base + (c === 3 ? ch * hw : 0) + i];
        rgba[o + ch] = Math.floor(Math.min(1, Math.max(0, v)) * 255 + 0.5);
      }
    }
  }
  return { width, height, rgba };
}

/**
 * Draws images into `canvas` (resized to fit them); see pixels().
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} data
 * @param {number[]} shape
 */
export function paint(canvas, data, shape, first = 0, rows = 1, cols = 1, gap = 0) {
  const { width, height, rgba } = pixels(data, shape, first, rows, cols, gap);
  canvas.width = width; canvas.height = height;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  ctx.putImageData(new ImageData(rgba, width, height), 0, 0);
  return canvas;
}
