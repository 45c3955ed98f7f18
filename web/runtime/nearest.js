// The nearest of n points to a query: the map's hit test and distance from real data, and
// the walk's nearest real image.

/**
 * @param {ArrayLike<number>} points n points of `dim` numbers each, one after another
 * @param {ArrayLike<number>} query `dim` numbers
 * @returns {[number, number]} the nearest point's index (-1 when there are none) and its squared distance
 */
export function nearest(points, query) {
  const dim = query.length, n = Math.floor(points.length / dim);
  let best = -1, bestDist = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) { const e = points[i * dim + j] - query[j]; s += e * e; }
    if (s < bestDist) { bestDist = s; best = i; }
  }
  return [best, bestDist];
}
