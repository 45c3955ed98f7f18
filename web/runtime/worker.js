// The decoder's worker (runtime/ort.js, workerDecoderFor), started from a Blob of this file's
// text (bundled as text by scripts/build.mjs): the first message brings the graph and the
// runtime's folder, each later one a batch of codes.
/** @type {((codes: Float32Array, n: number) => Promise<ArrayLike<number>>) | null} */
let run = null;
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
    if (!run) throw new Error('no graph yet');
    const out = Float32Array.from(await run(m.codes, m.n));
    postMessage({ id: m.id, out }, { transfer: [out.buffer] });
  } catch (err) { postMessage({ id: m.id, error: String(err) }); }
};
