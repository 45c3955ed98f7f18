// The float arrays the pages receive travel as base64 (aeviz.browser_runtime.floats): a
// quarter of their size as JSON numbers.

/** @param {string} text @returns {Uint8Array} */
export function base64Bytes(text) {
  const bin = atob(text), out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** @param {string} text @returns {Float32Array} */
export function base64Floats(text) { return new Float32Array(base64Bytes(text).buffer); }

/**
 * Floats as a host sent them: base64 from Python, or an array already (the static explorer).
 * @param {string | ArrayLike<number>} value
 * @returns {Float32Array}
 */
export const floatsOf = value => typeof value === 'string' ? base64Floats(value) : Float32Array.from(value);
