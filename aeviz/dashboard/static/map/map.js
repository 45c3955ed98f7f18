// map/map.html
var map_default = '<div class="amap"><div class="amap-left">\n<div class="amap-stage"><canvas class="amap-canvas" aria-label="latent map"></canvas></div>\n<div class="amap-tools"><span class="amap-colour">colour: <button data-by="label">label</button>\n<button data-by="error">reconstruction error</button></span>\n<span>selection: <button data-lasso="rectangle">box</button><button data-lasso="freeform">lasso</button></span></div>\n<div class="amap-legend"></div>\n<div class="amap-note">Scroll to zoom, drag to pan; shift + drag selects; click pins a point or a place.</div></div>\n<figure class="amap-hover"><canvas class="amap-hover-image"></canvas><figcaption class="amap-hover-text">\nHover the map: a point shows its image, empty space is decoded.</figcaption></figure></div>\n';

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

// runtime/colours.js
function pixelWord(hex) {
  const v = parseInt(hex.slice(1), 16);
  return (255 << 24 | (v & 255) << 16 | (v >> 8 & 255) << 8 | v >> 16) >>> 0;
}
var colourOf = (palette, k) => palette[k % palette.length];

// map/preview.js
function disc(d) {
  const r = d / 2, out = [];
  for (let dy = 0; dy < d; dy++) for (let dx = 0; dx < d; dx++)
    if ((dx + 0.5 - r) ** 2 + (dy + 0.5 - r) ** 2 <= r * r + 0.5) out.push([dx, dy]);
  return out;
}
function previewPixels(w, xy, labels, palette, d) {
  const px = new Uint32Array(w * w).fill(4294967295), colours = palette.map(pixelWord);
  const r = d / 2, dot = disc(d), n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    const x0 = Math.round((xy[2 * i] + 1) / 2 * w - r), y0 = Math.round((1 - xy[2 * i + 1]) / 2 * w - r);
    const colour = colours[(labels ? labels[i] : 0) % colours.length];
    for (const [dx, dy] of dot) {
      const x = x0 + dx, y = y0 + dy;
      if (x >= 0 && x < w && y >= 0 && y < w) px[y * w + x] = colour;
    }
  }
  return px;
}
function preview(root, size, xy, labels, palette, pointSize) {
  root.querySelectorAll(".amap-preview").forEach((old) => old.remove());
  const dpr = window.devicePixelRatio || 1, w = Math.round(size * dpr);
  const c = document.createElement("canvas");
  c.className = "amap-preview";
  c.width = w;
  c.height = w;
  c.style.width = size + "px";
  c.style.height = size + "px";
  const g = (
    /** @type {CanvasRenderingContext2D} */
    c.getContext("2d")
  ), img = g.createImageData(w, w);
  new Uint32Array(img.data.buffer).set(previewPixels(w, xy, labels, palette, Math.max(1, Math.round(pointSize * dpr))));
  g.putImageData(img, 0, 0);
  root.querySelector(".amap-stage").append(c);
  return c;
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

// map/camera.js
function toData(view, size, center, half, mx, my) {
  const nx = (2 * mx / size - 1 - view[12]) / view[0], ny = (1 - 2 * my / size - view[13]) / view[5];
  return [center[0] + nx * half, center[1] + ny * half, nx, ny];
}
var CLICK_SLOP = 4;
function clickKind(down, up, shift, hovered) {
  if (!down || Math.hypot(up[0] - down[0], up[1] - down[1]) > CLICK_SLOP || shift) return null;
  return hovered >= 0 ? "point" : "place";
}

// map/hover.js
var FAR = 12;
function wireTools(root, plot, data, errors) {
  const legend = (
    /** @type {HTMLElement} */
    root.querySelector(".amap-legend")
  );
  const showLegend = (by) => {
    legend.replaceChildren();
    if (by === "error") {
      legend.textContent = `reconstruction error, light to dark: ${data.error_range}`;
      return;
    }
    (data.classes || []).forEach((name, k) => {
      const item = document.createElement("span"), dot = document.createElement("i");
      dot.style.background = colourOf(data.palette, k);
      item.append(dot, document.createTextNode(name));
      legend.append(item);
    });
  };
  const buttons = (
    /** @type {HTMLButtonElement[]} */
    [...root.querySelectorAll(".amap-tools button")]
  );
  const press = (attr, value) => buttons.forEach((b) => {
    if (b.dataset[attr] !== void 0) b.classList.toggle("on", b.dataset[attr] === value);
  });
  buttons.forEach((b) => b.addEventListener("click", () => {
    if (b.dataset.by) {
      const byError = b.dataset.by === "error" && errors;
      plot.set(byError ? { colorBy: "valueB", pointColor: data.ramp } : { colorBy: "valueA", pointColor: data.palette });
      press("by", byError ? "error" : "label");
      showLegend(byError ? "error" : "label");
    } else {
      plot.set({ lassoType: b.dataset.lasso });
      press(
        "lasso",
        /** @type {string} */
        b.dataset.lasso
      );
    }
  }));
  press("by", "label");
  press("lasso", "rectangle");
  showLegend("label");
  if (!errors) root.querySelector("[data-by=error]").disabled = true;
}
async function wireHover({ st, root, canvas, plot, data, xy, labels, trigger, staticDir }) {
  const hoverCanvas = (
    /** @type {HTMLCanvasElement} */
    root.querySelector(".amap-hover-image")
  );
  const hoverText = (
    /** @type {HTMLElement} */
    root.querySelector(".amap-hover-text")
  );
  const atlas = new Image();
  atlas.src = data.atlas.url;
  const [, h, w] = data.shape, size = data.size;
  const decode = await decoderFor(data.decoder, staticDir), inverse = await decoderFor(data.inverse, staticDir);
  const place = (mx, my) => toData(plot.get("cameraView"), size, data.center, data.half, mx, my);
  const showPlace = latest(async ([mx, my]) => {
    const t = performance.now(), [x, y, nx, ny] = place(mx, my);
    const z = await inverse(new Float32Array([x, y]), 1);
    paint(hoverCanvas, await decode(Float32Array.from(z), 1), data.shape);
    const spacings = Math.sqrt(nearest(xy, [nx, ny])[1]) * data.half / data.spacing;
    hoverCanvas.dataset.kind = "place";
    hoverCanvas.dataset.place = JSON.stringify([x, y]);
    hoverCanvas.dataset.code = JSON.stringify(Array.from(z));
    hoverText.textContent = `decoded at (${x.toFixed(2)}, ${y.toFixed(2)}); ${spacings.toFixed(1)}x the typical spacing from the nearest real image` + (spacings > FAR ? ": the decoder is extrapolating" : "");
    root.dataset.hoverMs = String(Math.round(performance.now() - t));
  });
  const showPoint = (i) => {
    hoverCanvas.width = w;
    hoverCanvas.height = h;
    const g = (
      /** @type {CanvasRenderingContext2D} */
      hoverCanvas.getContext("2d")
    );
    g.fillStyle = "#fff";
    g.fillRect(0, 0, w, h);
    if (i < data.atlas.count && atlas.complete) g.drawImage(atlas, i % data.atlas.cols * w, Math.floor(i / data.atlas.cols) * h, w, h, 0, 0, w, h);
    hoverCanvas.dataset.kind = "point";
    hoverCanvas.dataset.index = String(i);
    hoverText.textContent = `image #${i}` + (labels && data.classes ? ` · ${data.classes[labels[i]]}` : "") + (i < data.atlas.count ? "" : " (no thumbnail: beyond the first " + data.atlas.count + ")");
  };
  plot.subscribe("pointOver", (i) => {
    st.hovered = i;
    showPoint(i);
  });
  plot.subscribe("pointOut", () => {
    st.hovered = -1;
  });
  const local = (e) => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  canvas.addEventListener("mousemove", (e) => {
    if (st.hovered < 0 && !e.buttons) showPlace(local(e));
  });
  canvas.addEventListener("mousedown", (e) => {
    st.down = local(e);
  });
  canvas.addEventListener("mouseup", (e) => {
    const up = local(e), kind = clickKind(st.down, up, e.shiftKey, st.hovered);
    st.down = null;
    if (kind === "point") trigger("pick", { kind, index: st.hovered });
    else if (kind === "place") {
      const [x, y] = place(up[0], up[1]);
      trigger("pick", { kind, x, y });
    }
  });
  plot.subscribe("lassoStart", () => {
    st.lassoing = true;
  });
  plot.subscribe("select", ({ points }) => {
    if (!st.lassoing) return;
    st.lassoing = false;
    trigger("selection", Array.from(points));
  });
  return async () => {
    await decode(Float32Array.from(await inverse(new Float32Array(data.center), 1)), 1);
  };
}

// map/map.js
function map_default2(host) {
  const { data, setStateValue, setTriggerValue, parentElement } = host;
  if (!data) return;
  const root = rootOf(parentElement, map_default, ".amap");
  let st = root.__amap;
  if (st && st.key === data.key) {
    st.data = data;
    return;
  }
  if (st && st.plot) {
    st.plot.destroy();
    st.renderer.destroy();
  }
  st = root.__amap = { key: data.key, data, hovered: -1, down: null, lassoing: false };
  setup(
    st,
    root,
    data,
    /** @type {(name: string, value: any) => void} */
    setTriggerValue
  ).catch((err) => {
    console.warn("aeviz: the map falls back to the server:", err);
    root.querySelectorAll(".amap-preview").forEach((c) => c.remove());
    setStateValue("runtime", "unavailable");
  });
}
async function setup(st, root, data, trigger) {
  const canvas = (
    /** @type {HTMLCanvasElement} */
    root.querySelector(".amap-canvas")
  ), size = data.size;
  canvas.style.width = size + "px";
  canvas.style.height = size + "px";
  const staticDir = data.static ?? DASHBOARD_STATIC;
  const t0 = performance.now();
  const module = import(
    /* webpackIgnore: true */
    new URL(staticDir + "scatter/regl-scatterplot.min.mjs", document.baseURI).href
  );
  const n = data.n, xy = floatsOf(data.xy);
  const labels = data.labels ? base64Bytes(data.labels) : null, errors = data.errors ? floatsOf(data.errors) : null;
  const early = preview(root, size, xy, labels, data.palette, data.point_size);
  await painted();
  root.dataset.shownMs = String(Math.round(performance.now() - t0));
  const t0b = performance.now();
  const { createScatterplot, createRenderer } = await module;
  const t1 = performance.now();
  const renderer = st.renderer = createRenderer({ canvas: document.createElement("canvas") });
  renderer.resize(size, size);
  const plot = st.plot = createScatterplot({
    renderer,
    canvas,
    width: size,
    height: size,
    pointSize: data.point_size,
    pointSizeSelected: data.point_size + 2,
    pointOutlineWidth: 1,
    opacityInactiveScale: 0.6,
    backgroundColor: [1, 1, 1, 1],
    lassoColor: [0.1, 0.1, 0.1, 1],
    lassoType: "rectangle",
    pointColor: data.palette,
    colorBy: "valueA"
  });
  const t2 = performance.now();
  const points = { x: new Float32Array(n), y: new Float32Array(n), valueA: new Float32Array(n), valueB: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    points.x[i] = xy[2 * i];
    points.y[i] = xy[2 * i + 1];
    points.valueA[i] = labels ? labels[i] : 0;
    points.valueB[i] = errors ? errors[i] : 0;
  }
  const t3 = performance.now();
  await plot.draw(points, { zDataType: "categorical", wDataType: "continuous" });
  early.remove();
  const t4 = performance.now();
  root.dataset.drawnMs = String(Math.round(t4 - t0));
  root.dataset.steps = [t0b - t0, t1 - t0b, t2 - t1, t3 - t2, t4 - t3].map(Math.round).join(",");
  root.dataset.points = String(n);
  wireTools(root, plot, data, errors);
  const warm = await wireHover({ st, root, canvas, plot, data, xy, labels, trigger, staticDir });
  await warm();
  root.dataset.ready = "1";
}
var painted = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
export {
  map_default2 as default
};
