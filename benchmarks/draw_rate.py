"""Draw, and see where it lands: updates a second while a stroke is drawn on the Latent
map's pad (web/map/drawn.js), in the dashboard: headless Chromium against `streamlit run`,
the default checkpoint (the shipped 16-d mnist5k VAE, its 1,000-point test map). Each
stroke is a zigzag of pointer moves, one every 16 ms (a 60 Hz mouse) for 2 s, dispatched in
the page (draw_stroke.js: a driver outside it cannot send moves that often); every move
changes the drawing, and each update encodes it (ONNX, in the page), places it on the map,
decodes it and paints it with its 5 nearest images. Updates the page could not keep up with
are skipped (the newest drawing wins), so the rate is what the user sees.

    python benchmarks/draw_rate.py               # 3 strokes
    python benchmarks/draw_rate.py --strokes 5

Target (issue 26): 20 or more updates a second. Per update: the drawing's change to its
update painted (p50, p95)."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.server import CHROMIUM, CHROMIUM_ARGS, running  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard import open_page  # noqa: E402
from report import cpu_name  # noqa: E402

MOVE_MS = 16
STROKE_S = 2.0
STROKE_JS = (Path(__file__).resolve().parent / "draw_stroke.js").read_text()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--strokes", type=int, default=3)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"CPU: {cpu_name()}; Chromium {CHROMIUM} (WebGL software-rendered, SwiftShader)")
    with tempfile.TemporaryDirectory() as tmp, running("app.py", Path(tmp)) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = open_page(browser, srv.url, "latent-map", "Latent map")
        amap = page.locator(".amap[data-ready='1']")
        amap.wait_for()
        rows = []
        for _ in range(args.strokes):
            page.locator(".adraw-clear").click()
            page.wait_for_timeout(300)
            got = amap.evaluate(STROKE_JS, {"moveMs": MOVE_MS, "seconds": STROKE_S})
            rows.append((got["moves"], len(got["times"]), got["elapsed"], got["times"]))
        browser.close()
    print("\n| stroke | pointer moves | updates painted | seconds | updates a second | change -> painted p50 / p95 (ms) |")
    print("|---|---|---|---|---|---|")
    for i, (moves, n, seconds, times) in enumerate(rows, 1):
        q = statistics.quantiles(times, n=20) if len(times) > 1 else [times[0]] * 19
        print(f"| {i} | {moves} | {n} | {seconds:.2f} | {n / seconds:.1f} | {statistics.median(times):.1f} / {q[18]:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
