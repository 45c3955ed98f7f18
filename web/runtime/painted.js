// Resolves once the browser has painted what the page holds now: a frame's animation callbacks
// run before its paint, so the second frame's callback comes after the first frame's paint.

/** @returns {Promise<void>} */
export const painted = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())));
