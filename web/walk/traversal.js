// The traversal grid's codes: row r is the centre code with dimension dims[r] swept over values.

/**
 * @param {Float32Array} code the centre code
 * @param {number[]} dims
 * @param {number[]} values
 * @returns {Float32Array} dims.length * values.length codes, one after another
 */
export function traversalCodes(code, dims, values) {
  const d = code.length, n = dims.length * values.length, codes = new Float32Array(n * d);
  for (let k = 0; k < n; k++) {
    codes.set(code, k * d);
    codes[k * d + dims[Math.floor(k / values.length)]] = values[k % values.length];
  }
  return codes;
}
