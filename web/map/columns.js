// The map's points as the two hosts send them: the dashboard an Arrow table (components v2
// hands the page an apache-arrow Table, parsed from the binary it received: its columns are
// typed arrays already, no text to decode), the static explorer base64 in its JSON. Either way
// the map gets typed arrays: xy interleaved (the preview, the grid, the hover), labels, errors.
import { base64Bytes, floatsOf } from '../runtime/base64.js';

/**
 * @typedef {{ n: number, xy: Float32Array, labels: Uint8Array | null, errors: Float32Array | null }} Points
 * @typedef {{ getChild: (name: string) => ({ toArray: () => ArrayLike<number> } | null) }} ArrowTable
 */

/**
 * @param {{ n: number, points?: ArrowTable, xy?: string, labels?: string | null, errors?: string | null }} data
 * @returns {Points}
 */
export function pointsOf(data) {
  const n = data.n;
  if (!data.points) {
    return { n, xy: floatsOf(/** @type {string} */ (data.xy)), labels: data.labels ? base64Bytes(data.labels) : null,
      errors: data.errors ? floatsOf(data.errors) : null };
  }
  const column = (/** @type {string} */ name) => data.points?.getChild(name)?.toArray() ?? null;
  const x = column('x'), y = column('y'), labels = column('label'), errors = column('error');
  if (!x || !y || x.length !== n || y.length !== n) throw new Error(`the map's table has no x and y of ${n} points`);
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) { xy[2 * i] = x[i]; xy[2 * i + 1] = y[i]; }
  return { n, xy, labels: labels && (labels instanceof Uint8Array ? labels : Uint8Array.from(labels)),
    errors: errors && (errors instanceof Float32Array ? errors : Float32Array.from(errors)) };
}
