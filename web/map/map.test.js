import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toData, clickKind } from './camera.js';
import { disc, previewPixels } from './preview.js';
import { pixelWord } from '../runtime/colours.js';

const REST = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];  // the camera at rest

test('canvas pixels to the map: the corners and centre at rest, and zoomed in and moved', () => {
  assert.deepEqual(toData(REST, 100, [10, 20], 2, 50, 50), [10, 20, 0, 0]);
  assert.deepEqual(toData(REST, 100, [10, 20], 2, 0, 0), [8, 22, -1, 1]);
  const zoomed = REST.slice();
  zoomed[0] = zoomed[5] = 2; zoomed[12] = 0.5;
  const [x, y, nx, ny] = toData(zoomed, 100, [0, 0], 1, 100, 100);
  assert.deepEqual([nx, ny], [0.25, -0.5]);
  assert.deepEqual([x, y], [0.25, -0.5]);
});

test('a release near its press is a click on a point or a place; a drag or a shift is not', () => {
  assert.equal(clickKind([10, 10], [12, 11], false, 3), 'point');
  assert.equal(clickKind([10, 10], [12, 11], false, -1), 'place');
  assert.equal(clickKind([10, 10], [20, 10], false, 3), null);
  assert.equal(clickKind([10, 10], [10, 10], true, -1), null);
  assert.equal(clickKind(null, [10, 10], false, -1), null);
});

test('a dot is round: a 1-pixel dot is one pixel, a 6-pixel one has no corners', () => {
  assert.deepEqual(disc(1), [[0, 0]]);
  const six = disc(6).map(([x, y]) => `${x},${y}`);
  assert.ok(six.length < 36 && six.includes('2,2') && six.includes('0,2'));
  assert.ok(!six.includes('0,0') && !six.includes('5,5'));
});

test('the preview puts each point where the map at rest shows it, in its label colour', () => {
  const w = 10, red = '#ff0000', blue = '#0000ff';
  const px = previewPixels(w, [-0.9, 0.9, 0.9, -0.9, 5, 5], [0, 1, 0], [red, blue], 1);
  assert.equal(px[0 * w + 0], pixelWord(red), 'top left');
  assert.equal(px[9 * w + 9], pixelWord(blue), 'bottom right');
  assert.equal(px.filter(v => v !== 0xffffffff).length, 2, 'a point off the map draws nothing');
});
