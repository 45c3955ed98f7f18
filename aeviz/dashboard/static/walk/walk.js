// walk/walk.html
var walk_default = '<div class="walk"><div class="walk-pictures"><figure><img class="walk-image" alt="decoded image"/>\n<figcaption class="walk-caption"></figcaption></figure>\n<figure class="walk-grid-figure" hidden><canvas class="walk-grid" aria-label="traversal grid"></canvas>\n<figcaption class="walk-grid-caption"></figcaption></figure></div>\n<div class="walk-sliders"></div></div>\n';

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

// text:runtime/worker.js
var worker_default = "// The decoder's worker (runtime/ort.js, workerDecoderFor), started from a Blob of this file's\n// text (bundled as text by scripts/build.mjs): the first message brings the graph and the\n// runtime's folder, each later one a batch of codes.\n/** @type {((codes: Float32Array, n: number) => Promise<ArrayLike<number>>) | null} */\nlet run = null;\nonmessage = async ({ data: m }) => {\n  try {\n    if (m.graph) {\n      const ort = await import(m.base + 'ort.wasm.bundle.min.mjs');\n      ort.env.wasm.numThreads = 1;\n      ort.env.wasm.wasmPaths = { wasm: m.base + 'ort-wasm-simd-threaded.wasm' };\n      const session = await ort.InferenceSession.create(m.graph, { executionProviders: ['wasm'] });\n      const [input] = session.inputNames, [output] = session.outputNames;\n      run = async (codes, n) => (await session.run({ [input]: new ort.Tensor('float32', codes, [n, m.width]) }))[output].data;\n      postMessage({ id: m.id });\n      return;\n    }\n    if (!run) throw new Error('no graph yet');\n    const out = Float32Array.from(await run(m.codes, m.n));\n    postMessage({ id: m.id, out }, { transfer: [out.buffer] });\n  } catch (err) { postMessage({ id: m.id, error: String(err) }); }\n};\n";

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
function workerDecoderFor(graph, staticDir = DASHBOARD_STATIC) {
  const S = shared(), key = graph.id + " in a worker";
  if (!S.sessions.has(key)) S.sessions.set(key, (async () => {
    if (typeof Worker !== "function") throw new Error("This browser has no workers.");
    const url = URL.createObjectURL(new Blob([worker_default], { type: "text/javascript" }));
    const worker = new Worker(url, { type: "module" });
    URL.revokeObjectURL(url);
    const waiting = /* @__PURE__ */ new Map();
    let next = 0;
    const call = (msg) => new Promise((ok, fail) => {
      const id = next++;
      waiting.set(id, { ok, fail });
      worker.postMessage({ ...msg, id });
    });
    worker.onmessage = ({ data }) => {
      const w = waiting.get(data.id);
      waiting.delete(data.id);
      if (w) {
        if (data.error) w.fail(new Error(data.error));
        else w.ok(data.out);
      }
    };
    worker.onerror = (e) => {
      for (const w of waiting.values()) w.fail(new Error(e.message || "the worker could not start"));
      waiting.clear();
    };
    await call({ graph: graphBytes(graph), base: ortBase(staticDir), width: graph.width });
    return (codes, n) => call({ codes, n });
  })());
  return (
    /** @type {Promise<Decode>} */
    S.sessions.get(key)
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

// runtime/nearest.js
function nearest(points, query) {
  const dim = query.length, n = Math.floor(points.length / dim);
  let best = -1, bestDist = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const e = points[i * dim + j] - query[j];
      s += e * e;
    }
    if (s < bestDist) {
      bestDist = s;
      best = i;
    }
  }
  return [best, bestDist];
}

// walk/traversal.js
function traversalCodes(code, dims, values) {
  const d = code.length, n = dims.length * values.length, codes = new Float32Array(n * d);
  for (let k = 0; k < n; k++) {
    codes.set(code, k * d);
    codes[k * d + dims[Math.floor(k / values.length)]] = values[k % values.length];
  }
  return codes;
}

// walk/walk.js
function walk_default2(host) {
  const { data, setStateValue, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, walk_default, ".walk");
  const img = (
    /** @type {HTMLImageElement} */
    part(root, ".walk-image")
  ), caption = part(root, ".walk-caption");
  let st = root.__walk;
  if (!st || st.key !== data.key) st = root.__walk = build(root, data);
  st.send = setStateValue;
  st.data = data;
  st.codes = data.codes ? base64Floats(data.codes) : null;
  if (!st.browser || !st.decode) {
    const same = data.dims.every((d, i) => Math.abs(st.code[d] - data.values[i]) < 1e-4);
    if (same || !st.browser) {
      data.dims.forEach((d, i) => {
        st.code[d] = data.values[i];
        const r = st.rows[i];
        r.input.value = data.values[i];
        r.shown.textContent = (+data.values[i]).toFixed(2);
        r.row.classList.remove("moved");
      });
      if (data.image) img.src = data.image;
      caption.textContent = data.caption;
    }
  }
  img.style.width = data.px + "px";
  img.style.height = Math.round(data.px * data.aspect) + "px";
}
function build(root, data) {
  const st = {
    key: data.key,
    code: Float32Array.from(data.base),
    rows: [],
    browser: !!data.decoder,
    canvas: document.createElement("canvas"),
    root,
    send: null,
    decode: null
  };
  st.redraw = latest(() => decodeShown(st));
  const box = part(root, ".walk-sliders");
  box.replaceChildren();
  data.dims.forEach((d, i) => {
    const row = document.createElement("label");
    row.className = "walk-row";
    const name = document.createElement("span");
    name.className = "d";
    name.textContent = "z" + d;
    const input = document.createElement("input");
    input.type = "range";
    input.min = data.lo[i];
    input.max = data.hi[i];
    input.step = String((data.hi[i] - data.lo[i]) / data.steps);
    input.value = data.values[i];
    input.setAttribute("aria-label", "z" + d);
    const shown = document.createElement("span");
    shown.className = "v";
    shown.textContent = (+data.values[i]).toFixed(2);
    input.addEventListener("input", () => {
      st.code[d] = Number(input.value);
      shown.textContent = st.code[d].toFixed(2);
      if (st.browser) show(st);
      else row.classList.add("moved");
    });
    input.addEventListener("change", () => {
      if (!st.browser) st.send("code", data.dims.map((k) => st.code[k]));
    });
    row.append(name, input, shown);
    box.appendChild(row);
    st.rows.push({ row, input, shown });
  });
  if (st.browser) decoderFor(data.decoder, data.static ?? DASHBOARD_STATIC).then((decode) => {
    st.decode = decode;
    show(st);
  }).catch((err) => {
    console.warn("aeviz: decoding on the server:", err);
    st.browser = false;
    st.send("runtime", "unavailable");
  });
  return st;
}
var GRID_REST = 150;
function show(st) {
  if (!st.decode) return;
  clearTimeout(st.gridTimer);
  if (st.data.traversal) st.gridTimer = setTimeout(() => drawGrid(st), GRID_REST);
  st.redraw();
}
async function decodeShown(st) {
  const D = st.data, root = st.root, code = Float32Array.from(st.code), t0 = performance.now();
  const images = await st.decode(code, 1);
  const img = (
    /** @type {HTMLImageElement} */
    part(root, ".walk-image")
  );
  img.src = paint(st.canvas, images, D.shape).toDataURL();
  img.dataset.code = JSON.stringify(Array.from(code));
  root.dataset.decodeMs = String(Math.round(performance.now() - t0));
  part(root, ".walk-caption").textContent = D.caption + (st.codes ? `; the nearest real image is #${nearest(st.codes, code)[0]}` : "");
}
async function drawGrid(st) {
  if (st.gridBusy) {
    st.gridAgain = true;
    return;
  }
  st.gridBusy = true;
  try {
    do {
      st.gridAgain = false;
      const D = st.data, t = D.traversal, root = st.root;
      if (!t) return;
      const size = D.shape.reduce((a, b) => a * b, 1), n = t.dims.length * t.values.length;
      const code = Float32Array.from(st.code), codes = traversalCodes(code, t.dims, t.values);
      const moved = () => st.code.some((v, i) => v !== code[i]);
      const images = await (await gridDecoder(st))(codes, n, size, moved);
      if (!images || moved()) continue;
      const grid = (
        /** @type {HTMLCanvasElement} */
        part(root, ".walk-grid")
      );
      paint(grid, images, D.shape, 0, t.dims.length, t.values.length, 1);
      grid.dataset.code = JSON.stringify(Array.from(code));
      grid.dataset.cells = JSON.stringify({ dims: t.dims, values: t.values });
      grid.dataset.decodedIn = st.gridIn;
      grid.style.width = grid.width * D.grid_scale + "px";
      part(root, ".walk-grid-figure").hidden = false;
      part(root, ".walk-grid-caption").textContent = t.caption;
    } while (st.gridAgain);
  } catch (err) {
    console.warn("aeviz: the traversal grid could not be decoded:", err);
  } finally {
    st.gridBusy = false;
  }
}
var yieldToInput = () => new Promise((r) => {
  const c = new MessageChannel();
  c.port1.onmessage = () => r();
  c.port2.postMessage(0);
});
function gridDecoder(st) {
  if (!st.gridDecode) st.gridDecode = workerDecoderFor(st.data.decoder, st.data.static ?? DASHBOARD_STATIC).then((decode) => {
    st.gridIn = "worker";
    return decode;
  }).catch((err) => {
    console.warn("aeviz: the traversal grid decodes on the page's thread:", err);
    st.gridIn = "page";
    return async (codes, n, size, moved) => {
      const d = codes.length / n, images = new Float32Array(n * size);
      for (let k = 0; k < n; k++) {
        images.set(await st.decode(codes.slice(k * d, (k + 1) * d), 1), k * size);
        await yieldToInput();
        if (moved()) return null;
      }
      return images;
    };
  });
  return st.gridDecode;
}
export {
  walk_default2 as default
};
