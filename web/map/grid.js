// A uniform grid over the map's points, built once per map: the hover's point under the
// cursor, the click's pick and a decoded place's distance from real data all ask it for the
// nearest point, instead of scanning every point (a scan of a million points is 3 to 5 ms
// per mouse move in software, and the hover shares its frame with the decoder). A counting
// sort puts each cell's points together: two typed arrays (one index per point, one offset
// per cell), no object per point, about 20 ms and 8 bytes a point at a million.

const PER_CELL = 4;      // points per cell on average: fewer cells to walk than points to test
const MAX_SIDE = 2048;   // cells a side at most: 4M offsets (16 MB) however many points

/**
 * @typedef {{ xy: ArrayLike<number>, side: number, x0: number, y0: number, cw: number, ch: number,
 *             start: Uint32Array, order: Uint32Array }} Grid
 */

/**
 * @param {ArrayLike<number>} xy n points, x and y one after the other
 * @returns {Grid}
 */
export function buildGrid(xy) {
  const n = Math.floor(xy.length / 2);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  if (n === 0) { x0 = y0 = 0; x1 = y1 = 1; }
  const side = Math.max(1, Math.min(MAX_SIDE, Math.ceil(Math.sqrt(n / PER_CELL))));
  // the data's own bounds, so that every point lies in the cell it is filed under (the
  // search's stopping rule needs that); a hair wider, so the largest x files in the last cell
  const cw = ((x1 - x0) || 1) / side * (1 + 1e-6), ch = ((y1 - y0) || 1) / side * (1 + 1e-6);
  const cells = side * side, start = new Uint32Array(cells + 1), cell = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const c = cellAt(side, Math.floor((xy[2 * i] - x0) / cw), Math.floor((xy[2 * i + 1] - y0) / ch));
    cell[i] = c; start[c + 1]++;
  }
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const order = new Uint32Array(n), fill = start.slice(0, cells);
  for (let i = 0; i < n; i++) order[fill[cell[i]]++] = i;
  return { xy, side, x0, y0, cw, ch, start, order };
}

/** @param {number} side @param {number} cx @param {number} cy */
const cellAt = (side, cx, cy) => clamp(cy, side) * side + clamp(cx, side);
/** @param {number} v @param {number} side */
const clamp = (v, side) => v < 0 ? 0 : v >= side ? side - 1 : v;

/**
 * The nearest point to (x, y) no farther than maxDist, walking rings of cells out from the
 * query's cell until no cell left can hold a nearer point.
 * @param {Grid} g
 * @param {number} x
 * @param {number} y
 * @param {number} [maxDist] Infinity when left out
 * @returns {[number, number]} the point's index (-1 when none is that near) and its squared distance
 */
export function nearestIn(g, x, y, maxDist = Infinity) {
  const { xy, side, start, order } = g;
  const qx = Math.floor((x - g.x0) / g.cw), qy = Math.floor((y - g.y0) / g.ch);
  const cx = clamp(qx, side), cy = clamp(qy, side);
  // A query outside the grid is at least this many cells from every point.
  const outside = Math.max(Math.abs(qx - cx), Math.abs(qy - cy)) - 1;
  const cell = Math.min(g.cw, g.ch), limit = maxDist * maxDist;
  let best = -1, bestDist = Infinity;
  const visit = (/** @type {number} */ i, /** @type {number} */ j) => {
    if (i < 0 || j < 0 || i >= side || j >= side) return;
    const c = j * side + i;
    for (let k = start[c]; k < start[c + 1]; k++) {
      const p = order[k], dx = xy[2 * p] - x, dy = xy[2 * p + 1] - y, d = dx * dx + dy * dy;
      if (d < bestDist || (d === bestDist && p < best)) { bestDist = d; best = p; }
    }
  };
  for (let r = 0; r < side; r++) {
    // every point in ring r or beyond is at least r - 1 cells from the query, on one axis
    const floor = Math.max(0, r - 1, outside) * cell;
    if (floor * floor > Math.min(bestDist, limit)) break;
    if (r === 0) visit(cx, cy);
    for (let d = -r; d <= r && r > 0; d++) {
      visit(cx + d, cy - r); visit(cx + d, cy + r);
      if (d > -r && d < r) { visit(cx - r, cy + d); visit(cx + r, cy + d); }
    }
  }
  return bestDist <= limit ? [best, bestDist] : [-1, Infinity];
}
