// scrubber/scrubber.html
var scrubber_default = '<div class="scrub"><figure><img class="scrub-image" alt="decoded code on the path"/>\n<figcaption class="scrub-caption"></figcaption></figure>\n<div class="scrub-side"><canvas class="scrub-map" role="img" aria-label="the path on the map"></canvas>\n<label class="scrub-row"><span>A</span><input type="range" class="scrub-input" aria-label="position from A to B"/>\n<span>B</span><span class="scrub-t"></span></label></div></div>\n';

// runtime/base64.js
function base64Bytes(text) {
  const bin = atob(text), out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function base64Floats(text) {
  return new Float32Array(base64Bytes(text).buffer);
}
var floatsOf = (value) => typeof value === "string" ? base64Floats(value) : Float32Array.from(value);

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

// scrubber/frame.js
function frame(bounds, size, pad) {
  const [x0, x1, y0, y1] = bounds;
  const s = (size - 2 * pad) / Math.max(x1 - x0, y1 - y0), cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return { X: (x) => size / 2 + (x - cx) * s, Y: (y) => size / 2 - (y - cy) * s };
}

// scrubber/scrubber.js
function scrubber_default2(host) {
  const { data, setStateValue, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, scrubber_default, ".scrub");
  const input = inputOf(root, ".scrub-input");
  let st = root.__scrub;
  if (!st) {
    st = root.__scrub = { canvas: document.createElement("canvas") };
    st.redraw = latest(() => decodeShown(root, st));
    input.min = "0";
    input.step = "1";
    input.value = data.index;
    input.addEventListener("input", () => {
      drawMap(root, st);
      if (st.browser) show(st);
      else root.classList.add("waiting");
    });
    input.addEventListener("change", () => {
      if (!st.browser) st.send("index", Number(input.value));
    });
  }
  input.max = String(data.n - 1);
  st.send = setStateValue;
  st.data = data;
  st.codes = floatsOf(data.codes);
  if (st.browser === void 0) st.browser = !!data.decoder;
  if (st.browser && data.decoder && st.decoderId !== data.decoder.id) {
    st.decoderId = data.decoder.id;
    st.decode = null;
    decoderFor(data.decoder, data.static ?? DASHBOARD_STATIC).then((decode) => {
      st.decode = decode;
      show(st);
    }).catch((err) => {
      console.warn("aeviz: decoding on the server:", err);
      st.browser = false;
      st.send("runtime", "unavailable");
    });
  }
  const img = (
    /** @type {HTMLImageElement} */
    part(root, ".scrub-image")
  );
  img.style.width = data.px + "px";
  img.style.height = Math.round(data.px * data.aspect) + "px";
  if (!st.browser || !st.decode) {
    if (Number(input.value) === data.index || !st.browser) {
      input.value = data.index;
      if (data.image) img.src = data.image;
      delete img.dataset.code;
      part(root, ".scrub-caption").textContent = caption(data, data.index);
      root.classList.remove("waiting");
    }
  } else show(st);
  drawMap(root, st);
}
function caption(D, i) {
  return `${D.caption}: ${Math.round(100 * i / (D.n - 1))}% of the way`;
}
function show(st) {
  if (st.decode) st.redraw();
}
async function decodeShown(root, st) {
  const D = st.data, i = Number(inputOf(root, ".scrub-input").value), d = D.width;
  const code = st.codes.slice(i * d, (i + 1) * d);
  const image = await st.decode(code, 1);
  const img = (
    /** @type {HTMLImageElement} */
    part(root, ".scrub-image")
  );
  img.src = paint(st.canvas, image, D.shape).toDataURL();
  img.dataset.code = JSON.stringify(Array.from(code));
  img.dataset.index = String(i);
  part(root, ".scrub-caption").textContent = caption(D, i);
}
function drawMap(root, st) {
  const D = st.data, M = D.map, canvas = (
    /** @type {HTMLCanvasElement} */
    part(root, ".scrub-map")
  );
  const i = Number(inputOf(root, ".scrub-input").value);
  part(root, ".scrub-t").textContent = "t = " + (i / (D.n - 1)).toFixed(2);
  if (!M) {
    canvas.hidden = true;
    return;
  }
  canvas.hidden = false;
  const css = 260, ratio = window.devicePixelRatio || 1, size = Math.round(css * ratio);
  if (canvas.width !== size) {
    canvas.width = size;
    canvas.height = size;
  }
  const ctx = (
    /** @type {CanvasRenderingContext2D} */
    canvas.getContext("2d")
  );
  const { X, Y } = frame(M.bounds, size, 8 * ratio);
  ctx.clearRect(0, 0, size, size);
  if (!st.points || st.pointsOf !== M.points) {
    st.points = floatsOf(M.points);
    st.pointsOf = M.points;
  }
  ctx.globalAlpha = 0.5;
  for (let k = 0; k < st.points.length / 2; k++) {
    ctx.fillStyle = M.palette[M.groups[k] % M.palette.length];
    ctx.fillRect(X(st.points[2 * k]) - ratio, Y(st.points[2 * k + 1]) - ratio, 2 * ratio, 2 * ratio);
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = "#111";
  ctx.lineWidth = 2 * ratio;
  ctx.beginPath();
  M.path.forEach(([x, y], k) => k ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y)));
  ctx.stroke();
  ctx.font = `${12 * ratio}px sans-serif`;
  ctx.textAlign = "center";
  const ends = [[M.path[0], "A"], [M.path[M.path.length - 1], "B"]];
  ends.forEach(([[x, y], name]) => {
    ctx.fillStyle = "#fff";
    ctx.beginPath();
    ctx.arc(X(x), Y(y), 5 * ratio, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = "#111";
    ctx.fillText(name, X(x), Y(y) - 8 * ratio);
  });
  const [mx, my] = M.path[i];
  ctx.fillStyle = "#e4002b";
  ctx.beginPath();
  ctx.arc(X(mx), Y(my), 6 * ratio, 0, 2 * Math.PI);
  ctx.fill();
  ctx.lineWidth = 1.5 * ratio;
  ctx.strokeStyle = "#fff";
  ctx.stroke();
  canvas.dataset.marker = JSON.stringify([mx, my]);
}
export {
  scrubber_default2 as default
};
