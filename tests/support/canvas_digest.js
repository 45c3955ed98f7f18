// A digest of a canvas's pixels (tests/test_e2e.py, canvas.evaluate): equal pixels, equal digest.
c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let s = 0; for (let i = 0; i < d.length; i++) s = (Math.imul(s, 31) + d[i]) >>> 0; return s; }
