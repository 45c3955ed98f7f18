// Where point i of the latent map is on its canvas, in CSS pixels (evaluated on the .amap root).
(root, i) => root.__amap.plot.getScreenPosition(i)
