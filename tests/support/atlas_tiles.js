// The decoded atlas as the page shows it (tests/test_e2e.py, on canvas.amap-atlas): each of its
// 40 x 40 tiles' opacity (0-255, at its centre) and the spread of its first channel's levels,
// row by row from the top left, and the top left tile's first channel (un-premultiplied).
c => {
  const w = c.width, d = c.getContext('2d').getImageData(0, 0, w, w).data, cells = 40, edge = k => Math.round(k * w / cells);
  const tiles = [];
  for (let r = 0; r < cells; r++) for (let q = 0; q < cells; q++) {
    let lo = 255, hi = 0;
    for (let y = edge(r); y < edge(r + 1); y++) for (let x = edge(q); x < edge(q + 1); x++) {
      const v = d[4 * (y * w + x)]; lo = Math.min(lo, v); hi = Math.max(hi, v);
    }
    const cx = (edge(q) + edge(q + 1)) >> 1, cy = (edge(r) + edge(r + 1)) >> 1;
    tiles.push([d[4 * (cy * w + cx) + 3], hi - lo]);
  }
  const first = [];
  for (let y = 0; y < edge(1); y++) { const row = []; for (let x = 0; x < edge(1); x++) row.push(d[4 * (y * w + x)]); first.push(row); }
  return { width: w, tiles, first };
}
