// The map as it learned, as numbers: where each point is at a fractional frame, and how
// playing time maps to frames. No DOM here, so node tests it.

/**
 * Smoothstep easing: a point leaves one frame and reaches the next at rest, so a pause on a
 * frame shows it exactly and motion between frames has no jolt.
 * @param {number} t in [0, 1]
 */
export const ease = t => t * t * (3 - 2 * t);

/**
 * Every point's place at fractional frame f (0 .. frames-1), eased between the two frames
 * around it, written into out (2n floats: x, y).
 * @param {Float32Array} positions frames * n * 2 floats, frame-major
 * @param {number} n points per frame
 * @param {number} f the fractional frame
 * @param {Float32Array} out 2n floats
 */
export function placesAt(positions, n, f, out) {
  const frames = positions.length / (2 * n);
  const clamped = Math.min(Math.max(f, 0), frames - 1);
  const k = Math.min(Math.floor(clamped), frames - 2), t = frames > 1 ? ease(clamped - k) : 0;
  if (frames === 1) { out.set(positions.subarray(0, 2 * n)); return out; }
  const a = 2 * n * k, b = a + 2 * n;
  for (let i = 0; i < 2 * n; i++) out[i] = positions[a + i] + t * (positions[b + i] - positions[a + i]);
  return out;
}

/**
 * The box around every frame's points: [xmin, xmax, ymin, ymax], so the view holds still while
 * the points move.
 * @param {Float32Array} positions
 */
export function bounds(positions) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < positions.length; i += 2) {
    const x = positions[i], y = positions[i + 1];
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  return [x0, x1, y0, y1];
}

/**
 * The frame shown `elapsed` seconds after play began at frame `from`, at `rate` frames a
 * second; it stops at the last frame.
 * @param {number} from @param {number} elapsed @param {number} rate @param {number} frames
 */
export const frameAt = (from, elapsed, rate, frames) => Math.min(from + elapsed * rate, frames - 1);

/** The frame nearest a fractional one: the one the epoch label names. @param {number} f */
export const nearestFrame = f => Math.round(f);
