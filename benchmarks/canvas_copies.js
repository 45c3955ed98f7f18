// Times every drawImage of a canvas into another: [ms, 'w x h'] in window.__copies (benchmarks/big_map.py --copies).
window.__copies = [];
const drawImage = CanvasRenderingContext2D.prototype.drawImage;
CanvasRenderingContext2D.prototype.drawImage = function (src, ...rest) {
  const t = performance.now(), out = drawImage.call(this, src, ...rest);
  if (src instanceof HTMLCanvasElement) window.__copies.push([Math.round(performance.now() - t), `${src.width}x${src.height}`]);
  return out;
};
