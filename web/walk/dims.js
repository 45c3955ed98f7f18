// Which sliders are folded away, and how each one's figure (KL or variance) reads beside it.

/**
 * The rows' positions, split into those shown and those folded away (collapsed dimensions),
 * each in the order given. Without activity figures every row is shown.
 * @param {number} count the number of rows
 * @param {boolean[] | undefined} active
 * @returns {{ open: number[], folded: number[] }}
 */
export function foldRows(count, active) {
  const open = [], folded = [];
  for (let i = 0; i < count; i++) (!active || active[i] ? open : folded).push(i);
  return { open, folded };
}

/**
 * A figure in a few characters: two decimals from 0.01 up, one from 10, and a power of ten
 * below (a collapsed dimension's KL is 1e-4, not "0.00").
 * @param {number} value
 * @returns {string}
 */
export function figureText(value) {
  const a = Math.abs(value);
  if (a === 0) return '0';
  if (a >= 10) return value.toFixed(1);
  return a >= 0.01 ? value.toFixed(2) : value.toExponential(0);
}

/** What the fold's summary says. @param {number} n */
export const foldedText = n => `Show ${n} collapsed dimension${n === 1 ? '' : 's'}`;
