// sRGB <-> CIE Lab (D65) as aeviz.color does it (kornia's conversions: the same matrices,
// thresholds and white point), so a hint's color means the same in the page as on the server,
// and a composed preview pixel is the server's to within one level of 255.

const WHITE = [0.95047, 1.0, 1.08883];
const TO_XYZ = [0.412453, 0.357580, 0.180423, 0.212671, 0.715160, 0.072169, 0.019334, 0.119193, 0.950227];
const TO_RGB = [3.2404813432005266, -1.5371515162713185, -0.4985363261688878,
  -0.9692549499965682, 1.8759900014898907, 0.0415559265582928,
  0.0556466391351772, -0.2040413383665112, 1.0573110696453443];

/** sRGB in [0, 1] -> linear. @param {number} v */
const linear = v => v > 0.04045 ? Math.pow(Math.max(v + 0.055, 0) / 1.055, 2.4) : v / 12.92;
/** Lab's f(t). @param {number} t */
const f = t => t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 4 / 29;
/** Lab's f inverse. @param {number} t */
export const finv = t => t > 0.2068966 ? t * t * t : (t - 4 / 29) / 7.787;
/** linear -> sRGB in [0, 1], clipped. @param {number} v */
export const srgb = v => Math.min(1, Math.max(0, v > 0.0031308 ? 1.055 * Math.pow(v, 1 / 2.4) - 0.055 : 12.92 * v));

/**
 * r, g, b in [0, 1] -> [L, a, b] (aeviz.color.rgb_to_lab of one pixel).
 * @param {number} r @param {number} g @param {number} b
 * @returns {[number, number, number]}
 */
export function rgbToLab(r, g, b) {
  const lin = [linear(r), linear(g), linear(b)], M = TO_XYZ;
  const [x, y, z] = [0, 1, 2].map(i => f((M[3 * i] * lin[0] + M[3 * i + 1] * lin[1] + M[3 * i + 2] * lin[2]) / WHITE[i]));
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/**
 * L, a, b -> [r, g, b] in [0, 1], clipped (aeviz.color.lab_to_rgb of one pixel).
 * @param {number} L @param {number} a @param {number} b
 * @returns {[number, number, number]}
 */
export function labToRgb(L, a, b) {
  const fy = (L + 16) / 116;
  const xyz = [finv(a / 500 + fy) * WHITE[0], finv(fy), finv(Math.max(0, fy - b / 200)) * WHITE[2]], M = TO_RGB;
  return /** @type {[number, number, number]} */ ([0, 1, 2].map(i => srgb(M[3 * i] * xyz[0] + M[3 * i + 1] * xyz[1] + M[3 * i + 2] * xyz[2])));
}

/** The XYZ -> linear RGB matrix, for compose.js's unrolled loop. */
export { TO_RGB, WHITE };

/** "#rrggbb" -> [r, g, b] in 0..255. @param {string} hex @returns {[number, number, number]} */
export function hexRgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** [r, g, b] in 0..255 -> "#rrggbb". @param {ArrayLike<number>} rgb */
export const rgbHex = rgb => '#' + [0, 1, 2].map(i => Math.round(rgb[i]).toString(16).padStart(2, '0')).join('');
