// The drawing pad: a square canvas with a pen, an eraser and Clear, and an upload that fills
// it. It keeps its own pixels; `ink()` reads them back as ink in [0, 1] (what stands out from
// the background), and `changed` is called at every stroke's move and every upload.
import { part } from '../runtime/mount.js';
import { inkOf } from './ink.js';

/** The pad's pixels a side: enough for a smooth stroke, few enough to read back at each move. */
export const SIDE = 112;

/**
 * @param {HTMLElement} root the element holding the pad's markup (.adraw-*)
 * @param {{ darkInk: boolean, canDraw: boolean, changed: () => void, said: (text: string) => void }} o
 *   darkInk: the split's images are dark ink on a light ground; canDraw: the pen is offered
 *   (small grey images); otherwise the pad shows an upload alone
 */
export function makePad(root, { darkInk, canDraw, changed, said }) {
  const canvas = /** @type {HTMLCanvasElement} */ (part(root, '.adraw-pad'));
  canvas.width = canvas.height = SIDE;
  const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: true }));
  const ground = darkInk ? '#fff' : '#000', inkColour = darkInk ? '#000' : '#fff';
  let tool = 'pen', /** @type {number[] | null} */ last = null, /** @type {ImageBitmap | null} */ photo = null;
  const clear = () => { g.fillStyle = ground; g.fillRect(0, 0, SIDE, SIDE); photo = null; };
  clear();
  const at = (/** @type {PointerEvent} */ e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * SIDE / r.width, (e.clientY - r.top) * SIDE / r.height];
  };
  const stroke = (/** @type {number[]} */ from, /** @type {number[]} */ to) => {
    g.strokeStyle = tool === 'pen' ? inkColour : ground;
    g.lineWidth = tool === 'pen' ? SIDE / 11 : SIDE / 5;  // a pen about as thick, for its size, as MNIST's strokes
    g.lineCap = g.lineJoin = 'round';
    g.beginPath(); g.moveTo(from[0], from[1]); g.lineTo(to[0], to[1]); g.stroke();
    // A press without a move is a dot (a line of no length draws nothing in some browsers).
    if (from[0] === to[0] && from[1] === to[1]) {
      g.fillStyle = g.strokeStyle; g.beginPath(); g.arc(to[0], to[1], g.lineWidth / 2, 0, 2 * Math.PI); g.fill();
    }
  };
  if (canDraw) {
    canvas.addEventListener('pointerdown', e => {
      try {
        canvas.setPointerCapture(e.pointerId);  // the stroke goes on outside the pad
      } catch { /* a pointer the browser does not track (a synthetic one): the stroke stops at the edge */ }
      last = at(e); stroke(last, last); changed();
    });
    canvas.addEventListener('pointermove', e => {
      if (!last) return;
      // A fast stroke's moves come grouped into one event: each is drawn.
      const grouped = e.getCoalescedEvents ? e.getCoalescedEvents() : [];  // none for a synthetic event
      for (const m of grouped.length ? grouped : [e]) { const p = at(m); stroke(last, p); last = p; }
      changed();
    });
    const up = () => { last = null; };
    canvas.addEventListener('pointerup', up); canvas.addEventListener('pointercancel', up);
  }
  root.querySelectorAll('.adraw-tools [data-tool]').forEach(b => b.addEventListener('click', () => {
    tool = /** @type {HTMLElement} */ (b).dataset.tool || 'pen';
    root.querySelectorAll('.adraw-tools [data-tool]').forEach(o => o.classList.toggle('on', o === b));
  }));
  part(root, '.adraw-clear').addEventListener('click', () => { clear(); changed(); });
  const file = /** @type {HTMLInputElement} */ (part(root, '.adraw-file'));
  file.addEventListener('change', async () => {
    const chosen = file.files && file.files[0];
    file.value = '';  // the same file chosen again is a change again
    if (!chosen) return;
    let bitmap;
    try {
      bitmap = await createImageBitmap(chosen);
    } catch {
      said(`${chosen.name} is not an image this browser can read.`);
      return;
    }
    clear();
    photo = bitmap;
    // Fitted whole into the pad, centred on the ground.
    const k = Math.min(SIDE / photo.width, SIDE / photo.height), w = photo.width * k, h = photo.height * k;
    g.drawImage(photo, (SIDE - w) / 2, (SIDE - h) / 2, w, h);
    if (canDraw) {  // a grey model's upload becomes ink on the pad, to draw over
      const ink = inkOf(g.getImageData(0, 0, SIDE, SIDE).data, SIDE), px = g.createImageData(SIDE, SIDE);
      for (let i = 0; i < ink.length; i++) {
        const v = Math.round(255 * (darkInk ? 1 - ink[i] : ink[i]));
        px.data[4 * i] = px.data[4 * i + 1] = px.data[4 * i + 2] = v; px.data[4 * i + 3] = 255;
      }
      g.putImageData(px, 0, 0);
      photo = null;
    }
    changed();
  });
  return {
    /** The pad as ink in [0, 1], SIDE x SIDE. */
    ink() {
      const rgba = g.getImageData(0, 0, SIDE, SIDE).data, out = new Float32Array(SIDE * SIDE);
      for (let i = 0; i < out.length; i++) out[i] = darkInk ? 1 - rgba[4 * i] / 255 : rgba[4 * i] / 255;
      return out;
    },
    /** The uploaded photo itself (a colour model's input), or null. */
    photo: () => photo,
  };
}
