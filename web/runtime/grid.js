// The nearest of many 2D points to many queries: the points bucketed once into a square grid
// of about two points a cell, each query searching rings of cells outward until no farther
// ring can hold a nearer point. The decoded atlas asks this for 1,600 tiles at a time, where
// nearest.js's scan of 60,000 points for each would take most of its second.

/**
 * @param {ArrayLike<number>} points n 2D points, x and y one after another
 * @returns {(x: number, y: number) => [number, number]} the nearest point's index (-1 when
 *   there are none) and its squared distance, as nearest.js's
 */
export function nearestOnGrid(points) {
  const n = Math.floor(points.length / 2);
  if (n === 0) return () => [-1, Infinity];
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i], y = points[2 * i + 1];
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const side = Math.max(1, Math.ceil(Math.sqrt(n / 2))), cell = Math.max(x1 - x0, y1 - y0, 1e-12) / side;
  const column = (/** @type {number} */ x) => Math.min(side - 1, Math.max(0, Math.floor((x - x0) / cell)));
  const row = (/** @type {number} */ y) => Math.min(side - 1, Math.max(0, Math.floor((y - y0) / cell)));
  // the points' indices by cell (a counting sort): cell k's are order[start[k] .. start[k + 1])
  const start = new Int32Array(side * side + 1), order = new Int32Array(n), home = new Int32Array(n);
  for (let i = 0; i < n; i++) { home[i] = row(points[2 * i + 1]) * side + column(points[2 * i]); start[home[i] + 1]++; }
  for (let k = 0; k < side * side; k++) start[k + 1] += start[k];
  const fill = start.slice(0, side * side);
  for (let i = 0; i < n; i++) order[fill[home[i]]++] = i;

  return (x, y) => {
    const cx = column(x), cy = row(y);
    // how far outside the grid's square the query is, on each axis (0 inside)
    const ox = Math.max(0, x0 - x, x - (x0 + side * cell)), oy = Math.max(0, y0 - y, y - (y0 + side * cell));
    let best = -1, bestDist = Infinity;
    const visit = (/** @type {number} */ i, /** @type {number} */ j) => {
      if (i < 0 || j < 0 || i >= side || j >= side) return;
      for (let s = start[j * side + i], e = start[j * side + i + 1]; s < e; s++) {
        const p = order[s], dx = points[2 * p] - x, dy = points[2 * p + 1] - y, d = dx * dx + dy * dy;
        if (d < bestDist) { bestDist = d; best = p; }
      }
    };
    for (let ring = 0; ring <= side; ring++) {
      // A cell `ring` cells from the query's (on one axis) is at least ring - 1 cells, and the
      // query's distance outside the grid, away from it.
      const reach = Math.max(0, ring - 1) * cell;
      if (Math.min((ox + reach) ** 2 + oy * oy, ox * ox + (oy + reach) ** 2) >= bestDist) break;
      if (ring === 0) { visit(cx, cy); continue; }
      for (let k = -ring; k <= ring; k++) { visit(cx + k, cy - ring); visit(cx + k, cy + ring); }
      for (let k = -ring + 1; k < ring; k++) { visit(cx - ring, cy + k); visit(cx + ring, cy + k); }
    }
    return [best, bestDist];
  };
}
