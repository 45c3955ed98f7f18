// Armed before a step by benchmarks/colorize_latency.py (page.evaluate): the pointer event's time
// (pointerdown for a click, pointermove for a drag), and the first animation frame after the
// canvas drew a frame newer than the one shown.
([kind]) => {
  const deep = (sel, root) => root.querySelector(sel) || [...root.querySelectorAll('*')].reduce(
    (hit, e) => hit || (e.shadowRoot && deep(sel, e.shadowRoot)), null);
  const canvas = deep('canvas.cz-canvas', document), before = +canvas.dataset.frame, armed = performance.now();
  const p = window.__probe = {t0: null, shown: null, model: null, compose: null};
  // on the stage: a dragged hint's pointer is captured there
  canvas.parentElement.addEventListener(kind, e => { if (p.t0 === null) p.t0 = e.timeStamp; }, {capture: true, once: true});
  const tick = () => {
    if (p.t0 !== null && +canvas.dataset.frame > before) {
      p.shown = performance.now(); p.model = +canvas.dataset.modelMs; p.compose = +canvas.dataset.composeMs; return;
    }
    if (window.__probe === p && performance.now() - armed < 120000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
