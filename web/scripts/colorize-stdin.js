// The Colorize page's color and hint code as a command, for tests/test_colorize_web.py to
// compare with Python: reads JSON on stdin,
//   {rgb: [[r, g, b] in [0, 1], ...], lab: [[L, a, b], ...], hints: [[x, y, "#rrggbb"], ...],
//    size: {W, H, ww, hh}, compose: {L: [...], width, height, ab: [...], ww, hh, strength}}
// (each part optional) and prints {lab, rgb, hints, compose}: rgbToLab of each rgb, labToRgb
// of each lab, the hint tensor, the composed RGBA bytes.
import { rgbToLab, labToRgb } from '../colorize/lab.js';
import { hintTensor } from '../colorize/hints.js';
import { compose, lightness } from '../colorize/compose.js';

let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { text += chunk; });
process.stdin.on('end', () => {
  const ask = JSON.parse(text), out = {};
  if (ask.rgb) out.lab = ask.rgb.map(([r, g, b]) => rgbToLab(r, g, b));
  if (ask.lab) out.rgb = ask.lab.map(([L, a, b]) => labToRgb(L, a, b));
  if (ask.hints) out.hints = Array.from(hintTensor(ask.hints.map(([x, y, color]) => ({ x, y, color })), ask.size));
  if (ask.compose) {
    const c = ask.compose, rgba = new Uint8ClampedArray(4 * c.width * c.height);
    out.compose = Array.from(compose(lightness(c.L), c.width, c.height, c.ab, c.ww, c.hh, c.strength, rgba));
  }
  console.log(JSON.stringify(out));
});
