// The alpha of one pixel of a 2D canvas, at [x, y] in its own pixels.
(canvas, [x, y]) => canvas.getContext('2d').getImageData(x, y, 1, 1).data[3]
