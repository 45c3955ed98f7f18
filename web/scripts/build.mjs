// Builds each component into one ES module and its CSS under aeviz/dashboard/static/<name>/,
// which is committed: users and CI run the dashboard with no Node. The same sources always
// give the same bytes (no timestamps, no absolute paths), so tests/test_web_build.py can
// rebuild into a temporary folder and compare.
//   node scripts/build.mjs [OUT]     (npm run build; OUT defaults to the committed folder)
import { build, transform } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';

const web = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.resolve(process.argv[2] || path.join(web, '..', 'aeviz', 'dashboard', 'static'));
export const COMPONENTS = ['map', 'walk', 'scrubber', 'sampler', 'colorize', 'explorer', 'replay'];

// The explorer mounts the components' BUILT modules, copied beside it into the export's
// folder, rather than a second bundled copy of them.
/** @type {import('esbuild').Plugin} */
const builtComponents = {
  name: 'built-components',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/(map|walk|scrubber|sampler)\/\w+\.js$/ }, args =>
      args.importer.includes(`${path.sep}explorer${path.sep}`) ? { path: args.path.replace('../', './'), external: true } : undefined);
  },
};

// HTML with each line break and its indent folded into one space, which the browser renders
// the same (no <pre> here): the built files stay one line each, as minified code is.
const folded = (/** @type {string} */ html) => html.replace(/\s*\n\s*/g, ' ').trim();

// A component's .html template is bundled as its (folded) text; `import X from './file.js?text'`
// as the file's minified source, not its module (the decoder's worker starts from a Blob of it).
/** @type {import('esbuild').Plugin} */
const asText = {
  name: 'as-text',
  setup(b) {
    b.onResolve({ filter: /\?text$/ }, args => ({
      // relative to web/: the bundle's comments name no folder of this machine
      path: path.relative(web, path.join(args.resolveDir, args.path.slice(0, -'?text'.length))), namespace: 'text' }));
    b.onLoad({ filter: /.*/, namespace: 'text' }, async args => {
      const { code } = await transform(await readFile(path.join(web, args.path), 'utf8'), { minify: true, format: 'esm' });
      return { contents: code, loader: 'text' };
    });
    b.onLoad({ filter: /\.html$/ }, async args => ({ contents: folded(await readFile(args.path, 'utf8')), loader: 'text' }));
  },
};

for (const name of COMPONENTS) {
  await build({
    absWorkingDir: web, entryPoints: [`${name}/${name}.js`], outdir: path.join(out, name), entryNames: '[name]',
    // minified, as the vendored bundles are: the readable code is the source beside it
    bundle: true, minify: true, format: 'esm', target: 'es2020', charset: 'utf8', legalComments: 'none', logLevel: 'warning',
    plugins: [builtComponents, asText],
    // A first line of its own: Streamlit takes a one-line string for a file's path, not code.
    banner: { js: `// built from web/${name}/ by npm run build`, css: `/* built from web/${name}/ by npm run build */` },
  });
}
// The explorer's page, as it is: it links the components' CSS and loads explorer.js.
await writeFile(path.join(out, 'explorer', 'index.html'), folded(await readFile(path.join(web, 'explorer', 'index.html'), 'utf8')) + '\n');
console.log(`built ${COMPONENTS.join(', ')} into ${out}`);
