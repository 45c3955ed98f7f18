import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestK, weights, placeCode, K } from './place.js';

test('the k nearest, nearest first, exact', () => {
  const pts = [0, 0, 3, 0, 1, 0, 10, 10, 2, 0];
  const { index, dist } = nearestK(pts, [0.1, 0], 3);
  assert.deepEqual(index, [0, 2, 4]);
  assert.deepEqual(dist, [0.1, 0.9, 1.9].map(Math.fround));
  assert.deepEqual(nearestK(pts, [0, 0], 9).index.length, 5);
});

test('weights: 1 / d^8 summing to 1, and a match takes all of it', () => {
  const w = weights([1, 2]);
  assert.ok(Math.abs(w[0] - 256 / 257) < 1e-12 && Math.abs(w[1] - 1 / 257) < 1e-12);
  assert.deepEqual(weights([0, 0, 3]), [0.5, 0.5, 0]);
  assert.deepEqual(weights([1e-9, 1, 2]), [1, 0, 0]);
});

test('a code that is a mapped code lands on its point; one between two lands between', () => {
  const codes = [0, 0, 1, 0, 0, 1, 5, 5], places = [10, 10, 20, 10, 10, 20, 50, 50];
  assert.deepEqual(placeCode(codes, places, [1, 0]).place, [20, 10]);
  const mid = placeCode(codes, places, [0.5, 0], 2).place;
  assert.deepEqual(mid, [15, 10]);
  assert.equal(K, 8);
});
