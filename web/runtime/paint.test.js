import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pixels } from './paint.js';

test('values are clamped to [0, 1] and rounded as aeviz.images.to_uint8 rounds', () => {
  const { width, height, rgba } = pixels([-0.5, 0.5, 0.999, 2], [1, 2, 2]);
  assert.equal(width, 2); assert.equal(height, 2);
  assert.deepEqual(Array.from(rgba.filter((_, i) => i % 4 === 0)), [0, 128, 255, 255]);
  assert.ok(rgba.filter((_, i) => i % 4 === 3).every(a => a === 255), 'opaque');
});

test('one channel is drawn grey, three in colour', () => {
  assert.deepEqual(Array.from(pixels([0.2], [1, 1, 1]).rgba), [51, 51, 51, 255]);
  assert.deepEqual(Array.from(pixels([1, 0, 0.2], [3, 1, 1]).rgba), [255, 0, 51, 255]);
});

test('a grid of images, from a first one, with white gaps', () => {
  // three 1 x 1 images; a 1 x 2 grid from the second, with a one-pixel gap
  const { width, height, rgba } = pixels([0, 0.2, 0.4], [1, 1, 1], 1, 1, 2, 1);
  assert.equal(width, 3); assert.equal(height, 1);
  assert.deepEqual(Array.from(rgba), [51, 51, 51, 255, 255, 255, 255, 255, 102, 102, 102, 255]);
});
