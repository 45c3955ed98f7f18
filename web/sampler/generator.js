// The sampler's seeded noise: mulberry32 for uniforms and Box-Muller for standard normals.
// aeviz.latent.seeded_normals draws the same numbers in numpy, so a seed gives the same grid
// here and from the Python side (tests/test_web_build.py compares them).

/** @param {number} seed a whole number; its low 32 bits seed the generator */
export function generator(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** @type {number | null} */
  let spare = null;
  const normal = () => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    const u = 1 - uniform(), v = uniform(), r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}

/**
 * @typedef {object} Mixture a Gaussian mixture: weights summing to 1, and each component's
 *   mean (d numbers) and lower Cholesky factor (d x d, row-major), one after another
 * @property {number[]} weights
 * @property {ArrayLike<number>} means
 * @property {ArrayLike<number>} chols
 */

/**
 * n codes: for each, a component by its weight (one uniform), then d normals, then
 * mean + T * L @ eps.
 * @param {Mixture} dist
 * @param {number} d
 * @param {number} n
 * @param {number} T the temperature: it scales the noise
 * @param {number} seed
 */
export function sample(dist, d, n, T, seed) {
  const g = generator(seed), out = new Float32Array(n * d), eps = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let u = g.uniform(), k = 0;
    while (k < dist.weights.length - 1 && u >= dist.weights[k]) { u -= dist.weights[k]; k++; }
    for (let j = 0; j < d; j++) eps[j] = g.normal();
    const m = k * d, L = k * d * d;
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let c = 0; c <= r; c++) s += dist.chols[L + r * d + c] * eps[c];
      out[i * d + r] = dist.means[m + r] + T * s;
    }
  }
  return out;
}

/**
 * The seed a user typed, or null when it is not a whole number from 0 to 2**31 - 1.
 * @param {string} typed
 */
export function readSeed(typed) {
  const text = typed.trim(), v = Number(text);
  return text !== '' && Number.isInteger(v) && v >= 0 && v <= 2147483647 ? v : null;
}

/** The mean length of n codes of d numbers. @param {ArrayLike<number>} codes @param {number} d */
export function meanNorm(codes, d) {
  const n = codes.length / d;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = 0; j < d; j++) q += codes[i * d + j] ** 2;
    total += Math.sqrt(q);
  }
  return total / n;
}
