// The k-th map point with no other within 8 px, as [x, y, index] on screen (benchmarks/load.py).
(root, k) => {
  const plot = root.__amap.plot, r = root.querySelector('canvas.amap-canvas').getBoundingClientRect(), pts = [];
  for (let j = 0; j < root.__amap.data.n; j++) { const [x, y] = plot.getScreenPosition(j); pts.push([r.left + x, r.top + y, j]); }
  let seen = 0;
  for (let n = 0; n < pts.length; n++) {
    const p = pts[(n * 7919) % pts.length];
    if (pts.every(q => q === p || (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2 >= 64) && seen++ === k) return p;
  }
  return pts[0];
}
