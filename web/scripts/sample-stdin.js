// The sampler's generator as a command, for tests/test_web_build.py to compare with Python:
// reads {dist: {weights, means, chols}, d, n, temperature, seed} as JSON on stdin and prints
// the n x d codes that sample() draws, as one JSON array.
import { sample } from '../sampler/generator.js';

let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { text += chunk; });
process.stdin.on('end', () => {
  const { dist, d, n, temperature, seed } = JSON.parse(text);
  console.log(JSON.stringify(Array.from(sample(dist, d, n, temperature, seed))));
});
