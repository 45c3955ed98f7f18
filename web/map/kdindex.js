// regl-scatterplot's own spatial index (a KDBush, for its box and lasso selection), built
// here from the map's typed arrays in a worker of ours, while the preview is drawn and WebGL
// is set up, and handed to plot.draw(points, { spatialIndex }). Left to itself, the scatter
// makes an array per point and clones them all into its worker: at a million points 1.1 s of
// cloning and 0.4 s of building, on the page's thread and after the draw is asked for.
import createKDBushClass from 'regl-scatterplot/src/kdbush-class.js';

const NODE_SIZE = 16;  // as regl-scatterplot builds its own

/**
 * The index's bytes, built where this runs. Names only its arguments: the worker runs its text.
 * @param {any} KDBush the class @param {Float32Array} xy @param {number} nodeSize @returns {ArrayBuffer}
 */
export function kdbushBytes(KDBush, xy, nodeSize) {
  const n = xy.length / 2, index = new KDBush(n, nodeSize);
  for (let i = 0; i < n; i++) index.add(xy[2 * i], xy[2 * i + 1]);
  index.finish();
  return index.data;
}

// The worker's whole source, from the two functions' text: the class is written to be rebuilt
// from its own (the scatter's worker starts the same way), and neither names anything outside
// itself, so the build's renaming cannot break them.
const WORKER = `const KDBush = (${createKDBushClass.toString()})(), build = ${kdbushBytes.toString()};
onmessage = e => { const data = build(KDBush, e.data, ${NODE_SIZE}); postMessage(data, [data]); };`;

/**
 * The index's bytes, built in a worker (on this thread where there is no Worker).
 * @param {Float32Array} xy n points, x and y one after the other; not changed
 * @returns {Promise<ArrayBuffer>}
 */
export function spatialIndexOf(xy) {
  if (typeof Worker === 'undefined' || xy.length === 0) return Promise.resolve(kdbushBytes(createKDBushClass(), xy, NODE_SIZE));
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(new Blob([WORKER], { type: 'text/javascript' }));
    const worker = new Worker(url, { name: 'aeviz map index' });
    URL.revokeObjectURL(url);
    worker.onmessage = e => { resolve(e.data); worker.terminate(); };
    worker.onerror = e => { reject(new Error(e.message)); worker.terminate(); };
    const copy = xy.slice();  // transferred, not cloned: the page keeps its own
    worker.postMessage(copy, [copy.buffer]);
  });
}
