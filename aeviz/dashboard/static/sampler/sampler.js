// sampler/sampler.html
var sampler_default = '<div class="samp"><div class="samp-controls">\n<label class="samp-row"><span>Temperature</span><input type="range" class="samp-temperature" min="0.1" max="2" step="0.01"\n aria-label="temperature"/><span class="samp-t"></span></label>\n<label class="samp-row"><span>Seed</span><input type="number" class="samp-seed" min="0" max="2147483647" step="1"\n aria-label="seed"/><span></span></label></div>\n<p class="samp-error" role="alert" hidden></p>\n<figure><img class="samp-grid" alt="sampled images"/><figcaption class="samp-caption">Loading the decoder…</figcaption>\n</figure><p class="samp-norms"></p></div>\n';

// runtime/base64.js
function base64Bytes(text) {
  const bin = atob(text), out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function base64Floats(text) {
  return new Float32Array(base64Bytes(text).buffer);
}

// runtime/mount.js
function rootOf(parent, html, selector) {
  let root = parent.querySelector(selector);
  if (!root) {
    const template = document.createElement("template");
    template.innerHTML = html;
    parent.append(template.content);
    root = parent.querySelector(selector);
  }
  return (
    /** @type {any} */
    root
  );
}
function part(root, selector) {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`the component's markup has no ${selector}`);
  return (
    /** @type {E} */
    /** @type {unknown} */
    el
  );
}
var inputOf = (root, selector) => (
  /** @type {HTMLInputElement} */
  part(root, selector)
);

// runtime/ort.js
var DASHBOARD_STATIC = "app/static/";
function shared() {
  const w = (
    /** @type {any} */
    window
  );
  return w.__aeviz = w.__aeviz || { sessions: /* @__PURE__ */ new Map(), ort: null };
}
var ortBase = (staticDir) => new URL(staticDir + "ort/", document.baseURI).href;
function loadOrt(staticDir) {
  const S = shared();
  if (!S.ort) S.ort = (async () => {
    if (typeof WebAssembly !== "object") throw new Error("This browser has no WebAssembly.");
    const ort = await import(
      /* webpackIgnore: true */
      ortBase(staticDir) + "ort.wasm.bundle.min.mjs"
    );
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = { wasm: ortBase(staticDir) + "ort-wasm-simd-threaded.wasm" };
    return ort;
  })();
  return S.ort;
}
var graphBytes = (graph) => graph.bytes || base64Bytes(
  /** @type {string} */
  graph.onnx
);
function decoderFor(graph, staticDir = DASHBOARD_STATIC) {
  const S = shared();
  if (!S.sessions.has(graph.id)) {
    S.sessions.set(graph.id, loadOrt(staticDir).then(async (ort) => {
      const session = await ort.InferenceSession.create(graphBytes(graph), { executionProviders: ["wasm"] });
      const [input] = session.inputNames, [output] = session.outputNames, d = graph.width;
      let turn = Promise.resolve();
      return (codes, n) => {
        const run = turn.then(async () => (await session.run({ [input]: new ort.Tensor("float32", codes, [n, d]) }))[output].data);
        turn = run.then(() => {
        }, () => {
        });
        return run;
      };
    }));
  }
  return (
    /** @type {Promise<Decode>} */
    S.sessions.get(graph.id)
  );
}

// runtime/paint.js
function pixels(data, shape, first = 0, rows = 1, cols = 1, gap = 0) {
  const [c, h, w] = shape, hw = h * w;
  const width = cols * w + (cols - 1) * gap, height = rows * h + (rows - 1) * gap;
  const rgba = new Uint8ClampedArray(4 * width * height).fill(255);
  for (let k = 0; k < rows * cols; k++) {
    const base = (first + k) * c * hw, ox = k % cols * (w + gap), oy = Math.floor(k / cols) * (h + gap);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = y * w + x, o = 4 * ((oy + y) * width + ox + x);
      for (let ch = 0; ch < 3; ch++) {
        const v = data[base + (c === 3 ? ch * hw : 0) + i];
        rgba[o + ch] = Math.floor(Math.min(1, Math.max(0, v)) * 255 + 0.5);
      }
    }
  }
  return { width, height, rgba };
}
function paint(canvas, data, shape, first = 0, rows = 1, cols = 1, gap = 0) {
  const { width, height, rgba } = pixels(data, shape, first, rows, cols, gap);
  canvas.width = width;
  canvas.height = height;
  const ctx = (
    /** @type {CanvasRenderingContext2D} */
    canvas.getContext("2d")
  );
  ctx.putImageData(new ImageData(rgba, width, height), 0, 0);
  return canvas;
}

// runtime/latest.js
function latest(run) {
  let busy = false, pending = false, next;
  return async (arg) => {
    next = arg;
    pending = true;
    if (busy) return;
    busy = true;
    try {
      while (pending) {
        pending = false;
        await run(
          /** @type {T} */
          next
        );
      }
    } finally {
      busy = false;
    }
  };
}

// sampler/generator.js
function generator(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = a + 1831565813 | 0;
    let t = Math.imul(a ^ a >>> 15, 1 | a);
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
  let spare = null;
  const normal = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - uniform(), v = uniform(), r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}
function sample(dist, d, n, T, seed) {
  const g = generator(seed), out = new Float32Array(n * d), eps = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let u = g.uniform(), k = 0;
    while (k < dist.weights.length - 1 && u >= dist.weights[k]) {
      u -= dist.weights[k];
      k++;
    }
    for (let j = 0; j < d; j++) eps[j] = g.normal();
    const m = k * d, L = k * d * d;
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let c = 0; c <= r; c++) s += dist.chols[L + r * d + c] * eps[c];
      out[i * d + r] = dist.means[m + r] + T * s;
    }
  }
  return out;
}
function readSeed(typed) {
  const text = typed.trim(), v = Number(text);
  return text !== "" && Number.isInteger(v) && v >= 0 && v <= 2147483647 ? v : null;
}
function meanNorm(codes, d) {
  const n = codes.length / d;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = 0; j < d; j++) q += codes[i * d + j] ** 2;
    total += Math.sqrt(q);
  }
  return total / n;
}

// sampler/sampler.js
function sampler_default2(host) {
  const { data, setStateValue, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, sampler_default, ".samp");
  const temperature = inputOf(root, ".samp-temperature"), seed = inputOf(root, ".samp-seed");
  let st = root.__samp;
  if (!st) {
    st = root.__samp = { canvas: document.createElement("canvas") };
    st.redraw = latest(() => draw(root, st));
    temperature.value = data.temperature;
    seed.value = data.seed;
    temperature.addEventListener("input", () => show(root, st));
    seed.addEventListener("input", () => show(root, st));
  }
  st.data = data;
  st.dist = { weights: data.dist.weights, means: base64Floats(data.dist.means), chols: base64Floats(data.dist.chols) };
  if (st.decoderId !== data.decoder.id) {
    st.decoderId = data.decoder.id;
    st.decode = null;
    decoderFor(data.decoder, data.static ?? DASHBOARD_STATIC).then((decode) => {
      st.decode = decode;
      show(root, st);
    }).catch((err) => {
      console.warn("aeviz: decoding on the server:", err);
      setStateValue("runtime", "unavailable");
    });
  }
  show(root, st);
}
var controls = (root) => ({
  T: Number(inputOf(root, ".samp-temperature").value),
  seed: readSeed(inputOf(root, ".samp-seed").value)
});
function show(root, st) {
  const { T, seed } = controls(root), error = part(root, ".samp-error");
  part(root, ".samp-t").textContent = T.toFixed(2);
  error.hidden = seed !== null;
  error.textContent = seed === null ? "The seed is a whole number from 0 to 2147483647; the grid shows the last valid one." : "";
  if (st.decode && seed !== null) st.redraw();
}
async function draw(root, st) {
  const D = st.data, { T, seed } = controls(root);
  if (seed === null) return;
  const n = D.grid * D.grid, codes = sample(st.dist, D.width, n, T, seed);
  const images = await st.decode(codes, n);
  const img = (
    /** @type {HTMLImageElement} */
    part(root, ".samp-grid")
  );
  paint(st.canvas, images, D.shape, 0, D.grid, D.grid, 1);
  img.src = st.canvas.toDataURL();
  img.style.width = st.canvas.width * D.scale + "px";
  img.dataset.codes = JSON.stringify(Array.from(codes));
  img.dataset.temperature = String(T);
  img.dataset.seed = String(seed);
  part(root, ".samp-caption").textContent = `${D.caption}, temperature ${T.toFixed(2)}, seed ${seed}${D.note}`;
  if (D.prior) {
    part(root, ".samp-norms").textContent = `Code lengths: mean ${meanNorm(codes, D.width).toFixed(2)} (a ${D.width}-d standard Gaussian's are about ${Math.sqrt(D.width).toFixed(2)}; the temperature scales them).`;
  }
}
export {
  sampler_default2 as default
};
