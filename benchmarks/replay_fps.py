"""Frames a second of the map as it learned (web/replay/), in the dashboard: headless
Chromium against `streamlit run`, the sidebar set to the shipped 2-d mnist5k VAE (whose
record ships), Play pressed; counts the frames the component draws (its data-drawn) over
each play of the whole record, from the first drawn frame to the last epoch's.

    python benchmarks/replay_fps.py              # 3 plays
    python benchmarks/replay_fps.py --plays 5

The canvas is drawn by the page's own code (2D canvas, software-composited in this
Chromium); the rate is capped by the browser's animation frames (60 a second here)."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.server import CHROMIUM, CHROMIUM_ARGS, running  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard import open_page  # noqa: E402
from report import cpu_name  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plays", type=int, default=3)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"CPU: {cpu_name()}; Chromium {CHROMIUM}")
    with tempfile.TemporaryDirectory() as tmp, running("app.py", Path(tmp)) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = open_page(browser, srv.url, "latent-map", "Latent map", "VAE · mnist5k · 2-d code")
        root = page.locator(".replay")
        root.wait_for()
        points, frames = root.evaluate("r => [r.__replay.n, r.__replay.frames]")
        rows = []
        for _ in range(args.plays):
            page.locator(".replay-input").fill("0")
            drawn0 = int(root.get_attribute("data-drawn"))
            page.get_by_role("button", name="play").click()
            start = time.perf_counter()
            while root.evaluate("r => r.__replay.playing"):
                time.sleep(0.05)
            seconds = time.perf_counter() - start
            rows.append((int(root.get_attribute("data-drawn")) - drawn0, seconds))
        browser.close()
    print(f"\n{points} points, {frames} frames of the record, played end to end\n")
    print("| play | frames drawn | seconds | frames a second |")
    print("|---|---|---|---|")
    for i, (drawn, seconds) in enumerate(rows, 1):
        print(f"| {i} | {drawn} | {seconds:.2f} | {drawn / seconds:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
