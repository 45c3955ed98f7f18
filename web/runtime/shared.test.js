import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64Bytes, base64Floats, floatsOf } from './base64.js';
import { nearest } from './nearest.js';
import { latest } from './latest.js';
import { pixelWord, colourOf } from './colours.js';

test('base64 floats are the float32 bytes Python sent', () => {
  const text = Buffer.from(new Float32Array([1.5, -2]).buffer).toString('base64');
  assert.deepEqual(Array.from(base64Floats(text)), [1.5, -2]);
  assert.deepEqual(Array.from(base64Bytes('AQID')), [1, 2, 3]);
  assert.deepEqual(Array.from(floatsOf(text)), Array.from(floatsOf([1.5, -2])));
});

test('the nearest point and its squared distance', () => {
  assert.deepEqual(nearest([0, 0, 3, 4, 1, 1], [3, 3]), [1, 1]);
  assert.deepEqual(nearest([], [0, 0]), [-1, Infinity]);
  assert.deepEqual(nearest([0, 0, 0, 2, 2, 2], [2, 2, 1]), [1, 1], 'codes of any length');
});

test('latest wins: calls made while one runs collapse into one, with the newest argument', async () => {
  const seen = /** @type {number[]} */ ([]);
  /** @type {() => void} */
  let release = () => {};
  const run = latest(async (/** @type {number} */ v) => { seen.push(v); if (v === 1) await new Promise(r => { release = () => r(undefined); }); });
  const first = run(1);
  run(2); run(3); run(4);
  release();
  await first;
  assert.deepEqual(seen, [1, 4]);
  await run(5);
  assert.deepEqual(seen, [1, 4, 5]);
});

test('a hex colour as one canvas pixel word, and the palette repeating', () => {
  const bytes = new Uint8Array(new Uint32Array([pixelWord('#102030')]).buffer);
  assert.deepEqual(Array.from(bytes), [0x10, 0x20, 0x30, 255]);
  assert.equal(colourOf(['#a', '#b'], 3), '#b');
});
