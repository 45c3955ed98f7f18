// The hints on the picture: one round mark each, placed, selected, dragged, recolored and
// removed with the pointer, the color picker and the keyboard.
import { part, inputOf } from '../runtime/mount.js';
import { imagePixel } from './hints.js';
import { rgbHex } from './lab.js';

const REPORT_REST = 400;  // ms after the last change: the server hears the hints once the user rests

/** The hint editor's events, on a fresh state. @param {any} st */
export function wire(st) {
  const root = st.root, stage = part(root, '.cz-stage'), picker = inputOf(root, '.cz-color');
  if (root.__czWired) return;  // the elements outlive a state: listeners read root.__cz
  root.__czWired = true;
  const now = () => root.__cz;
  stage.addEventListener('pointerdown', e => {
    const s = now(), mark = /** @type {HTMLElement} */ (e.target).closest('.cz-hint');
    if (e.button !== 0 || !s.light) return;
    e.preventDefault();
    let hint = mark ? s.hints[Number(/** @type {HTMLElement} */ (mark).dataset.index)] : null;
    const placed = !hint;
    if (!hint) {
      const [x, y] = pixelAt(s, e);
      // the picker starts at the color the picture shows there: the model's current guess
      hint = { x, y, color: shownColor(s, e) };
      s.hints.push(hint);
    }
    select(s, hint);
    s.dragging = hint;
    stage.setPointerCapture(e.pointerId);
    s.changed(placed);  // a hint selected to be dragged changes nothing yet
  });
  stage.addEventListener('pointermove', e => {
    const s = now(), hint = s.dragging;
    if (!hint) return;
    const [x, y] = pixelAt(s, e);
    if (x === hint.x && y === hint.y) return;
    hint.x = x; hint.y = y;
    s.changed();
  });
  const drop = () => { const s = now(); if (s.dragging) { s.dragging = null; report(s); } };
  stage.addEventListener('pointerup', drop);
  stage.addEventListener('pointercancel', drop);
  stage.addEventListener('contextmenu', e => {
    const s = now(), mark = /** @type {HTMLElement} */ (e.target).closest('.cz-hint');
    if (!mark) return;
    e.preventDefault();
    remove(s, s.hints[Number(/** @type {HTMLElement} */ (mark).dataset.index)]);
  });
  stage.addEventListener('keydown', e => {
    const s = now();
    if ((e.key === 'Delete' || e.key === 'Backspace') && s.selected) { e.preventDefault(); remove(s, s.selected); }
  });
  picker.addEventListener('input', () => {
    const s = now();
    if (!s.selected) return;
    s.selected.color = picker.value;
    s.changed();
  });
  picker.addEventListener('change', () => report(now()));
  part(root, '.cz-remove').addEventListener('click', () => { const s = now(); if (s.selected) remove(s, s.selected); });
  part(root, '.cz-clear').addEventListener('click', () => {
    const s = now();
    s.hints.length = 0; s.selected = null;
    s.changed(); report(s);
  });
}

/** The full-image pixel under the pointer. @param {any} st @param {PointerEvent} e */
function pixelAt(st, e) {
  const box = st.canvas.getBoundingClientRect();
  return imagePixel(e.clientX - box.left, e.clientY - box.top, box, st.data);
}

/** The color the canvas shows under the pointer, as "#rrggbb". @param {any} st @param {PointerEvent} e */
function shownColor(st, e) {
  const box = st.canvas.getBoundingClientRect(), { width, height } = st.canvas;
  const x = Math.min(width - 1, Math.max(0, Math.floor((e.clientX - box.left) * width / box.width)));
  const y = Math.min(height - 1, Math.max(0, Math.floor((e.clientY - box.top) * height / box.height)));
  const o = 4 * (y * width + x);
  return rgbHex([st.rgba[o], st.rgba[o + 1], st.rgba[o + 2]]);
}

/** @param {any} st @param {any} hint */
function select(st, hint) {
  st.selected = hint;
  inputOf(st.root, '.cz-color').value = hint.color;
}

/** @param {any} st @param {any} hint */
function remove(st, hint) {
  st.hints.splice(st.hints.indexOf(hint), 1);
  if (st.selected === hint) st.selected = null;
  st.changed();
  report(st);
}

/** The hints for the server, once the user has rested. @param {any} st */
function report(st) {
  clearTimeout(st.reportTimer);
  st.reportTimer = setTimeout(() => st.send('hints', st.hints.map((/** @type {any} */ h) => [h.x, h.y, h.color])), REPORT_REST);
}

/** The marks drawn as the hints are, and the controls enabled as they apply. @param {any} st */
export function syncMarks(st) {
  const D = st.data, layer = part(st.root, '.cz-marks'), marks = /** @type {HTMLButtonElement[]} */ ([...layer.children]);
  st.hints.forEach((/** @type {any} */ h, /** @type {number} */ i) => {
    let mark = marks[i];
    if (!mark) {
      mark = document.createElement('button');
      mark.type = 'button'; mark.className = 'cz-hint';
      layer.append(mark);
    }
    mark.dataset.index = String(i);
    mark.style.left = `${(h.x + 0.5) * 100 / D.W}%`; mark.style.top = `${(h.y + 0.5) * 100 / D.H}%`;
    mark.style.background = h.color;
    mark.classList.toggle('selected', h === st.selected);
    mark.setAttribute('aria-label', `hint ${i + 1} at (${h.x}, ${h.y}), ${h.color}`);
    if (h === st.selected && document.activeElement !== mark) mark.focus({ preventScroll: true });
  });
  marks.slice(st.hints.length).forEach(m => m.remove());
  inputOf(st.root, '.cz-color').disabled = !st.selected;
  /** @type {HTMLButtonElement} */ (part(st.root, '.cz-remove')).disabled = !st.selected;
  /** @type {HTMLButtonElement} */ (part(st.root, '.cz-clear')).disabled = st.hints.length === 0;
}
