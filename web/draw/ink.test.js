import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitInk, inkOf } from './ink.js';

/** A pad of side s with ink 1 in the rectangle [x0, x1) x [y0, y1). */
const rect = (s, x0, y0, x1, y1) => {
  const pad = new Float32Array(s * s);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) pad[y * s + x] = 1;
  return pad;
};
const sum = (a) => a.reduce((t, v) => t + v, 0);

test('a drawing anywhere on the pad, at any size, lands centred and fitted to the share asked', () => {
  for (const [x0, y0, x1, y1] of [[10, 10, 50, 90], [60, 5, 100, 45], [0, 0, 112, 112]]) {
    const out = fitInk(rect(112, x0, y0, x1, y1), 112, 28, 28, 20 / 28);
    const rows = [], cols = [];
    for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++) if (out[i * 28 + j] > 0.01) { rows.push(i); cols.push(j); }
    const tall = Math.max(...rows) - Math.min(...rows) + 1, wide = Math.max(...cols) - Math.min(...cols) + 1;
    assert.ok(Math.max(tall, wide) >= 20 && Math.max(tall, wide) <= 21, `${tall} x ${wide}`);
    // the centre of mass is the image's centre
    let m = 0, cx = 0, cy = 0;
    out.forEach((v, k) => { m += v; cx += v * ((k % 28) + 0.5); cy += v * (Math.floor(k / 28) + 0.5); });
    assert.ok(Math.abs(cx / m - 14) < 1e-3 && Math.abs(cy / m - 14) < 1e-3, `${cx / m}, ${cy / m}`);
  }
});

test('the box filter keeps the ink: what the pad held, scaled by the area', () => {
  const pad = rect(112, 20, 30, 60, 70), out = fitInk(pad, 112, 28, 28, 0.5);
  const scale = 14 / 40;  // 40 pad pixels become 14 image pixels
  assert.ok(Math.abs(sum(out) - sum(pad) * scale * scale) < 1e-3);
  assert.ok(out.every(v => v >= 0 && v <= 1));
});

test('an empty pad is an empty image, and faint specks do not make the box', () => {
  assert.equal(sum(fitInk(new Float32Array(64 * 64), 64, 28, 28, 0.7)), 0);
  const pad = rect(64, 20, 20, 40, 40);
  pad[0] = 0.01;  // a speck far away, fainter than ink
  const out = fitInk(pad, 64, 28, 28, 0.5);
  let tall = 0;
  for (let i = 0; i < 28; i++) if (out[i * 28 + 14] > 0.5) tall++;
  assert.ok(tall >= 13 && tall <= 15, String(tall));
});

test("an upload's ink is what stands out from its ground: dark ink on white paper is turned over", () => {
  const s = 4, rgba = new Uint8Array(4 * s * s).fill(255);
  rgba.set([0, 0, 0, 255], 4 * 5);  // one black pixel inside
  const ink = inkOf(rgba, s);
  assert.equal(ink[5], 1);
  assert.equal(ink[0], 0);
  const dark = new Uint8Array(4 * s * s).map((_, i) => (i % 4 === 3 ? 255 : 0));
  dark.set([255, 255, 255, 255], 4 * 5);
  assert.equal(inkOf(dark, s)[5], 1);
});
