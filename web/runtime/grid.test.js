import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestOnGrid } from './grid.js';
import { nearest } from './nearest.js';

/** A seeded generator (mulberry32): the same points on every run. @param {number} seed */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('the grid finds what the full scan finds, inside the points, between clusters and far outside', () => {
  const rand = random(7), points = [];
  for (let i = 0; i < 3000; i++) {  // three clusters, as a map's classes are, and a few strays
    const k = i % 3, spread = i % 50 === 0 ? 1 : 0.05;
    points.push([-0.6, 0.1, 0.7][k] + spread * (rand() - 0.5), [0.5, -0.6, 0.3][k] + spread * (rand() - 0.5));
  }
  const near = nearestOnGrid(points);
  for (let q = 0; q < 2000; q++) {
    const reach = q % 10 === 0 ? 40 : 2.4, x = reach * (rand() - 0.5), y = reach * (rand() - 0.5);
    const [i, d] = near(x, y), [j, e] = nearest(points, [x, y]);
    assert.equal(d, e, `query ${x}, ${y}`);
    assert.ok(i === j || d === e);
  }
});

test('one point, repeated points, and none', () => {
  assert.deepEqual(nearestOnGrid([2, 3])(5, 7), [0, 25]);
  assert.deepEqual(nearestOnGrid([1, 1, 1, 1, 1, 1])(1, 2), [0, 1]);
  assert.deepEqual(nearestOnGrid([])(0, 0), [-1, Infinity]);
});
