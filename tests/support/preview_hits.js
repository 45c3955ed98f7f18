// [hit, every, n]: of every 7th point of the latent map (evaluated on the .amap root), how many
// the kept 2D preview (preview_keep.js) painted where WebGL draws it, a dot and not the white ground.
root => {
  const p = window.__preview, plot = root.__amap.plot, n = root.__amap.data.n;
  const scale = p.width / parseFloat(p.css);  // device pixels per CSS pixel
  let hit = 0, every = 0;
  for (let i = 0; i < n; i += 7) {
    const [x, y] = plot.getScreenPosition(i), k = (Math.round(y * scale) * p.width + Math.round(x * scale)) * 4;
    every++;
    if (p.data[k] + p.data[k + 1] + p.data[k + 2] < 3 * 250) hit++;
  }
  return [hit, every, n];
}
