// onnxruntime-web, loaded from a folder of the page's own server (never a CDN), and one
// InferenceSession per ONNX graph, shared by every component on the page. A decoder is an
// async decode(Float32Array codes, n) -> Float32Array of n outputs (an image (C, H, W) in
// [0, 1] for a decoder, a code for a map's inverse).
import { base64Bytes } from './base64.js';
import WORKER_SOURCE from './worker.js?text';

/** @typedef {(codes: Float32Array, n: number) => Promise<Float32Array>} Decode */
/** @typedef {{ id: string, width: number, onnx?: string, bytes?: Uint8Array }} Graph */

/** Where the built files sit, relative to the page: the dashboard's static route by default. */
export const DASHBOARD_STATIC = 'app/static/';

/** @returns {{ sessions: Map<string, Promise<any>>, ort: Promise<any> | null }} */
function shared() {
  const w = /** @type {any} */ (window);
  return (w.__aeviz = w.__aeviz || { sessions: new Map(), ort: null });
}

/** @param {string} staticDir */
const ortBase = staticDir => new URL(staticDir + 'ort/', document.baseURI).href;

/** @param {string} staticDir */
function loadOrt(staticDir) {
  const S = shared();
  if (!S.ort) S.ort = (async () => {
    if (typeof WebAssembly !== 'object') throw new Error('This browser has no WebAssembly.');
    const ort = await import(/* webpackIgnore: true */ ortBase(staticDir) + 'ort.wasm.bundle.min.mjs');
    // Threads need a cross-origin-isolated page, which Streamlit does not serve; one thread
    // decodes these small graphs in about a millisecond anyway.
    ort.env.wasm.numThreads = 1;
    // The bundle carries its own loader; only the .wasm file is fetched, from the same folder.
    ort.env.wasm.wasmPaths = { wasm: ortBase(staticDir) + 'ort-wasm-simd-threaded.wasm' };
    return ort;
  })();
  return S.ort;
}

/** @param {Graph} graph */
const graphBytes = graph => graph.bytes || base64Bytes(/** @type {string} */ (graph.onnx));

/**
 * One session per graph, kept across reruns and pages: the graph is compiled once per page load.
 * @param {Graph} graph
 * @returns {Promise<Decode>}
 */
export function decoderFor(graph, staticDir = DASHBOARD_STATIC) {
  const S = shared();
  if (!S.sessions.has(graph.id)) {
    S.sessions.set(graph.id, loadOrt(staticDir).then(async ort => {
      const session = await ort.InferenceSession.create(graphBytes(graph), { executionProviders: ['wasm'] });
      const [input] = session.inputNames, [output] = session.outputNames, d = graph.width;
      // One run at a time on a session: a caller that comes while one runs waits its turn.
      let turn = Promise.resolve();
      return (/** @type {Float32Array} */ codes, /** @type {number} */ n) => {
        const run = turn.then(async () => (await session.run({ [input]: new ort.Tensor('float32', codes, [n, d]) }))[output].data);
        turn = run.then(() => {}, () => {});
        return run;
      };
    }));
  }
  return /** @type {Promise<Decode>} */ (S.sessions.get(graph.id));
}

/**
 * The same decoder in a worker of its own, with its own copy of the runtime: a long batch
 * there leaves the page's thread, and the page's own decoder, free for input. Rejected where
 * a worker cannot load the runtime.
 * @param {Graph} graph
 * @returns {Promise<Decode>}
 */
export function workerDecoderFor(graph, staticDir = DASHBOARD_STATIC) {
  return inWorker(graph, staticDir, 'decoder', call => (/** @type {Float32Array} */ codes, /** @type {number} */ n) => call({ codes, n }));
}

/** @typedef {Record<string, [Float32Array, number[]]>} Feeds the graph's inputs by name: values and shape */
/** @typedef {(feeds: Feeds) => Promise<Float32Array>} Run a graph of several inputs, its first output */

/**
 * A graph of several named inputs (the colorizer's gray, hints and palette), run in a worker
 * of its own: the page's thread stays free for the pointer while it runs.
 * @param {Graph} graph
 * @returns {Promise<Run>}
 */
export function workerSessionFor(graph, staticDir = DASHBOARD_STATIC) {
  return inWorker(graph, staticDir, 'session', call => (/** @type {Feeds} */ feeds) => call({ feeds }));
}

/**
 * One worker per graph and kind of use, kept for the page's life; `use` makes the function
 * callers get from the worker's call(message) -> Promise of its answer.
 * @template T
 * @param {Graph} graph @param {string} staticDir @param {string} kind
 * @param {(call: (msg: object) => Promise<any>) => T} use
 * @returns {Promise<T>}
 */
function inWorker(graph, staticDir, kind, use) {
  const S = shared(), key = `${graph.id} in a worker (${kind})`;
  if (!S.sessions.has(key)) S.sessions.set(key, (async () => {
    if (typeof Worker !== 'function') throw new Error('This browser has no workers.');
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module' });
    URL.revokeObjectURL(url);
    /** @type {Map<number, { ok: (v: any) => void, fail: (e: Error) => void }>} */
    const waiting = new Map();
    let next = 0;
    /** @param {object} msg @returns {Promise<any>} */
    const call = msg => new Promise((ok, fail) => { const id = next++; waiting.set(id, { ok, fail }); worker.postMessage({ ...msg, id }); });
    worker.onmessage = ({ data }) => {
      const w = waiting.get(data.id); waiting.delete(data.id);
      if (w) { if (data.error) w.fail(new Error(data.error)); else w.ok(data.out); }
    };
    worker.onerror = e => {
      for (const w of waiting.values()) w.fail(new Error(e.message || 'the worker could not start'));
      waiting.clear();
    };
    await call({ graph: graphBytes(graph), base: ortBase(staticDir), width: graph.width });
    return use(call);
  })());
  return /** @type {Promise<T>} */ (S.sessions.get(key));
}
