// The map's controls (colour by label or error, box or lasso), its legend, and what the
// cursor does: a hovered point shows its image from the atlas (or, beyond the atlas, the decoder's
// image of its place), empty space is decoded through the map's inverse; a click picks, a
// selection selects.
import { decoderFor } from '../runtime/ort.js';
import { paint } from '../runtime/paint.js';
import { latest } from '../runtime/latest.js';
import { nearestIn } from './grid.js';
import { colourOf } from '../runtime/colours.js';
import { toData, toScreen, clickKind } from './camera.js';
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

/** Pixels beyond a dot's radius that still hover it: a 2-pixel dot is hard to land on. */
export const HOVER_SLOP = 3;

/**
 * Wires the hover and the clicks, both through the grid (grid.js): the point under the
 * cursor is the nearest one within a dot's radius and HOVER_SLOP pixels, else the cursor is
 * on empty space and the place is decoded. Each hover records its time from the mouse move to
 * its image painted (data-hover-ms, data-hover-kind), each click the time to find what it
 * picked (data-pick-ms). Returns a warm-up (one decode through both graphs) that carries the
 * decoder as .decode.
 * @param {{ st: any, root: HTMLElement, canvas: HTMLCanvasElement, plot: any, data: any, xy: Float32Array,
 *           grid: import('./grid.js').Grid, labels: Uint8Array | null, trigger: (name: string, value: any) => void,
 *           staticDir: string }} m
 */
export async function wireHover({ st, root, canvas, plot, data, xy, grid, labels, trigger, staticDir }) {
  const hoverCanvas = /** @type {HTMLCanvasElement} */ (root.querySelector('.amap-hover-image'));
  const hoverText = /** @type {HTMLElement} */ (root.querySelector('.amap-hover-text'));
  const ring = /** @type {HTMLElement} */ (root.querySelector('.amap-ring'));
  const atlas = new Image();
  atlas.src = data.atlas.url;
  const [, h, w] = data.shape, size = data.size;
  const decode = await decoderFor(data.decoder, staticDir), inverse = await decoderFor(data.inverse, staticDir);
  const place = (/** @type {number} */ mx, /** @type {number} */ my) => toData(plot.get('cameraView'), size, data.center, data.half, mx, my);
  const hit = (/** @type {number} */ mx, /** @type {number} */ my) => {
    const view = plot.get('cameraView'), [, , nx, ny] = place(mx, my);
    return nearestIn(grid, nx, ny, (data.point_size / 2 + HOVER_SLOP) * 2 / (size * view[0]))[0];
  };
  const done = (/** @type {string} */ kind, /** @type {number} */ since) => {
    root.dataset.hoverKind = kind; root.dataset.hoverMs = (performance.now() - since).toFixed(1);
    root.dataset.hovers = String(Number(root.dataset.hovers ?? 0) + 1);  // a benchmark waits for the next
  };
  /** The decoder's image of map place (x, y), painted; returns its code. @param {number} x @param {number} y */
  const decodeAt = async (x, y) => {
    const z = await inverse(new Float32Array([x, y]), 1);
    paint(hoverCanvas, await decode(Float32Array.from(z), 1), data.shape);
    hoverCanvas.dataset.code = JSON.stringify(Array.from(z));
    return z;
  };
  const showPlace = latest(async (/** @type {number[]} */ [mx, my, since]) => {
    const [x, y, nx, ny] = place(mx, my);
    await decodeAt(x, y);
    const spacings = Math.sqrt(nearestIn(grid, nx, ny)[1]) * data.half / data.spacing;
    hoverCanvas.dataset.kind = 'place'; hoverCanvas.dataset.place = JSON.stringify([x, y]);
    hoverText.textContent = `decoded at (${x.toFixed(2)}, ${y.toFixed(2)}); ${spacings.toFixed(1)}x the typical `
      + 'spacing from the nearest real image' + (spacings > FAR ? ': the decoder is extrapolating' : '');
    done('place', since);
  });
  // A point beyond the atlas has no thumbnail in the page: it shows the decoder's image of
  // its place on the map instead, and says so.
  const showUnheld = latest(async (/** @type {number[]} */ [i, since]) => {
    await decodeAt(data.center[0] + xy[2 * i] * data.half, data.center[1] + xy[2 * i + 1] * data.half);
    if (st.hovered === i) done('point-decoded', since);
  });
  const showPoint = (/** @type {number} */ i, /** @type {number} */ since) => {
    const held = i < data.atlas.count;
    hoverCanvas.dataset.kind = 'point'; hoverCanvas.dataset.index = String(i);
    hoverText.textContent = `image #${i}` + (labels && data.classes ? ` · ${data.classes[labels[i]]}` : '')
      + (held ? '' : ` · no thumbnail held beyond the first ${data.atlas.count.toLocaleString('en')} images:`
        + ' shown is the decoder\'s image of its place on the map');
    if (!held) { showUnheld([i, since]); return; }
    hoverCanvas.width = w; hoverCanvas.height = h;
    const g = /** @type {CanvasRenderingContext2D} */ (hoverCanvas.getContext('2d'));
    g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
    if (atlas.complete) g.drawImage(atlas, (i % data.atlas.cols) * w, Math.floor(i / data.atlas.cols) * h, w, h, 0, 0, w, h);
    done('point', since);
  };
  // The hovered point's ring is an element over the canvas, not the scatter's own: that one
  // redraws every point, and in software WebGL a frame of a million points held the page's
  // thread for most of a second, each move waiting behind the last one's frame (hover p95 1 s).
  const showRing = () => {
    const i = st.hovered, [sx, sy] = i >= 0 ? toScreen(plot.get('cameraView'), size, xy[2 * i], xy[2 * i + 1]) : [-1, -1];
    ring.hidden = i < 0 || sx < 0 || sy < 0 || sx > size || sy > size;
    ring.style.left = `${sx}px`; ring.style.top = `${sy}px`;
  };
  plot.subscribe('view', showRing);
  const local = (/** @type {MouseEvent} */ e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  // The scatter rings the point under the cursor only while it believes the mouse is over its
  // canvas: told once that the mouse left, and never told that it came in, it leaves hovering to
  // the grid, while every move still reaches it and its camera (a drag pans, selects).
  canvas.addEventListener('mouseenter', e => e.stopImmediatePropagation(), { capture: true });
  const quiet = () => canvas.dispatchEvent(new MouseEvent('mouseleave'));
  quiet();
  window.addEventListener('blur', quiet);  // a blur makes it look again at the next move
  canvas.addEventListener('mousemove', e => {
    if (e.buttons) return;  // a pan or a selection: the scatter's
    // timed from the event's own time stamp: a move that waited behind other work counts that wait
    const since = e.timeStamp, [mx, my] = local(e), i = hit(mx, my);
    if (i === st.hovered && i >= 0) return;
    st.hovered = i;
    showRing();
    if (i >= 0) showPoint(i, since); else showPlace([mx, my, since]);
  });
  canvas.addEventListener('mouseleave', () => { st.hovered = -1; showRing(); });
  canvas.addEventListener('mousedown', e => { st.down = local(e); });
  canvas.addEventListener('mouseup', e => {
    const t = performance.now(), up = local(e), under = hit(up[0], up[1]), kind = clickKind(st.down, up, e.shiftKey, under);
    st.down = null;
    if (kind) root.dataset.pickMs = (performance.now() - t).toFixed(2);
    if (kind === 'point') trigger('pick', { kind, index: under });
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
