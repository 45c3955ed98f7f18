"""The browser runtime the dashboard serves itself: vendored at the pinned version, whole,
with its licence, and loaded from nowhere else (no CDN)."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from aeviz import browser_runtime

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "aeviz" / "dashboard" / "static"
ORT = STATIC / "ort"
COMPONENTS = ("map", "walk", "scrubber", "sampler", "explorer")


def test_the_vendored_runtime_is_whole_and_the_pinned_version():
    sums = dict(reversed(line.split()) for line in (ORT / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm"}
    for name, digest in sums.items():
        assert hashlib.sha256((ORT / name).read_bytes()).hexdigest() == digest, f"{name} is not the vendored file"
    pinned = json.loads((ROOT / "web" / "package.json").read_text())["dependencies"]["onnxruntime-web"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "an exact version, so the vendored files can be rebuilt"
    assert f"onnxruntime-web {pinned} " in (ORT / "VERSION").read_text()
    assert "MIT License" in (ORT / "LICENSE").read_text() and "Microsoft" in (ORT / "LICENSE").read_text()
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/onnxruntime-web"]["version"] == pinned


def test_the_bundled_scatter_is_whole_with_every_licence():
    scatter_dir = ROOT / "aeviz" / "dashboard" / "static" / "scatter"
    (line,) = (scatter_dir / "SHA256SUMS").read_text().splitlines()
    digest, name = line.split()
    assert hashlib.sha256((scatter_dir / name).read_bytes()).hexdigest() == digest
    pinned = json.loads((ROOT / "web" / "package.json").read_text())["dependencies"]["regl-scatterplot"]
    assert f"regl-scatterplot {pinned} " in (scatter_dir / "VERSION").read_text()
    licences = (scatter_dir / "THIRD_PARTY_LICENSES").read_text()
    for package in ("regl-scatterplot", "regl", "pub-sub-es", "dom-2d-camera", "gl-matrix", "earcut"):
        assert f"==== {package} " in licences, f"{package}'s licence is missing"


def test_the_component_code_loads_nothing_from_another_host():
    for name in COMPONENTS:
        for built in (STATIC / name).iterdir():
            assert not re.search(r"https?://", built.read_text()), f"a URL to another host in {name}/{built.name}"
    # the runtime is asked for relative to the page, i.e. from the dashboard's own server
    js, _ = browser_runtime.built("walk")
    assert "app/static/" in js and "document.baseURI" in js
