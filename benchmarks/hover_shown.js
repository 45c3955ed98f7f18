// Resolves once the map's hover image shows point i (or after 60 s) (benchmarks/load.py).
(root, i) => new Promise(done => {
  const h = root.querySelector('canvas.amap-hover-image'), t0 = Date.now();
  (function look() {
    if ((h.dataset.kind === 'point' && h.dataset.index === String(i)) || Date.now() - t0 > 60000) done();
    else setTimeout(look, 50);
  })();
})
