"""The JavaScript every page that decodes in the browser shares (the dashboard's components
and the static explorer): onnxruntime-web loaded from a folder of the page's own server, one
InferenceSession per ONNX graph, and painting decoded images into a canvas; and the base64
float arrays those pages read."""
from __future__ import annotations

import base64

import numpy as np

# Prepended to a module that decodes; `decoderFor(graph)` gives a promise of an async
# decode(Float32Array codes, n) -> Float32Array of n outputs (an image (C, H, W) in [0, 1]
# for a decoder, a code for a map's inverse). ORT_DIR: the runtime's folder, relative to
# the page (the dashboard's static route, or the static explorer's own ort/ folder).
RUNTIME_JS = r"""
const AEVIZ = (window.__aeviz = window.__aeviz || { sessions: new Map(), ort: null });
const ortBase = () => new URL(ORT_DIR, document.baseURI).href;
function loadOrt() {
  if (!AEVIZ.ort) AEVIZ.ort = (async () => {
    if (typeof WebAssembly !== 'object') throw new Error('This browser has no WebAssembly.');
    const ort = await import(ortBase() + 'ort.wasm.bundle.min.mjs');
    // Threads need a cross-origin-isolated page, which Streamlit does not serve; one thread
    // decodes these small graphs in about a millisecond anyway.
    ort.env.wasm.numThreads = 1;
    // The bundle carries its own loader; only the .wasm file is fetched, from the same folder.
    ort.env.wasm.wasmPaths = { wasm: ortBase() + 'ort-wasm-simd-threaded.wasm' };
    return ort;
  })();
  return AEVIZ.ort;
}
function base64Bytes(text) {
  const bin = atob(text), out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function base64Floats(text) { return new Float32Array(base64Bytes(text).buffer); }
// One session per graph, kept across reruns and pages: the graph is compiled once per page load.
function decoderFor(graph) {
  if (!AEVIZ.sessions.has(graph.id)) {
    AEVIZ.sessions.set(graph.id, loadOrt().then(async ort => {
      const bytes = graph.bytes || base64Bytes(graph.onnx);
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const [input] = session.inputNames, [output] = session.outputNames, d = graph.width;
      // One run at a time on a session: a caller that comes while one runs waits its turn.
      let turn = Promise.resolve();
      return (codes, n) => {
        const run = turn.then(async () => (await session.run({ [input]: new ort.Tensor('float32', codes, [n, d]) }))[output].data);
        turn = run.catch(() => {});
        return run;
      };
    }));
  }
  return AEVIZ.sessions.get(graph.id);
}
// The same decoder in a worker of its own, with its own copy of the runtime: a long batch
// there leaves the page's thread, and the page's own decoder, free for input. Gives a
// promise of an async decode(Float32Array codes, n) -> Float32Array; rejected where a
// worker cannot load the runtime.
const WORKER_JS = `let run = null;
onmessage = async ({ data: m }) => {
  try {
    if (m.graph) {
      const ort = await import(m.base + 'ort.wasm.bundle.min.mjs');
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.wasmPaths = { wasm: m.base + 'ort-wasm-simd-threaded.wasm' };
      const session = await ort.InferenceSession.create(m.graph, { executionProviders: ['wasm'] });
      const [input] = session.inputNames, [output] = session.outputNames;
      run = async (codes, n) => (await session.run({ [input]: new ort.Tensor('float32', codes, [n, m.width]) }))[output].data;
      postMessage({ id: m.id });
      return;
    }
    const out = Float32Array.from(await run(m.codes, m.n));
    postMessage({ id: m.id, out }, [out.buffer]);
  } catch (err) { postMessage({ id: m.id, error: String(err) }); }
};`;
function workerDecoderFor(graph) {
  const key = graph.id + ' in a worker';
  if (!AEVIZ.sessions.has(key)) AEVIZ.sessions.set(key, (async () => {
    if (typeof Worker !== 'function') throw new Error('This browser has no workers.');
    const url = URL.createObjectURL(new Blob([WORKER_JS], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module' });
    URL.revokeObjectURL(url);
    const waiting = new Map();
    let next = 0;
    const call = msg => new Promise((ok, fail) => { const id = next++; waiting.set(id, { ok, fail }); worker.postMessage({ ...msg, id }); });
    worker.onmessage = ({ data }) => {
      const w = waiting.get(data.id); waiting.delete(data.id);
      if (w) data.error ? w.fail(new Error(data.error)) : w.ok(data.out);
    };
    worker.onerror = e => {
      for (const w of waiting.values()) w.fail(new Error(e.message || 'the worker could not start'));
      waiting.clear();
    };
    await call({ graph: graph.bytes || base64Bytes(graph.onnx), base: ortBase(), width: graph.width });
    return (codes, n) => call({ codes, n });
  })());
  return AEVIZ.sessions.get(key);
}
// Images (C, H, W) in [0, 1] from `data` at image `first`, drawn into a canvas: one image, or
// `rows` x `cols` of them with a one-pixel gap. Rounded as aeviz.images.to_uint8 rounds.
function paint(canvas, data, shape, first = 0, rows = 1, cols = 1, gap = 0) {
  const [c, h, w] = shape, hw = h * w;
  canvas.width = cols * w + (cols - 1) * gap; canvas.height = rows * h + (rows - 1) * gap;
  const ctx = canvas.getContext('2d'), im = ctx.createImageData(canvas.width, canvas.height), px = im.data;
  px.fill(255);
  for (let k = 0; k < rows * cols; k++) {
    const base = (first + k) * c * hw, ox = (k % cols) * (w + gap), oy = Math.floor(k / cols) * (h + gap);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = y * w + x, o = 4 * ((oy + y) * canvas.width + ox + x);
      for (let ch = 0; ch < 3; ch++) {
        const v = data[base + (c === 3 ? ch * hw : 0) + i];
        px[o + ch] = Math.floor(Math.min(1, Math.max(0, v)) * 255 + 0.5);
      }
      px[o + 3] = 255;
    }
  }
  ctx.putImageData(im, 0, 0);
  return canvas;
}
"""

def floats(a: np.ndarray) -> str:
    """float32 values as base64, for base64Floats(): a quarter of their size as JSON numbers."""
    return base64.b64encode(np.ascontiguousarray(a, np.float32).tobytes()).decode()
