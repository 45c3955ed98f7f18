// The preview: the model's a and b (at its working size) upsampled bilinearly to the
// canvas's device pixels and put with the photo's lightness there, Lab -> sRGB, as the
// server composes the download at full size (aeviz.models.colorizer.Colorizer.reconstruct):
// the same bilinear rule (align_corners=False), the same Lab conversion (lab.js), rounded
// as aeviz.images.to_uint8 rounds, to within one level of 255 (the sRGB curve is a table).
import { finv, srgb, TO_RGB, WHITE } from './lab.js';  // compose() inlines finv: it runs per pixel

const GAMMA_STEPS = 65535;
/** Linear light in [0, 1], in GAMMA_STEPS steps -> the sRGB byte. */
const GAMMA = Uint8Array.from({ length: GAMMA_STEPS + 1 }, (_, i) => Math.floor(srgb(i / GAMMA_STEPS) * 255 + 0.5));

/**
 * Where each of `out` samples reads from `size` ones, as torch's bilinear interpolation with
 * align_corners=False: the two source indices and the second one's weight.
 * @param {number} out @param {number} size
 */
export function bilinearTaps(out, size) {
  const lo = new Int32Array(out), hi = new Int32Array(out), w = new Float32Array(out), scale = size / out;
  for (let i = 0; i < out; i++) {
    const src = Math.max(0, (i + 0.5) * scale - 0.5), i0 = Math.min(Math.floor(src), size - 1);
    lo[i] = i0; hi[i] = Math.min(i0 + 1, size - 1); w[i] = src - i0;
  }
  return { lo, hi, w };
}

/**
 * What compose() needs of the lightness, computed once per picture: Lab's fy and Y per pixel.
 * @param {ArrayLike<number>} L lightness in [0, 100], one per device pixel
 */
export function lightness(L) {
  const fy = new Float32Array(L.length), Y = new Float32Array(L.length);
  for (let i = 0; i < L.length; i++) { fy[i] = (L[i] + 16) / 116; Y[i] = finv(fy[i]); }
  return { fy, Y };
}

/**
 * Writes the composed picture into rgba (width * height * 4 bytes).
 * @param {{ fy: Float32Array, Y: Float32Array }} light lightness() of the width x height picture
 * @param {number} width @param {number} height
 * @param {ArrayLike<number>} ab the model's output, (2, hh, ww): (a, b) / 110
 * @param {number} ww @param {number} hh
 * @param {number} strength how much of the guess is painted
 * @param {Uint8ClampedArray} rgba
 */
export function compose(light, width, height, ab, ww, hh, strength, rgba) {
  const cols = bilinearTaps(width, ww), rows = bilinearTaps(height, hh), plane = ww * hh;
  // Separable: each source row is interpolated along x once (hh rows of width), then each
  // pixel needs only the two rows above and below it.
  const across = new Float32Array(2 * hh * width);
  for (let c = 0; c < 2; c++) for (let r = 0; r < hh; r++) {
    const src = c * plane + r * ww, dst = (c * hh + r) * width;
    for (let x = 0; x < width; x++) {
      const wc = cols.w[x];
      across[dst + x] = (1 - wc) * ab[src + cols.lo[x]] + wc * ab[src + cols.hi[x]];
    }
  }
  const ka = 110 * strength / 500, kb = 110 * strength / 200, { fy, Y } = light, bPlane = hh * width;
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = TO_RGB, wx = WHITE[0], wz = WHITE[2];
  const byte = (/** @type {number} */ v) => GAMMA[v <= 0 ? 0 : v >= 1 ? GAMMA_STEPS : (v * GAMMA_STEPS + 0.5) | 0];
  for (let y = 0; y < height; y++) {
    const r0 = rows.lo[y] * width, r1 = rows.hi[y] * width, wy = rows.w[y], vy = 1 - wy;
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const a = vy * across[r0 + x] + wy * across[r1 + x], b = vy * across[bPlane + r0 + x] + wy * across[bPlane + r1 + x];
      const f = fy[i], fx = a * ka + f, fz = f - b * kb;
      const X = (fx > 0.2068966 ? fx * fx * fx : (fx - 4 / 29) / 7.787) * wx, Yi = Y[i];
      const Z = fz > 0.2068966 ? fz * fz * fz * wz : fz > 0 ? (fz - 4 / 29) / 7.787 * wz : (-4 / 29) / 7.787 * wz;
      const o = 4 * i;
      rgba[o] = byte(m0 * X + m1 * Yi + m2 * Z);
      rgba[o + 1] = byte(m3 * X + m4 * Yi + m5 * Z);
      rgba[o + 2] = byte(m6 * X + m7 * Yi + m8 * Z);
      rgba[o + 3] = 255;
    }
  }
  return rgba;
}
