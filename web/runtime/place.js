// Placing a code that is not on the map (a drawing, an upload): aeviz.latent.placement's
// method, line for line, so the page and the server put a code in the same place (within
// 1e-4, tests/test_draw.py). The code's K = 8 nearest mapped codes (Euclidean, distances
// rounded to float32 as the server's are) and the mean of their map positions weighted by
// 1 / distance^8; a code that matches mapped codes lands on the mean of their points.

export const K = 8, POWER = 8, MATCH = 1e-6;

/**
 * The k nearest of n points to a query, nearest first (exact: every point is looked at).
 * @param {ArrayLike<number>} points n points of `dim` numbers each, one after another
 * @param {ArrayLike<number>} query `dim` numbers
 * @param {number} k
 * @returns {{ index: number[], dist: number[] }} indices and Euclidean distances (float32)
 */
export function nearestK(points, query, k) {
  const dim = query.length, n = Math.floor(points.length / dim), m = Math.min(k, n);
  /** @type {number[]} */ const index = [], sq = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) { const e = points[i * dim + j] - query[j]; s += e * e; }
    if (index.length === m && s >= sq[m - 1]) continue;
    let at = index.length === m ? m - 1 : index.length;  // insertion into the sorted few
    while (at > 0 && sq[at - 1] > s) { sq[at] = sq[at - 1]; index[at] = index[at - 1]; at--; }
    sq[at] = s; index[at] = i;
  }
  return { index, dist: sq.map(s => Math.fround(Math.sqrt(s))) };
}

/**
 * placement.weights for one row: distances nearest first -> weights summing to 1.
 * @param {number[]} dist
 * @returns {number[]}
 */
export function weights(dist) {
  const last = dist[dist.length - 1], match = dist.map(d => d <= MATCH * last);
  const w = match.some(Boolean) ? match.map(Number) : dist.map(d => (dist[0] / (d > 0 ? d : 1)) ** POWER);
  const total = w.reduce((a, b) => a + b, 0);
  return w.map(v => v / total);
}

/**
 * Where a code lands: the weighted mean of its nearest mapped codes' places.
 * @param {ArrayLike<number>} codes the map's n codes, `code.length` numbers each
 * @param {ArrayLike<number>} places their n map places, x and y each
 * @param {ArrayLike<number>} code
 * @returns {{ place: [number, number], neighbours: number[] }}
 */
export function placeCode(codes, places, code, k = K) {
  const { index, dist } = nearestK(codes, code, k), w = weights(dist);
  let x = 0, y = 0;
  index.forEach((i, r) => { x += w[r] * places[2 * i]; y += w[r] * places[2 * i + 1]; });
  return { place: [x, y], neighbours: index };
}
