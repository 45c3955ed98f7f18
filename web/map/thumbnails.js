// Thumbnails on demand: a point past the map's sprite atlas has its own image fetched from the
// dashboard's server (aeviz/dashboard/thumbnails.py) when it is hovered, and the last KEPT
// fetched are kept in the page, so a point hovered again shows at once. The static explorer
// has no server: its data names no thumbnail source, and nothing is fetched.

/** Thumbnails kept in the page: 256 of Fashion-MNIST's are 256 ImageBitmaps of 28 x 28. */
export const KEPT = 256;
/**
 * Failed fetches in a row after which a map stops asking: a server that no longer knows the
 * map (it was restarted) answers every hover with a 404, and the browser logs each one.
 */
export const GIVE_UP = 3;

/**
 * A map of at most `capacity` entries that forgets the least recently used one first.
 * @template K, V
 */
export class LRU {
  /** @param {number} capacity */
  constructor(capacity) {
    this.capacity = capacity;
    /** @type {Map<K, V>} in use order, the oldest first (a Map keeps insertion order) */
    this.entries = new Map();
  }

  /** @param {K} key @returns {V | undefined} */
  get(key) {
    const value = this.entries.get(key);
    if (value !== undefined) { this.entries.delete(key); this.entries.set(key, value); }
    return value;
  }

  /** @param {K} key @param {V} value */
  set(key, value) {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(/** @type {K} */ (this.entries.keys().next().value));
  }

  get size() { return this.entries.size; }
}

/**
 * @template T
 * @typedef {{ held: (i: number) => T | undefined, get: (i: number) => Promise<T | null>, gaveUp: () => boolean }} Thumbnails
 */

/**
 * Point i's thumbnail: held (kept, or undefined), or got (kept, else loaded once however many
 * ask meanwhile; null when it cannot be had). A loader that rejects or gives null is a failure;
 * GIVE_UP of them in a row and nothing more is asked.
 * @template T
 * @param {(i: number) => Promise<T | null>} load
 * @param {number} [capacity]
 * @returns {Thumbnails<T>}
 */
export function thumbnailCache(load, capacity = KEPT) {
  /** @type {LRU<number, T>} */
  const kept = new LRU(capacity);
  /** @type {Map<number, Promise<T | null>>} */
  const pending = new Map();
  let failures = 0;
  /** @param {number} i @returns {Promise<T | null>} */
  const get = i => {
    const had = kept.get(i);
    if (had !== undefined) return Promise.resolve(had);
    const asked = pending.get(i);
    if (asked) return asked;
    if (failures >= GIVE_UP) return Promise.resolve(null);
    const loading = load(i).catch(() => null).then(got => {
      pending.delete(i);
      if (got == null) { failures++; return null; }
      failures = 0; kept.set(i, got);
      return got;
    });
    pending.set(i, loading);
    return loading;
  };
  return { held: i => kept.get(i), get, gaveUp: () => failures >= GIVE_UP };
}

/**
 * The page's loader: the PNG at `prefix` + i + '.png', relative to the page as the static
 * files are, as an ImageBitmap; null for an answer that is not one (a 404).
 * @param {string} prefix
 * @returns {(i: number) => Promise<ImageBitmap | null>}
 */
export function fetchThumbnail(prefix) {
  return async i => {
    const answer = await fetch(new URL(`${prefix}${i}.png`, document.baseURI));
    return answer.ok ? createImageBitmap(await answer.blob()) : null;
  };
}
