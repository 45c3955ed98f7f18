// The map's controls (colour by label or error, box or lasso), its legend, and what the
// cursor does: a hovered point shows its image from the atlas (or, beyond the atlas, the decoder's
// image of its place at once, then its own image fetched from the server: thumbnails.js), empty
// space is decoded through the map's inverse; a click picks, a selection selects.
import { decoderFor } from '../runtime/ort.js';
import { paint } from '../runtime/paint.js';
import { latest } from '../runtime/latest.js';
import { nearestIn } from './grid.js';
import { colourOf } from '../runtime/colours.js';
import { thumbnailCache, fetchThumbnail } from './thumbnails.js';
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
 * its first image painted (data-hover-ms, data-hover-kind), a point past the atlas its time to
 * its own thumbnail painted (data-thumbnail-ms, counted in data-thumbnails), each click the time
 * to find what it picked (data-pick-ms). Returns a warm-up (one decode through both graphs) that carries the
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
  // Only the dashboard's server sends thumbnails: the static explorer's data names no source.
  const thumbs = data.thumbnails ? thumbnailCache(fetchThumbnail(data.thumbnails)) : null;
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
  // A point past the atlas has two images, its decoded place and its thumbnail, in either order:
  // the hover is done at the first one painted. A hover is known by its mouse event's time.
  const first = (/** @type {string} */ kind, /** @type {number} */ since) => {
    if (st.shownFor !== since) { st.shownFor = since; done(kind, since); }
  };
  const still = (/** @type {number} */ since) => st.hovered >= 0 && st.hoveredAt === since;
  /**
   * The decoder's image of map place (x, y), painted unless `keep()` has turned false meanwhile;
   * says whether it was. @param {number} x @param {number} y @param {() => boolean} [keep]
   */
  const decodeAt = async (x, y, keep = () => true) => {
    const z = await inverse(new Float32Array([x, y]), 1), image = await decode(Float32Array.from(z), 1);
    if (!keep()) return false;
    paint(hoverCanvas, image, data.shape);
    hoverCanvas.dataset.code = JSON.stringify(Array.from(z));
    return true;
  };
  const showPlace = latest(async (/** @type {number[]} */ [mx, my, since]) => {
    const [x, y, nx, ny] = place(mx, my);
    if (!await decodeAt(x, y, () => st.hovered < 0)) return;  // the cursor is on a point now: its image stays
    const spacings = Math.sqrt(nearestIn(grid, nx, ny)[1]) * data.half / data.spacing;
    hoverCanvas.dataset.kind = hoverCanvas.dataset.source = 'place'; hoverCanvas.dataset.place = JSON.stringify([x, y]);
    hoverText.textContent = `decoded at (${x.toFixed(2)}, ${y.toFixed(2)}); ${spacings.toFixed(1)}x the typical `
      + 'spacing from the nearest real image' + (spacings > FAR ? ': the decoder is extrapolating' : '');
    done('place', since);
  });
  // A point beyond the atlas has no thumbnail in the page: it shows the decoder's image of
  // its place on the map at once, and says so, until its own thumbnail comes from the server.
  const showUnheld = latest(async (/** @type {number[]} */ [i, since]) => {
    const keep = () => still(since) && hoverCanvas.dataset.source !== 'thumbnail';
    if (await decodeAt(data.center[0] + xy[2 * i] * data.half, data.center[1] + xy[2 * i + 1] * data.half, keep)) {
      hoverCanvas.dataset.source = 'decoded';
      first('point-decoded', since);
    }
  });
  const named = (/** @type {number} */ i) => `image #${i}` + (labels && data.classes ? ` · ${data.classes[labels[i]]}` : '');
  const unheld = ` · no thumbnail held beyond the first ${data.atlas.count.toLocaleString('en')} images:`
    + ' shown is the decoder\'s image of its place on the map';
  /**
   * The hovered image: `image` (a thumbnail, or the atlas from sx, sy) on white.
   * @param {CanvasImageSource | null} image
   */
  const paintImage = (image, sx = 0, sy = 0) => {
    hoverCanvas.width = w; hoverCanvas.height = h;
    const g = /** @type {CanvasRenderingContext2D} */ (hoverCanvas.getContext('2d'));
    g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
    if (image) g.drawImage(image, sx, sy, w, h, 0, 0, w, h);
  };
  const paintThumbnail = (/** @type {number} */ i, /** @type {ImageBitmap} */ image, /** @type {number} */ since) => {
    paintImage(image);
    hoverCanvas.dataset.source = 'thumbnail'; hoverText.textContent = named(i);
    root.dataset.thumbnailMs = (performance.now() - since).toFixed(1);
    root.dataset.thumbnails = String(Number(root.dataset.thumbnails ?? 0) + 1);  // a benchmark waits for the next
    first('point-thumbnail', since);
  };
  const showPoint = (/** @type {number} */ i, /** @type {number} */ since) => {
    hoverCanvas.dataset.kind = 'point'; hoverCanvas.dataset.index = String(i);
    // The atlas comes beside the points, not in their message: until it is in, a point of it
    // is shown as one past it is (its place decoded, its own thumbnail asked for).
    if (i < data.atlas.count && atlas.complete && atlas.naturalWidth > 0) {
      hoverText.textContent = named(i);
      hoverCanvas.dataset.source = 'atlas';
      paintImage(atlas, (i % data.atlas.cols) * w, Math.floor(i / data.atlas.cols) * h);
      done('point', since);
      return;
    }
    delete hoverCanvas.dataset.source;
    const kept = thumbs?.held(i);
    if (kept) { paintThumbnail(i, kept, since); return; }
    const asking = thumbs && !thumbs.gaveUp();
    hoverText.textContent = named(i) + (asking ? ' · its thumbnail on its way; meanwhile the decoder\'s image of its place' : unheld);
    showUnheld([i, since]);
    if (!asking) return;
    thumbs.get(i).then(image => {
      if (!still(since)) return;
      if (image) paintThumbnail(i, image, since);
      else hoverText.textContent = named(i) + unheld;  // the decoded place stays, and says what it is
    });
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
    st.hovered = i; st.hoveredAt = since;
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
  st.atlas = atlas; st.thumbnails = thumbs;  // the drawing's nearest images come from them too
  const warm = async () => { await decode(Float32Array.from(await inverse(new Float32Array(data.center), 1)), 1); };
  return Object.assign(warm, { decode });
}
