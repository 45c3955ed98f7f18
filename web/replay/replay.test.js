import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ease, placesAt, bounds, frameAt } from './frames.js';

const n = 2;  // two points, three frames
const positions = Float32Array.from([0, 0, 1, 1, /* frame 1 */ 2, 0, 3, 1, /* frame 2 */ 2, 4, 3, 5]);

test('at a whole frame every point is exactly where that frame put it', () => {
  const out = new Float32Array(2 * n);
  assert.deepEqual(Array.from(placesAt(positions, n, 1, out)), [2, 0, 3, 1]);
  assert.deepEqual(Array.from(placesAt(positions, n, 2, out)), [2, 4, 3, 5], 'the last frame');
  assert.deepEqual(Array.from(placesAt(positions, n, 9, out)), [2, 4, 3, 5], 'past the end: the last frame');
  assert.deepEqual(Array.from(placesAt(positions, n, -1, out)), [0, 0, 1, 1], 'before the start: the first');
});

test('between frames the points move eased, halfway at the middle', () => {
  const out = new Float32Array(2 * n);
  assert.deepEqual(Array.from(placesAt(positions, n, 0.5, out)), [1, 0, 2, 1]);
  const quarter = placesAt(positions, n, 0.25, out)[0];
  assert.ok(quarter > 0 && quarter < 0.5, 'slower near a frame than linear motion');
  assert.equal(ease(0), 0); assert.equal(ease(1), 1);
});

test('a record of one frame shows it', () => {
  assert.deepEqual(Array.from(placesAt(Float32Array.from([5, 6]), 1, 0.7, new Float32Array(2))), [5, 6]);
});

test('the view holds every frame', () => {
  assert.deepEqual(bounds(positions), [0, 3, 0, 5]);
});

test('play advances at its rate and stops at the last frame', () => {
  assert.equal(frameAt(0, 1, 3, 10), 3);
  assert.equal(frameAt(4, 10, 3, 10), 9);
});
