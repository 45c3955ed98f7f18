// The static explorer's path from pin A to pin B: straight, in the code and on the map.

/**
 * @param {Float32Array} a
 * @param {Float32Array} b
 * @param {number} n points along the path, the ends included
 * @returns {Float32Array} n codes, one after another
 */
export function lerpCodes(a, b, n) {
  const d = a.length, out = new Float32Array(n * d);
  for (let k = 0; k < n; k++) {
    const t = k / (n - 1);
    for (let j = 0; j < d; j++) out[k * d + j] = a[j] + t * (b[j] - a[j]);
  }
  return out;
}

/** @param {number[]} a @param {number[]} b @param {number} n @returns {number[][]} */
export const lerpPlaces = (a, b, n) => Array.from({ length: n }, (_, k) => {
  const t = k / (n - 1);
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
});

/** @param {ArrayLike<number>} xy points, x and y one after another @returns {number[]} [x0, x1, y0, y1] */
export function bounds(xy) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    x0 = Math.min(x0, xy[i]); x1 = Math.max(x1, xy[i]); y0 = Math.min(y0, xy[i + 1]); y1 = Math.max(y1, xy[i + 1]);
  }
  return [x0, x1, y0, y1];
}
