#!/usr/bin/env bash
# Rebuilds the browser code the dashboard serves itself from npm, at the versions pinned in
# web/package.json and the hashes in web/package-lock.json:
#   aeviz/dashboard/static/ort/      onnxruntime-web's files, copied (the decoders run on it)
#   aeviz/dashboard/static/scatter/  regl-scatterplot and its dependencies, bundled by esbuild
#                                    into one ES module (the latent map draws with it)
#   aeviz/dashboard/static/<name>/   each component of web/ (map, walk, scrubber, sampler,
#                                    explorer), built by `npm run build`
# The fetched ones ship with a .gz beside each (aeviz/dashboard/precompressed.py).
# The files are committed, so neither users nor CI need Node; run this only to upgrade, then
# commit the result (the SHA256SUMS it writes lets tests/test_web_runtime.py check the files).
#   bash scripts/vendor_web.sh
set -euo pipefail
cd "$(dirname "$0")/.."

(cd web && npm ci --no-audit --no-fund --ignore-scripts)
src=web/node_modules/onnxruntime-web
version=$(node -p "require('./$src/package.json').version")
out=aeviz/dashboard/static/ort
rm -rf "$out" && mkdir -p "$out"
# The WebAssembly-only build (no WebGPU/WebGL): its JS bundles the wasm loader, so the
# browser fetches this module and one .wasm file, both from the dashboard's own server.
cp "$src/dist/ort.wasm.bundle.min.mjs" "$src/dist/ort-wasm-simd-threaded.wasm" "$out/"
echo "onnxruntime-web $version (npm), files from its dist/" > "$out/VERSION"
cat > "$out/LICENSE" <<'LICENSE'
onnxruntime-web (https://github.com/microsoft/onnxruntime, npm package onnxruntime-web)

MIT License

Copyright (c) Microsoft Corporation

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
(cd "$out" && sha256sum ort.wasm.bundle.min.mjs ort-wasm-simd-threaded.wasm > SHA256SUMS)
echo "vendored onnxruntime-web $version into $out"

scatter=aeviz/dashboard/static/scatter
rm -rf "$scatter" && mkdir -p "$scatter"
(cd web && ./node_modules/.bin/esbuild map/scatter-entry.js --bundle --format=esm --minify --target=es2020 \
  --legal-comments=none --metafile=../"$scatter"/.meta.json --outfile=../"$scatter"/regl-scatterplot.min.mjs)
# Every package the bundle holds, with its version and its own licence text.
node -e '
  const fs = require("fs"), path = require("path");
  const meta = JSON.parse(fs.readFileSync(process.argv[1]));
  const dirs = new Set(Object.keys(meta.inputs).filter(f => f.includes("node_modules/"))
    .map(f => { const p = f.split("node_modules/").pop().split("/"); return f.slice(0, f.lastIndexOf("node_modules/")) + "node_modules/" + (p[0].startsWith("@") ? p.slice(0, 2) : p.slice(0, 1)).join("/"); }));
  // The regl-scatterplot dist already inlines its dependencies (dom-2d-camera, gl-matrix,
  // earcut, ...), which the metafile cannot see: add every dependency, recursively.
  const resolve = (from, name) => { for (let d = from; ; d = path.dirname(path.dirname(d))) {
    const c = path.join(d.endsWith("node_modules") ? d : path.join(d, "node_modules"), name);
    if (fs.existsSync(path.join("web", c, "package.json"))) return c; if (d === "node_modules" || d === ".") return null; } };
  for (const dir of [...dirs]) (function add(dir) {
    const deps = JSON.parse(fs.readFileSync(path.join("web", dir, "package.json"))).dependencies || {};
    for (const name of Object.keys(deps)) { const c = resolve(dir, name); if (c && !dirs.has(c)) { dirs.add(c); add(c); } }
  })(dir);
  let text = "The latent map bundle (regl-scatterplot.min.mjs) holds these npm packages:\n";
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(fs.readFileSync(path.join("web", dir, "package.json")));
    const lic = fs.readdirSync(path.join("web", dir)).find(f => /^licen[sc]e/i.test(f));
    text += "\n==== " + pkg.name + " " + pkg.version + " (" + pkg.license + ") ====\n";
    text += lic ? fs.readFileSync(path.join("web", dir, lic), "utf8") : "(the package ships no licence file; package.json says " + pkg.license + ")\n";
  }
  fs.writeFileSync(process.argv[2], text);
' "$scatter/.meta.json" "$scatter/THIRD_PARTY_LICENSES"
rm "$scatter/.meta.json"
echo "regl-scatterplot $(node -p "require('./web/node_modules/regl-scatterplot/package.json').version") (npm), bundled with esbuild $(web/node_modules/.bin/esbuild --version)" > "$scatter/VERSION"
(cd "$scatter" && sha256sum regl-scatterplot.min.mjs > SHA256SUMS)
echo "bundled regl-scatterplot into $scatter"

(cd web && npm run build)

# The files a page fetches, compressed once here (a .gz beside each) rather than by the
# server on every request: aeviz/dashboard/precompressed.py sends them as they are.
PYTHONPATH=. "${PYTHON:-python3}" -m aeviz.dashboard.precompressed
