// The map's controls (colour by label or error, box or lasso), its legend, and what the
// cursor does: a hovered point shows its image from the atlas, empty space is decoded through
// the map's inverse; a click picks, a selection selects.
import { decoderFor } from '../runtime/ort.js';
import { paint } from '../runtime/paint.js';
import { latest } from '../runtime/latest.js';
import { nearest } from '../runtime/nearest.js';
import { colourOf } from '../runtime/colours.js';
import { toData, clickKind } from './camera.js';
import { FAR } from './tiles.js';  // a decoded place this many typical spacings from real data is an extrapolation

/** @param {HTMLElement} root @param {any} plot @param {any} data @param {Float32Array | null} errors */
export function wireTools(root, plot, data, errors) {
  // Legend: a user's class names are text, never HTML.
  const legend = /** @type {HTMLElement} */ (root.querySelector('.amap-legend'));
  const showLegend = (/** @type {string} */ by) => {
    legend.replaceChildren();
    if (by === 'error') { legend.textContent = `reconstruction error, light to dark: ${data.error_range}`; return; }
    (data.classes || []).forEach((/** @type {string} */ name, /** @type {number} */ k) => {
      const item = document.createElement('span'), dot = document.createElement('i');
      dot.style.background = colourOf(data.palette, k);
      item.append(dot, document.createTextNode(name));
      legend.append(item);
    });
  };
  const buttons = /** @type {HTMLButtonElement[]} */ ([...root.querySelectorAll('.amap-tools button')]);
  const press = (/** @type {string} */ attr, /** @type {string} */ value) =>
    buttons.forEach(b => { if (b.dataset[attr] !== undefined) b.classList.toggle('on', b.dataset[attr] === value); });
  buttons.forEach(b => b.addEventListener('click', () => {
    if (b.dataset.by) {
      const byError = b.dataset.by === 'error' && errors;
      plot.set(byError ? { colorBy: 'valueB', pointColor: data.ramp } : { colorBy: 'valueA', pointColor: data.palette });
      press('by', byError ? 'error' : 'label'); showLegend(byError ? 'error' : 'label');
    } else { plot.set({ lassoType: b.dataset.lasso }); press('lasso', /** @type {string} */ (b.dataset.lasso)); }
  }));
  press('by', 'label'); press('lasso', 'rectangle'); showLegend('label');
  if (!errors) /** @type {HTMLButtonElement} */ (root.querySelector('[data-by=error]')).disabled = true;
}

/**
 * Wires the hover and the clicks; returns a warm-up (one decode through both graphs) that
 * carries the decoder as .decode.
 * @param {{ st: any, root: HTMLElement, canvas: HTMLCanvasElement, plot: any, data: any, xy: Float32Array,
 *           labels: Uint8Array | null, trigger: (name: string, value: any) => void, staticDir: string }} m
 */
export async function wireHover({ st, root, canvas, plot, data, xy, labels, trigger, staticDir }) {
  const hoverCanvas = /** @type {HTMLCanvasElement} */ (root.querySelector('.amap-hover-image'));
  const hoverText = /** @type {HTMLElement} */ (root.querySelector('.amap-hover-text'));
  const atlas = new Image();
  atlas.src = data.atlas.url;
  const [, h, w] = data.shape, size = data.size;
  const decode = await decoderFor(data.decoder, staticDir), inverse = await decoderFor(data.inverse, staticDir);
  const place = (/** @type {number} */ mx, /** @type {number} */ my) => toData(plot.get('cameraView'), size, data.center, data.half, mx, my);
  const showPlace = latest(async (/** @type {number[]} */ [mx, my]) => {
    const t = performance.now(), [x, y, nx, ny] = place(mx, my);
    const z = await inverse(new Float32Array([x, y]), 1);
    paint(hoverCanvas, await decode(Float32Array.from(z), 1), data.shape);
    const spacings = Math.sqrt(nearest(xy, [nx, ny])[1]) * data.half / data.spacing;
    hoverCanvas.dataset.kind = 'place'; hoverCanvas.dataset.place = JSON.stringify([x, y]);
    hoverCanvas.dataset.code = JSON.stringify(Array.from(z));
    hoverText.textContent = `decoded at (${x.toFixed(2)}, ${y.toFixed(2)}); ${spacings.toFixed(1)}x the typical `
      + 'spacing from the nearest real image' + (spacings > FAR ? ': the decoder is extrapolating' : '');
    root.dataset.hoverMs = String(Math.round(performance.now() - t));
  });
  const showPoint = (/** @type {number} */ i) => {
    hoverCanvas.width = w; hoverCanvas.height = h;
    const g = /** @type {CanvasRenderingContext2D} */ (hoverCanvas.getContext('2d'));
    g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
    if (i < data.atlas.count && atlas.complete) g.drawImage(atlas, (i % data.atlas.cols) * w, Math.floor(i / data.atlas.cols) * h, w, h, 0, 0, w, h);
    hoverCanvas.dataset.kind = 'point'; hoverCanvas.dataset.index = String(i);
    hoverText.textContent = `image #${i}` + (labels && data.classes ? ` · ${data.classes[labels[i]]}` : '')
      + (i < data.atlas.count ? '' : ' (no thumbnail: beyond the first ' + data.atlas.count + ')');
  };
  plot.subscribe('pointOver', (/** @type {number} */ i) => { st.hovered = i; showPoint(i); });
  plot.subscribe('pointOut', () => { st.hovered = -1; });
  const local = (/** @type {MouseEvent} */ e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.addEventListener('mousemove', e => { if (st.hovered < 0 && !e.buttons) showPlace(local(e)); });
  canvas.addEventListener('mousedown', e => { st.down = local(e); });
  canvas.addEventListener('mouseup', e => {
    const up = local(e), kind = clickKind(st.down, up, e.shiftKey, st.hovered);
    st.down = null;
    if (kind === 'point') trigger('pick', { kind, index: st.hovered });
    else if (kind === 'place') { const [x, y] = place(up[0], up[1]); trigger('pick', { kind, x, y }); }
  });
  plot.subscribe('lassoStart', () => { st.lassoing = true; });
  plot.subscribe('select', (/** @type {{ points: number[] }} */ { points }) => {
    if (!st.lassoing) return;  // a click selects its point too: that is a pick, sent above
    st.lassoing = false;
    trigger('selection', Array.from(points));
  });
  st.atlas = atlas;  // the drawing's nearest images come from it too
  const warm = async () => { await decode(Float32Array.from(await inverse(new Float32Array(data.center), 1)), 1); };
  return Object.assign(warm, { decode });
}
