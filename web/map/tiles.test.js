import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellCentres, snapped, fade, tilePixels, paintTile, NEAR, FAR, FLOOR } from './tiles.js';
import { toData } from './camera.js';

const REST = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];  // the camera at rest

test('the cells are centred row by row from the top left, where toData puts those pixels', () => {
  const { places, normal } = cellCentres(REST, 100, [10, 20], 2, 2);
  // at rest the canvas shows normalized [-1, 1]: cells centred at +-0.5, the top row first
  assert.deepEqual(Array.from(normal), [-0.5, 0.5, 0.5, 0.5, -0.5, -0.5, 0.5, -0.5]);
  assert.deepEqual(Array.from(places), [9, 21, 11, 21, 9, 19, 11, 19]);
  const zoomed = REST.slice();
  zoomed[0] = zoomed[5] = 4; zoomed[12] = 1; zoomed[13] = -2;
  const grid = cellCentres(zoomed, 560, [0, 0], 1.5, 40);
  assert.equal(grid.places.length, 2 * 1600);
  const k = 2 * (7 * 40 + 33), want = toData(zoomed, 560, [0, 0], 1.5, 33.5 * 14, 7.5 * 14);
  assert.ok(Math.abs(grid.places[k] - want[0]) < 1e-6 && Math.abs(grid.places[k + 1] - want[1]) < 1e-6);
});

test('a tile is drawn fully on the data, fades with its distance, and stays faint far away', () => {
  assert.equal(fade(0), 1);
  assert.equal(fade(NEAR), 1);
  assert.ok(fade(3) < fade(2) && fade(2) < 1, 'falls with distance');
  assert.ok(Math.abs(fade(FAR) - FLOOR) < 1e-12);
  assert.equal(fade(10 * FAR), FLOOR);
  assert.equal(fade(Infinity), FLOOR, 'no data at all');
});

test('each image is averaged into its cell, in colour or grey, with its cell\'s opacity', () => {
  // four 2 x 2 grey images into a 2 x 2 canvas of 2 x 2 cells: one pixel each, their means
  const images = [0, 0, 1, 1, /**/ 1, 1, 1, 1, /**/ 0.2, 0.2, 0.2, 0.2, /**/ -1, 2, 0, 1];
  const rgba = tilePixels(images, [1, 2, 2], [1, 0.5, 0, 1], 2, 2);
  assert.deepEqual(Array.from(rgba), [128, 128, 128, 255, 255, 255, 255, 128, 51, 51, 51, 0, 128, 128, 128, 255]);
  // one 1 x 1 colour image repeated up into a 3 x 3 canvas of one cell
  const up = tilePixels([1, 0, 0.2], [3, 1, 1], [1], 3, 1);
  for (let p = 0; p < 9; p++) assert.deepEqual(Array.from(up.slice(4 * p, 4 * p + 4)), [255, 0, 51, 255]);
});

test('cells of uneven width cover the canvas edge to edge, none left blank', () => {
  const rgba = tilePixels(new Float32Array(9).fill(1), [1, 1, 1], new Float32Array(9).fill(1), 7, 3);
  assert.ok(rgba.every(v => v === 255));
});

test('an image goes into the cell it is given, whatever its place among the images', () => {
  const rgba = new Uint8ClampedArray(4 * 2 * 2);
  paintTile(rgba, 2, [0.2, 0.6], 1, [1, 1, 1], 2, 0.5, 2);  // the second image, into the bottom left cell
  assert.deepEqual(Array.from(rgba), [0, 0, 0, 0, 0, 0, 0, 0, 153, 153, 153, 128, 0, 0, 0, 0]);
});

test('a view snapped to the lattice of its zoom: after a pan, a cell with the key another had is at its place', () => {
  const view = REST.slice();
  view[0] = view[5] = 3; view[12] = 0.31; view[13] = -0.12;
  const a = snapped(view, 40);
  assert.ok(Math.abs(a.view[12] - 0.3) < 1e-12 && Math.abs(a.view[13] + 0.1) < 1e-12, 'moved by less than half a cell');
  const panned = view.slice();
  panned[12] += 3 * 0.05 + 0.004; panned[13] -= 2 * 0.05;  // three cells right and two down, and a little
  const b = snapped(panned, 40);
  const placesA = cellCentres(a.view, 560, [1, 2], 0.5, 40).places, placesB = cellCentres(b.view, 560, [1, 2], 0.5, 40).places;
  let shared = 0;
  b.keys.forEach((key, k) => {
    const j = a.keys.indexOf(key);
    if (j < 0) return;
    shared++;
    assert.ok(Math.abs(placesA[2 * j] - placesB[2 * k]) < 1e-6 && Math.abs(placesA[2 * j + 1] - placesB[2 * k + 1]) < 1e-6);
  });
  assert.equal(shared, 37 * 38, 'all but the three columns and two rows panned in');
  const zoomed = view.slice();
  zoomed[0] = zoomed[5] = 3.5;
  assert.ok(snapped(zoomed, 40).keys.every(key => !a.keys.includes(key)), 'another zoom, other places');
});
