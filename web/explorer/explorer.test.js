import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lerpCodes, lerpPlaces, bounds } from './path.js';

test('the straight path from A to B, its ends included', () => {
  assert.deepEqual(Array.from(lerpCodes(new Float32Array([0, 10]), new Float32Array([2, 0]), 3)), [0, 10, 1, 5, 2, 0]);
  assert.deepEqual(lerpPlaces([0, 0], [4, -2], 3), [[0, 0], [2, -1], [4, -2]]);
});

test('the bounds of the points', () => {
  assert.deepEqual(bounds([1, 5, -2, 3, 0, 9]), [-2, 1, 3, 9]);
});
