"""The shipped Fashion-MNIST VAE's 60,000-point train map in the dashboard (aeviz issues 12
and 14): headless Chromium against `streamlit run`, the sidebar set to that checkpoint and
the train split; prints the seconds to a ready page, the map's own times from its data to
every point on screen (`data-shown-ms`: its 2D preview, drawn before WebGL's set-up) and to
every point drawn by WebGL (`data-drawn-ms`: the map that hovers and selects), and 12
hovers over the map's top edge, each decoded in the page (`data-hover-ms`).

    python benchmarks/big_map.py            # the dashboard's own page: the train split's 60,000 points
    python benchmarks/big_map.py --all      # 70,000: both splits' points in the same component
    python benchmarks/big_map.py --copies   # also each copy of a canvas into the map's (ms, source size)

The dashboard maps one split at a time, so --all draws the component on a page of its own
(written to a temp folder): the shipped train map's 60,000 points and the test map's 10,000
together (each map placed in the same square, so the two clouds overlap), with their labels,
errors and the train map's inverse; the drawing is what is timed, and it costs the same for
any positions."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.server import CHROMIUM, CHROMIUM_ARGS, ERRORS_JS, settle, start, stop, wait_healthy  # noqa: E402


ROOT = Path(__file__).resolve().parent.parent
BOTH_SPLITS_PAGE = """import base64

import numpy as np
import streamlit as st

import aeviz
from aeviz import latent
from aeviz.browser_runtime import floats
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.dashboard.components import scatter

path = next(SHIPPED_DIR.glob("vae-fashion-mnist-*.safetensors"))
model = aeviz.load_checkpoint(path)
parts = []
for split in ("train", "test"):
    proj = latent.cached_projection(model, split, "umap", 2)
    ds = aeviz.load_dataset("fashion-mnist", split)
    parts.append(scatter.payload(str(path), path.stat().st_mtime, split, "UMAP", proj, model, ds.x, tuple(ds.classes)))
train, test = parts
merged = dict(train, key="both-splits", n=train["n"] + test["n"], point_size=2)
for name in ("xy", "errors"):
    merged[name] = floats(np.concatenate([np.frombuffer(base64.b64decode(p[name]), np.float32) for p in parts]))
merged["labels"] = base64.b64encode(b"".join(base64.b64decode(p["labels"]) for p in parts)).decode()
st.title("Both splits")
scatter.latent_map("both", merged)
"""

COPIES_JS = """window.__copies = [];
const drawImage = CanvasRenderingContext2D.prototype.drawImage;
CanvasRenderingContext2D.prototype.drawImage = function (src, ...rest) {
  const t = performance.now(), out = drawImage.call(this, src, ...rest);
  if (src instanceof HTMLCanvasElement) window.__copies.push([Math.round(performance.now() - t), `${src.width}x${src.height}`]);
  return out;
};"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--all", action="store_true", help="both splits' 70,000 points, on a page of their own")
    ap.add_argument("--copies", action="store_true", help="time every drawImage of a canvas until the map is ready: "
                    "regl-scatterplot draws in WebGL, then copies into the map's canvas, which waits for the frame")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        script = "aeviz/dashboard/app.py"
        if args.all:  # static/ beside the script: the runtime's and the scatter's files are served from there
            script = Path(tmp) / "page" / "both.py"
            script.parent.mkdir()
            script.write_text(BOTH_SPLITS_PAGE)
            os.symlink(ROOT / "aeviz" / "dashboard" / "static", script.parent / "static")
        srv = start(script, Path(tmp))
        try:
            wait_healthy(srv)
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                pg = b.new_page(viewport={"width": 1400, "height": 1300})
                pg.set_default_timeout(180000)
                if args.copies:
                    pg.add_init_script(COPIES_JS)
                if args.all:
                    t0 = time.time()
                    pg.goto(srv.url)
                else:
                    pg.goto(f"{srv.url}/latent-map")
                    settle(pg)
                    pg.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
                    pg.get_by_role("option", name="fashion").first.click()
                    settle(pg)
                    pg.locator("[data-testid=stSidebar]").get_by_text("train", exact=True).click()
                    t0 = time.time()
                settle(pg)
                amap = pg.locator(".amap[data-ready='1']")
                amap.wait_for()
                print("page ready (s):", round(time.time() - t0, 1), "| shown (ms):", amap.get_attribute("data-shown-ms"),
                      "| drawn by WebGL (ms):", amap.get_attribute("data-drawn-ms"),
                      "| points:", amap.get_attribute("data-points"),
                      "| preview, import, create, points, draw (ms):", amap.get_attribute("data-steps"))
                if args.copies:
                    print("canvas copies until ready (ms, source w x h):", pg.evaluate("window.__copies"))
                box = pg.locator("canvas.amap-canvas").bounding_box()
                hovers = []
                for k in range(12):
                    pg.mouse.move(box["x"] + 5 + k * 40, box["y"] + 5)
                    pg.wait_for_timeout(150)
                    hovers.append(amap.get_attribute("data-hover-ms"))
                print("hover -> decoded image painted (ms):", ", ".join(hovers))
                assert pg.evaluate(ERRORS_JS) == []
                b.close()
        finally:
            stop(srv)


if __name__ == "__main__":
    main()
