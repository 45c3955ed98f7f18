// The scrubber's small map: one scale for both axes (as the big map keeps its aspect
// ratio), y up, the bounds padded by `pad` pixels inside a square canvas of `size`.

/**
 * @param {number[]} bounds [x0, x1, y0, y1]
 * @param {number} size
 * @param {number} pad
 * @returns {{ X: (x: number) => number, Y: (y: number) => number }}
 */
export function frame(bounds, size, pad) {
  const [x0, x1, y0, y1] = bounds;
  const s = (size - 2 * pad) / Math.max(x1 - x0, y1 - y0), cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return { X: x => size / 2 + (x - cx) * s, Y: y => size / 2 - (y - cy) * s };
}
