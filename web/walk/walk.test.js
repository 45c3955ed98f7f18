import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traversalCodes } from './traversal.js';

test('row r of the grid sweeps dimension dims[r] over the values, the rest held at the code', () => {
  const codes = traversalCodes(new Float32Array([1, 2, 3]), [0, 2], [-1, 9]);
  assert.deepEqual(Array.from(codes), [-1, 2, 3, 9, 2, 3, 1, 2, -1, 1, 2, 9]);
});
