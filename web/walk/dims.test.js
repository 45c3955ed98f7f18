import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldRows, figureText, foldedText } from './dims.js';

test('collapsed rows are folded away, each part keeping the order given', () => {
  assert.deepEqual(foldRows(5, [true, false, true, true, false]), { open: [0, 2, 3], folded: [1, 4] });
});

test('without activity figures every row is shown', () => {
  assert.deepEqual(foldRows(3, undefined), { open: [0, 1, 2], folded: [] });
});

test('a figure reads in a few characters, a near-zero one as a power of ten', () => {
  assert.deepEqual([1.7812, 0.0123, 12.345, 0.0001234, 0].map(figureText), ['1.78', '0.01', '12.3', '1e-4', '0']);
  assert.equal(foldedText(1), 'Show 1 collapsed dimension');
  assert.equal(foldedText(3), 'Show 3 collapsed dimensions');
});
