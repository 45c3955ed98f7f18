// `aeviz export CKPT --html DIR`'s page: the dashboard's own map, walk and scrubber
// components (their built modules, copied beside this one), mounted with the data of
// explorer.json and the ONNX files beside it. A click on the map pins a code: the sliders
// start from it, and two pins give a scrubber from A to B.
import './explorer.css';
import mountMap from '../map/map.js';
import mountWalk from '../walk/walk.js';
import mountScrubber from '../scrubber/scrubber.js';
import { base64Bytes, base64Floats } from '../runtime/base64.js';
import { decoderFor } from '../runtime/ort.js';
import { CATEGORY10 } from '../runtime/colours.js';
import { lerpCodes, lerpPlaces, bounds } from './path.js';

const STATIC = '';   // the runtime, the scatter and the components sit beside this page
const STEPS = 101;   // codes along the path from A to B
const $ = (/** @type {string} */ s) => /** @type {HTMLElement} */ (document.querySelector(s));
const say = (/** @type {string} */ text) => { $('#status').textContent = text; };

async function main() {
  let meta;
  try {
    meta = await (await fetch('explorer.json')).json();
  } catch {
    say('Could not read explorer.json: serve this folder with a web server (for example python -m http.server).');
    return;
  }
  $('#title').textContent = meta.title;
  $('#subtitle').textContent = meta.subtitle;
  const bytes = async (/** @type {string} */ f) => new Uint8Array(await (await fetch(f)).arrayBuffer());
  const decoder = { id: 'decoder', bytes: await bytes(meta.decoder), width: meta.latent_dim };
  const inverseGraph = { id: 'inverse', bytes: await bytes(meta.inverse), width: 2 };
  const [, h, w] = meta.map.shape, encoder = { id: 'encoder', bytes: await bytes(meta.encoder), width: meta.map.shape[0] * h * w };
  const codes = base64Floats(meta.codes), d = meta.latent_dim, places = base64Floats(meta.places);
  /** @type {{ code: Float32Array, place: number[] }[]} */
  let pins = [];
  const unavailable = (/** @type {string} */ name, /** @type {any} */ value) => {
    if (name === 'runtime' && value === 'unavailable') say('This browser cannot run the decoder or draw the map (it needs WebAssembly and WebGL).');
  };
  const walk = (/** @type {Float32Array} */ code, /** @type {string} */ key) => mountWalk({ parentElement: $('#walk'), setStateValue: unavailable,
    data: { ...meta.walk, key, codes: meta.codes, base: Array.from(code), values: meta.walk.dims.map((/** @type {number} */ k) => code[k]), decoder, static: STATIC } });
  const pin = async (/** @type {any} */ pick) => {
    const code = pick.kind === 'point' ? codes.slice(pick.index * d, (pick.index + 1) * d)
      : Float32Array.from(await (await decoderFor(inverseGraph, STATIC))(new Float32Array([pick.x, pick.y]), 1));
    const place = pick.kind === 'point' ? [places[2 * pick.index], places[2 * pick.index + 1]] : [pick.x, pick.y];
    pins = pins.length === 2 ? [{ code, place }] : [...pins, { code, place }];
    walk(code, `pin ${Date.now()}`);
    $('#pins').textContent = pins.length === 2 ? 'Pinned B: scrub from A to B below.' : 'Pinned A; click again to pin B.';
    $('#scrubber').hidden = pins.length < 2;
    if (pins.length === 2) mountScrubber({ parentElement: $('#scrubber'), setStateValue: unavailable, data: {
      ...meta.scrubber, index: 0, n: STEPS, width: d, codes: lerpCodes(pins[0].code, pins[1].code, STEPS), decoder, static: STATIC,
      map: { bounds: bounds(places), points: places, groups: meta.map.labels ? base64Bytes(meta.map.labels) : new Uint8Array(places.length / 2),
             palette: CATEGORY10, path: lerpPlaces(pins[0].place, pins[1].place, STEPS) } } });
  };
  mountMap({ parentElement: $('#map'), setStateValue: unavailable,
    setTriggerValue: (name, value) => { if (name === 'pick') pin(value).catch(err => say(String(err))); },
    data: { ...meta.map, key: 'explorer', palette: CATEGORY10, ramp: CATEGORY10, decoder, inverse: inverseGraph, encoder,
            codes: meta.codes, static: STATIC } });
  walk(codes.slice(0, d), 'start');
  document.body.dataset.ready = '1';
}
main();
