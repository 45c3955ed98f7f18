import { test } from 'node:test';
import assert from 'node:assert/strict';
import createKDBushClass from 'regl-scatterplot/src/kdbush-class.js';
import { spatialIndexOf } from './kdindex.js';

test('the scatter\'s spatial index built here finds what a scan finds in a box', async () => {
  const n = 3000, xy = new Float32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) xy[i] = Math.sin(i * 12.9898) * 0.9;  // spread, seeded by the index
  const index = createKDBushClass().from(await spatialIndexOf(xy));
  const [x0, y0, x1, y1] = [-0.2, -0.5, 0.7, 0.4], inside = [];
  for (let i = 0; i < n; i++) if (xy[2 * i] >= x0 && xy[2 * i] <= x1 && xy[2 * i + 1] >= y0 && xy[2 * i + 1] <= y1) inside.push(i);
  assert.ok(inside.length > 100);
  assert.deepEqual(index.range(x0, y0, x1, y1).sort((a, b) => a - b), inside);
});

test('the worker\'s source runs as it is: built by its own text, it gives the same bytes', async () => {
  const { kdbushBytes } = await import('./kdindex.js');
  const xy = new Float32Array([0.1, 0.2, -0.5, 0.4, 0.9, -0.9]);
  const rebuilt = new Function(`return (${kdbushBytes.toString()})`)();
  const KDBush = new Function(`return (${createKDBushClass.toString()})()`)();
  assert.deepEqual(new Uint8Array(rebuilt(KDBush, xy, 16)), new Uint8Array(await spatialIndexOf(xy)));
});
