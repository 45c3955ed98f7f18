// Latest wins: a call that comes while one runs is not queued; once the running one ends,
// the newest argument runs. An image so lags a fast drag by one decode at most.

/**
 * @template T
 * @param {(arg: T) => Promise<void>} run
 * @returns {(arg: T) => Promise<void>}
 */
export function latest(run) {
  let busy = false, pending = false, /** @type {T | undefined} */ next;
  return async arg => {
    next = arg; pending = true;
    if (busy) return;
    busy = true;
    try {
      while (pending) { pending = false; await run(/** @type {T} */ (next)); }
    } finally { busy = false; }
  };
}
