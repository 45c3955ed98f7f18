import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGrid, nearestIn } from './grid.js';
import { nearest } from '../runtime/nearest.js';

/** A seeded generator (mulberry32), so a failure can be run again. @param {number} seed */
const random = seed => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Clusters, as a map's points are: dense blobs and empty space between them. */
function clustered(n, rand) {
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const k = i % 5, cx = Math.cos(k * 1.3) * 0.6, cy = Math.sin(k * 1.3) * 0.6, s = 0.02 + 0.05 * rand();
    xy[2 * i] = cx + s * (rand() - 0.5); xy[2 * i + 1] = cy + s * (rand() - 0.5);
  }
  return xy;
}

test('the grid finds the same nearest point as a scan of every point, inside and outside the data', () => {
  const rand = random(7), xy = clustered(5000, rand), grid = buildGrid(xy);
  for (let q = 0; q < 500; q++) {
    const spread = q < 400 ? 1.1 : 6;  // the last hundred far outside the points' bounds
    const x = spread * (2 * rand() - 1), y = spread * (2 * rand() - 1);
    const [i, d] = nearestIn(grid, x, y), [j, e] = nearest(xy, [x, y]);
    assert.equal(d, e, `query ${q} at (${x}, ${y})`);
    assert.ok(i === j || d === e);
  }
});

test('within a distance: the nearest point when one is that near, else none', () => {
  const xy = new Float32Array([0, 0, 0.5, 0.5, -0.5, 0.25]), grid = buildGrid(xy);
  assert.deepEqual(nearestIn(grid, 0.45, 0.5, 0.1).map(v => +v.toFixed(6)), [1, 0.0025]);
  assert.deepEqual(nearestIn(grid, 0.25, -0.5, 0.1), [-1, Infinity]);
  assert.equal(nearestIn(grid, 0.25, -0.5)[0], 0, 'no limit: the nearest however far');
});

test('every point is filed once, its cell holding it; duplicates and a single point work', () => {
  const rand = random(3), xy = clustered(1000, rand), grid = buildGrid(xy);
  assert.deepEqual(Array.from(grid.order).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.equal(grid.start[grid.start.length - 1], 1000);
  const same = buildGrid(new Float32Array([0.3, 0.3, 0.3, 0.3]));
  assert.deepEqual(nearestIn(same, 0, 0).map(v => +v.toFixed(6)), [0, 0.18], 'ties go to the lower index');
  assert.deepEqual(nearestIn(buildGrid(new Float32Array([])), 0, 0), [-1, Infinity], 'no points: none');
});
