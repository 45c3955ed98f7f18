"""The browser code lives in web/ and nowhere else: the committed build in dashboard/static/
is what the sources build to, and no JavaScript, CSS or HTML is left in Python strings."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
STATIC = ROOT / "aeviz" / "dashboard" / "static"
COMPONENTS = ("map", "walk", "scrubber", "sampler", "colorize", "explorer")

needs_node = pytest.mark.skipif(shutil.which("node") is None or not (WEB / "node_modules" / "esbuild").is_dir(),
                                reason="needs node and web/node_modules (cd web && npm ci)")


@needs_node
def test_the_committed_build_is_what_the_sources_build_to(tmp_path):
    subprocess.run(["node", "scripts/build.mjs", str(tmp_path)], cwd=WEB, check=True, capture_output=True)
    for name in COMPONENTS:
        built = {p.name: p.read_bytes() for p in (tmp_path / name).iterdir()}
        committed = {p.name: p.read_bytes() for p in (STATIC / name).iterdir()}
        assert built.keys() == committed.keys(), f"{name}: other files than the committed build"
        for file, data in built.items():
            assert committed[file] == data, f"{name}/{file} is stale: run `cd web && npm run build` and commit"


# What browser code looks like; a Python string holding one of these is code that belongs in web/.
BROWSER_CODE = [r"export default function", r"addEventListener", r"document\.(querySelector|createElement)",
                r"<(div|canvas|script|style|input|figure)\b", r"\{\s*(font-family|display|margin)\s*:",
                r"=>\s*\{", r"\bconst \w+ = "]


def test_no_browser_code_is_left_in_python_strings():
    found = []
    for path in sorted((ROOT / "aeviz").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {pattern}" for pattern in BROWSER_CODE if re.search(pattern, text)]
    assert found == [], "browser code in Python (move it to web/): " + "; ".join(found)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
@pytest.mark.parametrize("seed", [0, 7, 2147483647])
def test_a_seed_gives_the_same_codes_in_the_browser_and_in_python(seed):
    """The Sampling page's generator (run by node) and aeviz.latent.sample_from draw the same
    codes from the same mixture: three components, odd and even code lengths."""
    import json

    import numpy as np

    from aeviz import latent

    rng = np.random.default_rng(1)
    for d in (3, 4):
        weights = np.array([0.2, 0.5, 0.3])
        means = rng.normal(size=(3, d)).astype(np.float32)
        chols = np.tril(rng.normal(size=(3, d, d))).astype(np.float32)
        dist = {"weights": weights.tolist(), "means": means.ravel().tolist(), "chols": chols.ravel().tolist()}
        ask = json.dumps({"dist": dist, "d": d, "n": 50, "temperature": 0.8, "seed": seed})
        run = subprocess.run(["node", str(WEB / "scripts" / "sample-stdin.js")], input=ask, capture_output=True,
                             text=True, check=True)
        browser = np.asarray(json.loads(run.stdout), np.float32).reshape(50, d)
        python = latent.sample_from({"weights": weights, "means": means, "chols": chols}, 50, 0.8, seed)
        np.testing.assert_allclose(python, browser, rtol=0, atol=1e-6)


@pytest.mark.parametrize("name", ["map", "walk", "scrubber", "sampler", "colorize"])
def test_streamlit_takes_each_built_component_for_code_not_a_path(name):
    """components v2 reads a one-line string as a file's path (and refuses it outside an
    installed package's asset_dir): minified code must keep a line break."""
    from streamlit.components.v2.component_path_utils import ComponentPathUtils

    from aeviz.browser_runtime import built

    for code in built(name):
        assert ComponentPathUtils.looks_like_inline_content(code)
