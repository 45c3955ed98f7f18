#!/usr/bin/env bash
# Rebuilds the browser runtime the dashboard serves itself (aeviz/dashboard/static/ort/) from
# npm, at the version pinned in web/package.json and the hashes in web/package-lock.json.
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
