import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generator, sample, readSeed, meanNorm } from './generator.js';

test('a seed gives the same uniforms every time, and another seed others', () => {
  const draw = (/** @type {number} */ seed) => { const g = generator(seed); return [g.uniform(), g.uniform(), g.uniform()]; };
  assert.deepEqual(draw(12345), draw(12345));
  assert.notDeepEqual(draw(12345), draw(12346));
  // mulberry32's first draw for 12345 (aeviz.seeded.uniforms gives the same)
  assert.equal(draw(12345)[0], 0.9797282677609473);
});

test('uniforms lie in [0, 1) and normals are standard', () => {
  const g = generator(1), n = 20000;
  let sum = 0, sq = 0;
  for (let i = 0; i < n; i++) {
    const u = g.uniform();
    assert.ok(u >= 0 && u < 1);
    const z = g.normal();
    sum += z; sq += z * z;
  }
  assert.ok(Math.abs(sum / n) < 0.03);
  assert.ok(Math.abs(sq / n - 1) < 0.05);
});

test('a sample is mean + T * L @ eps, from the component its uniform picks', () => {
  // two components far apart, all the weight on the second: every code is near its mean
  const dist = { weights: [0, 1], means: [-100, -100, 100, 100], chols: [1, 0, 0, 1, 1, 0, 0, 1] };
  const codes = sample(dist, 2, 50, 0.5, 3);
  for (const v of codes) assert.ok(Math.abs(v - 100) < 5);
  // a zero temperature gives the means exactly
  assert.deepEqual(Array.from(sample(dist, 2, 2, 0, 3)), [100, 100, 100, 100]);
  // the temperature only scales the noise: the same seed moves along one line
  const hot = sample(dist, 2, 4, 1, 9), cool = sample(dist, 2, 4, 0.5, 9);
  hot.forEach((v, i) => assert.ok(Math.abs((v - 100) / 2 - (cool[i] - 100)) < 1e-4));
});

test('only the lower triangle of L is read', () => {
  const lower = { weights: [1], means: [0, 0], chols: [1, 0, 2, 1] };
  const junk = { weights: [1], means: [0, 0], chols: [1, 99, 2, 1] };
  assert.deepEqual(sample(lower, 2, 5, 1, 4), sample(junk, 2, 5, 1, 4));
});

test('a seed is a whole number from 0 to 2**31 - 1', () => {
  assert.equal(readSeed(' 7 '), 7);
  assert.equal(readSeed('2147483647'), 2147483647);
  for (const bad of ['', '-1', '1.5', 'x', '2147483648']) assert.equal(readSeed(bad), null, bad);
});

test('the mean length of codes', () => {
  assert.equal(meanNorm([3, 4, 0, 0], 2), 2.5);
});
