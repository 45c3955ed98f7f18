// explorer/explorer.js
import mountMap from "./map/map.js";
import mountWalk from "./walk/walk.js";
import mountScrubber from "./scrubber/scrubber.js";

// runtime/base64.js
function base64Bytes(text) {
  const bin = atob(text), out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function base64Floats(text) {
  return new Float32Array(base64Bytes(text).buffer);
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
var CATEGORY10 = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf"
];

// explorer/path.js
function lerpCodes(a, b, n) {
  const d = a.length, out = new Float32Array(n * d);
  for (let k = 0; k < n; k++) {
    const t = k / (n - 1);
    for (let j = 0; j < d; j++) out[k * d + j] = a[j] + t * (b[j] - a[j]);
  }
  return out;
}
var lerpPlaces = (a, b, n) => Array.from({ length: n }, (_, k) => {
  const t = k / (n - 1);
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
});
function bounds(xy) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    x0 = Math.min(x0, xy[i]);
    x1 = Math.max(x1, xy[i]);
    y0 = Math.min(y0, xy[i + 1]);
    y1 = Math.max(y1, xy[i + 1]);
  }
  return [x0, x1, y0, y1];
}

// explorer/explorer.js
var STATIC = "";
var STEPS = 101;
var $ = (s) => (
  /** @type {HTMLElement} */
  document.querySelector(s)
);
var say = (text) => {
  $("#status").textContent = text;
};
async function main() {
  let meta;
  try {
    meta = await (await fetch("explorer.json")).json();
  } catch {
    say("Could not read explorer.json: serve this folder with a web server (for example python -m http.server).");
    return;
  }
  $("#title").textContent = meta.title;
  $("#subtitle").textContent = meta.subtitle;
  const bytes = async (f) => new Uint8Array(await (await fetch(f)).arrayBuffer());
  const decoder = { id: "decoder", bytes: await bytes(meta.decoder), width: meta.latent_dim };
  const inverseGraph = { id: "inverse", bytes: await bytes(meta.inverse), width: 2 };
  const codes = base64Floats(meta.codes), d = meta.latent_dim, places = base64Floats(meta.places);
  let pins = [];
  const unavailable = (name, value) => {
    if (name === "runtime" && value === "unavailable") say("This browser cannot run the decoder or draw the map (it needs WebAssembly and WebGL).");
  };
  const walk = (code, key) => mountWalk({
    parentElement: $("#walk"),
    setStateValue: unavailable,
    data: { ...meta.walk, key, codes: meta.codes, base: Array.from(code), values: meta.walk.dims.map((k) => code[k]), decoder, static: STATIC }
  });
  const pin = async (pick) => {
    const code = pick.kind === "point" ? codes.slice(pick.index * d, (pick.index + 1) * d) : Float32Array.from(await (await decoderFor(inverseGraph, STATIC))(new Float32Array([pick.x, pick.y]), 1));
    const place = pick.kind === "point" ? [places[2 * pick.index], places[2 * pick.index + 1]] : [pick.x, pick.y];
    pins = pins.length === 2 ? [{ code, place }] : [...pins, { code, place }];
    walk(code, `pin ${Date.now()}`);
    $("#pins").textContent = pins.length === 2 ? "Pinned B: scrub from A to B below." : "Pinned A; click again to pin B.";
    $("#scrubber").hidden = pins.length < 2;
    if (pins.length === 2) mountScrubber({ parentElement: $("#scrubber"), setStateValue: unavailable, data: {
      ...meta.scrubber,
      index: 0,
      n: STEPS,
      width: d,
      codes: lerpCodes(pins[0].code, pins[1].code, STEPS),
      decoder,
      static: STATIC,
      map: {
        bounds: bounds(places),
        points: places,
        groups: meta.map.labels ? base64Bytes(meta.map.labels) : new Uint8Array(places.length / 2),
        palette: CATEGORY10,
        path: lerpPlaces(pins[0].place, pins[1].place, STEPS)
      }
    } });
  };
  mountMap({
    parentElement: $("#map"),
    setStateValue: unavailable,
    setTriggerValue: (name, value) => {
      if (name === "pick") pin(value).catch((err) => say(String(err)));
    },
    data: { ...meta.map, key: "explorer", palette: CATEGORY10, ramp: CATEGORY10, decoder, inverse: inverseGraph, static: STATIC }
  });
  walk(codes.slice(0, d), "start");
  document.body.dataset.ready = "1";
}
main();
