"""The shipped Fashion-MNIST VAE's 60,000-point train map in the dashboard (aeviz issues 12
and 14): headless Chromium against `streamlit run`, the sidebar set to that checkpoint and
the train split; prints the seconds to a ready page, the WebGL map's own time from its data
to every point drawn (`data-drawn-ms`), and 12 hovers over the map's top edge, each decoded
in the page (`data-hover-ms`).

    python benchmarks/big_map.py"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.server import CHROMIUM, CHROMIUM_ARGS, ERRORS_JS, settle, start, stop, wait_healthy  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        srv = start("aeviz/dashboard/app.py", Path(tmp))
        try:
            wait_healthy(srv)
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                pg = b.new_page(viewport={"width": 1400, "height": 1300})
                pg.set_default_timeout(180000)
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
                print("page ready (s):", round(time.time() - t0, 1), "| drawn (ms):", amap.get_attribute("data-drawn-ms"),
                      "| points:", amap.get_attribute("data-points"))
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
