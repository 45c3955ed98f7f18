// Where every point of the latent map is on its canvas, in CSS pixels (evaluated on the .amap root).
root => Array.from({ length: root.__amap.data.n }, (_, i) => root.__amap.plot.getScreenPosition(i))
