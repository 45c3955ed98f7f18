import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rgbToLab, labToRgb, hexRgb, rgbHex } from './lab.js';
import { hintPixel, hintTensor, imagePixel, hintEvent, steered } from './hints.js';
import { bilinearTaps, compose, lightness } from './compose.js';

/** @param {number[]} got @param {number[]} want @param {number} tol */
const near = (got, want, tol) => got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tol, `${got} vs ${want}`));

test('Lab as aeviz.color.rgb_to_lab gives it (values from Python, float32)', () => {
  near(rgbToLab(1, 0, 0), [53.24058532714844, 80.0923080444336, 67.20274353027344], 2e-3);
  near(rgbToLab(0, 0, 1), [32.29566955566406, 79.18559265136719, -107.8572998046875], 2e-3);
  near(rgbToLab(0.5, 0.5, 0.5), [53.38896942138672, -0.00146, 0.00279], 2e-3);
  near(rgbToLab(0.2, 0.6, 0.3), [56.10160827636719, -46.23863220214844, 31.675207138061523], 2e-3);
  near(labToRgb(...rgbToLab(0.2, 0.6, 0.3)), [0.2, 0.6, 0.3], 1e-6);
});

test('hex colors both ways', () => {
  assert.deepEqual(hexRgb('#0a10ff'), [10, 16, 255]);
  assert.equal(rgbHex([10, 16, 255, 255]), '#0a10ff');
});

test('a hint marks the working-size pixel floor(x * ww / W), floor(y * hh / H), the last one on it winning', () => {
  const size = { W: 640, H: 480, ww: 64, hh: 48 };
  assert.deepEqual(hintPixel(0, 0, size), [0, 0]);
  assert.deepEqual(hintPixel(639, 479, size), [63, 47]);
  assert.deepEqual(hintPixel(9, 10, size), [0, 1]);
  assert.deepEqual(hintPixel(10, 9, size), [1, 0]);
  const t = hintTensor([{ x: 10, y: 9, color: '#ff0000' }, { x: 19, y: 0, color: '#808080' }], size), plane = 64 * 48;
  assert.equal(t[2 * plane + 1], 1, 'mask');
  assert.equal(t.reduce((s, v, i) => s + (i >= 2 * plane ? v : 0), 0), 1, 'both on one pixel: one mark');
  assert.ok(Math.abs(t[1]) < 1e-4 && Math.abs(t[plane + 1]) < 1e-4, 'the later (gray) hint won');
});

test('a point of the shown picture is the photo pixel under it, clamped into the photo', () => {
  const shown = { width: 400, height: 300 }, size = { W: 4000, H: 3000 };
  assert.deepEqual(imagePixel(0, 0, shown, size), [0, 0]);
  assert.deepEqual(imagePixel(399.99, 299.99, shown, size), [3999, 2999]);
  assert.deepEqual(imagePixel(410, -3, shown, size), [3999, 0]);
  assert.deepEqual(imagePixel(100.05, 50, shown, size), [1000, 500]);
  assert.deepEqual(hintEvent([{ x: 1, y: 2, color: '#000000' }]), [[1, 2, '#000000']]);
});

test('steered once there is a hint or a reference', () => {
  assert.equal(steered([], new Float32Array(4)), false);
  assert.equal(steered([], new Float32Array([0, 0.5, 0.5, 0])), true);
  assert.equal(steered([{ x: 0, y: 0, color: '#000000' }], new Float32Array(4)), true);
});

test('bilinear taps as torch (align_corners=False): edges clamp, centres interpolate', () => {
  const { lo, hi, w } = bilinearTaps(4, 2);
  assert.deepEqual(Array.from(lo), [0, 0, 0, 1]);
  assert.deepEqual(Array.from(hi), [1, 1, 1, 1]);
  near(Array.from(w), [0, 0.25, 0.75, 0.25], 1e-7);  // the last: both taps the edge
});

test('no color composes the gray of the lightness; a and b tint it', () => {
  const L = [0, 50, 100], rgba = new Uint8ClampedArray(12);
  compose(lightness(L), 3, 1, new Float32Array(2), 1, 1, 1, rgba);
  assert.deepEqual(Array.from(rgba), [0, 0, 0, 255, 119, 119, 119, 255, 255, 255, 255, 255]);
  compose(lightness([50]), 1, 1, new Float32Array([0.5, 0]), 1, 1, 1, rgba);
  assert.ok(rgba[0] > rgba[1] + 60, 'positive a is red');
});
