// A graph's worker (runtime/ort.js: workerDecoderFor, workerSessionFor), started from a Blob of
// this file's text (bundled as text by scripts/build.mjs): the first message brings the graph
// and the runtime's folder, each later one a batch of codes for a decoder ({codes, n}) or the
// named inputs of another graph ({feeds: {name: [values, shape]}}); the answer is the first output.
/** @type {any} */
let ort = null, session = null, width = 0;
onmessage = async ({ data: m }) => {
  try {
    if (m.graph) {
      ort = await import(m.base + 'ort.wasm.bundle.min.mjs');
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.wasmPaths = { wasm: m.base + 'ort-wasm-simd-threaded.wasm' };
      session = await ort.InferenceSession.create(m.graph, { executionProviders: ['wasm'] });
      width = m.width;
      postMessage({ id: m.id });
      return;
    }
    if (!session) throw new Error('no graph yet');
    const feeds = m.feeds
      ? Object.fromEntries(Object.entries(m.feeds).map(([name, [values, shape]]) => [name, new ort.Tensor('float32', values, shape)]))
      : { [session.inputNames[0]]: new ort.Tensor('float32', m.codes, [m.n, width]) };
    const out = Float32Array.from((await session.run(feeds))[session.outputNames[0]].data);
    postMessage({ id: m.id, out }, { transfer: [out.buffer] });
  } catch (err) { postMessage({ id: m.id, error: String(err) }); }
};
