// A stroke on the drawing pad as a 60 Hz mouse makes one, dispatched in the page (a driver
// outside it sends a move every 50 ms or so, slower than a hand): a pointerdown, a move
// every `moveMs` along a zigzag for `seconds`, a pointerup. Resolves, once the last update
// has had time to land, with the pointer moves made and the updates painted meanwhile
// (change -> painted, ms each). Run by benchmarks/draw_rate.py on the map's root element (locator.evaluate).
async (root, { moveMs, seconds }) => {
  const pad = root.querySelector('canvas.adraw-pad');
  const r = pad.getBoundingClientRect(), before = (root.__amap.drawTimes || []).length;
  const at = (u, v) => ({ clientX: r.left + u * r.width, clientY: r.top + v * r.height, pointerId: 1, bubbles: true, buttons: 1 });
  const wait = ms => new Promise(done => setTimeout(done, ms));
  pad.dispatchEvent(new PointerEvent('pointerdown', at(0.2, 0.2)));
  const start = performance.now();
  let moves = 0, t;
  while ((t = (performance.now() - start) / 1000) < seconds) {
    const u = 0.2 + 0.6 * (0.5 + 0.5 * Math.sin(2 * Math.PI * t / 0.5));  // two zigzags a second
    pad.dispatchEvent(new PointerEvent('pointermove', at(u, 0.2 + 0.6 * t / seconds)));
    moves++;
    await wait(moveMs);
  }
  const elapsed = (performance.now() - start) / 1000;
  pad.dispatchEvent(new PointerEvent('pointerup', at(0.5, 0.8)));
  await wait(500);
  return { moves, elapsed, times: root.__amap.drawTimes.slice(before) };
}
