// From the map canvas's pixels to the map's own coordinates, through regl-scatterplot's
// camera: its view matrix (column-major 4 x 4) scales by v[0], v[5] and moves by v[12], v[13]
// in normalized device coordinates; the points were sent centred and scaled by `half`.

/**
 * @param {ArrayLike<number>} view the camera's view matrix
 * @param {number} size the canvas's side, in CSS pixels
 * @param {number[]} center the map's centre, in its own coordinates
 * @param {number} half half the side of the square the points were scaled into
 * @param {number} mx
 * @param {number} my
 * @returns {[number, number, number, number]} x and y on the map, and the normalized ones the points are in
 */
export function toData(view, size, center, half, mx, my) {
  const nx = (2 * mx / size - 1 - view[12]) / view[0], ny = (1 - 2 * my / size - view[13]) / view[5];
  return [center[0] + nx * half, center[1] + ny * half, nx, ny];
}

/** A press and release this close (px) is a click; farther, a pan. */
export const CLICK_SLOP = 4;

/**
 * What a release means: a click on a point, a click on a place, or nothing (a pan, or a
 * shift + drag selection).
 * @param {number[] | null} down where the press was
 * @param {number[]} up where the release is
 * @param {boolean} shift
 * @param {number} hovered the point under the cursor, or -1
 * @returns {'point' | 'place' | null}
 */
export function clickKind(down, up, shift, hovered) {
  if (!down || Math.hypot(up[0] - down[0], up[1] - down[1]) > CLICK_SLOP || shift) return null;
  return hovered >= 0 ? 'point' : 'place';
}

/**
 * The other way: a normalized map point to the canvas's pixels (toData's inverse).
 * @param {ArrayLike<number>} view @param {number} size @param {number} nx @param {number} ny
 * @returns {[number, number]}
 */
export function toScreen(view, size, nx, ny) {
  return [(nx * view[0] + view[12] + 1) * size / 2, (1 - ny * view[5] - view[13]) * size / 2];
}
