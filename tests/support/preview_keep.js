// An init script: keeps a copy of what the latent map's 2D preview painted (window.__preview),
// since the preview is removed once WebGL has drawn.
const put = CanvasRenderingContext2D.prototype.putImageData;
CanvasRenderingContext2D.prototype.putImageData = function (img, ...rest) {
  if (this.canvas.className === 'amap-preview')
    window.__preview = { width: img.width, data: new Uint8ClampedArray(img.data), css: this.canvas.style.width };
  return put.call(this, img, ...rest);
};
