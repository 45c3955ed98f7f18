// A slider dragged as the browser delivers it, an input event each animation frame; returns [events, images, s] (benchmarks/latency.py).
async ([input, seconds]) => {
  const deep = (sel, root) => root.querySelector(sel) || [...root.querySelectorAll('*')].reduce(
    (hit, e) => hit || (e.shadowRoot && deep(sel, e.shadowRoot)), null);
  const el = deep(input, document), img = el.getRootNode().querySelector('img.walk-image');
  let images = 0, events = 0;
  const seen = new MutationObserver(() => { images++; });
  seen.observe(img, { attributes: true, attributeFilter: ['src'] });
  const lo = +el.min, hi = +el.max, t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise(r => requestAnimationFrame(r));
    const k = events++ % 200, f = k < 100 ? k / 100 : 2 - k / 100;
    el.value = lo + (hi - lo) * f;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
  await new Promise(r => setTimeout(r, 100));
  seen.disconnect();
  return [events, images, (performance.now() - t0) / 1000];
}
