// Colours as the pages get them (hex strings) and as canvases want them.

/**
 * "#rrggbb" as one opaque pixel in a canvas's RGBA byte order, read as a little-endian
 * 32-bit word (what a Uint32Array over ImageData holds).
 * @param {string} hex
 */
export function pixelWord(hex) {
  const v = parseInt(hex.slice(1), 16);
  return ((255 << 24) | ((v & 255) << 16) | (((v >> 8) & 255) << 8) | (v >> 16)) >>> 0;
}

/** The colour of group k, the palette repeating. @param {string[]} palette @param {number} k */
export const colourOf = (palette, k) => palette[k % palette.length];

/** The static explorer's label colours (d3's category10). */
export const CATEGORY10 = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
  '#bcbd22', '#17becf'];
