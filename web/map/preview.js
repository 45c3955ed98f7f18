// Every point at once on a plain 2D canvas, until WebGL has drawn them: where WebGL runs in
// software (a browser without a GPU), its set-up and first draw take most of a second at
// 70,000 points, and this is on screen in about a tenth of one. Same place, colour and size as
// the WebGL map's first view (its camera at rest: the map's [-1, 1] square fills the canvas);
// round dots in label colours on white.
import { pixelWord } from '../runtime/colours.js';

/** The pixels of a round dot of diameter d, as offsets from its corner. @param {number} d */
export function disc(d) {
  const r = d / 2, out = [];
  for (let dy = 0; dy < d; dy++) for (let dx = 0; dx < d; dx++)
    if ((dx + 0.5 - r) ** 2 + (dy + 0.5 - r) ** 2 <= r * r + 0.5) out.push([dx, dy]);
  return out;
}

/**
 * The preview's pixels, w x w, one RGBA word each.
 * @param {number} w
 * @param {ArrayLike<number>} xy n points, x and y in [-1, 1]
 * @param {ArrayLike<number> | null} labels
 * @param {string[]} palette
 * @param {number} d the dots' diameter, in pixels
 */
export function previewPixels(w, xy, labels, palette, d) {
  const px = new Uint32Array(w * w).fill(0xffffffff), colours = palette.map(pixelWord);
  const r = d / 2, dot = disc(d), n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    const x0 = Math.round((xy[2 * i] + 1) / 2 * w - r), y0 = Math.round((1 - xy[2 * i + 1]) / 2 * w - r);
    const colour = colours[(labels ? labels[i] : 0) % colours.length];
    for (const [dx, dy] of dot) {
      const x = x0 + dx, y = y0 + dy;
      if (x >= 0 && x < w && y >= 0 && y < w) px[y * w + x] = colour;
    }
  }
  return px;
}

/**
 * The preview canvas, put over the map's stage; the caller removes it once WebGL has drawn.
 * @param {HTMLElement} root
 * @param {number} size
 * @param {Float32Array} xy
 * @param {Uint8Array | null} labels
 * @param {string[]} palette
 * @param {number} pointSize
 */
export function preview(root, size, xy, labels, palette, pointSize) {
  root.querySelectorAll('.amap-preview').forEach(old => old.remove());  // a map this one replaces
  const dpr = window.devicePixelRatio || 1, w = Math.round(size * dpr);
  const c = document.createElement('canvas');
  c.className = 'amap-preview'; c.width = w; c.height = w;
  c.style.width = size + 'px'; c.style.height = size + 'px';
  const g = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d')), img = g.createImageData(w, w);
  new Uint32Array(img.data.buffer).set(previewPixels(w, xy, labels, palette, Math.max(1, Math.round(pointSize * dpr))));
  g.putImageData(img, 0, 0);
  /** @type {HTMLElement} */ (root.querySelector('.amap-stage')).append(c);
  return c;
}
