"""The decoded atlas's time (web/map/atlas.js, aeviz issue 26): headless Chromium against
`streamlit run`, on the Latent map of the shipped 2-d mnist5k VAE (its test split) and of the
shipped Fashion-MNIST VAE (its train split, 60,000 points); presses the map's "decoded atlas"
toggle on and off, and reads the component's own times from the press to the first tiles on
screen (`data-atlas-first-ms`: the tiles on the data come first) and to all 40 x 40
(`data-atlas-ms`), and where the time went (`data-atlas-steps`: cells, fading and the inverse;
the decoder in the workers and the tiling; putting the pixels; the frame). The first press
also starts the workers that decode; then one zoom, timed from the camera's rest to the new
view's tiles.

    python benchmarks/atlas.py               # 5 presses a map
    python benchmarks/atlas.py --presses 9
    python benchmarks/atlas.py --mnist-only  # skip the 60,000-point map"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.server import CHROMIUM, CHROMIUM_ARGS, ERRORS_JS, running, settle  # noqa: E402

# (row name, the sidebar's checkpoint option, the split to pick or None for the page's own)
MAPS = [("VAE · mnist5k · 2-d code, test split", "VAE · mnist5k · 2-d code", None),
        ("VAE · Fashion-MNIST, train split", "fashion", "train")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--presses", type=int, default=5, help="presses of the toggle a map (each turns it on, then off)")
    ap.add_argument("--mnist-only", action="store_true", help="only the 1,000-point mnist5k map")
    args = ap.parse_args()
    if CHROMIUM is None:
        sys.exit("chromium is not on PATH (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, running("app.py", Path(tmp)) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, option, split in MAPS[:1] if args.mnist_only else MAPS:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(180_000)
            page.goto(f"{srv.url}/latent-map")
            page.get_by_role("heading", name="Latent map").first.wait_for()
            settle(page)
            page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
            page.get_by_role("option").filter(has_text=option).first.click()
            settle(page)
            if split:
                page.locator("[data-testid=stSidebar]").get_by_text(split, exact=True).click()
                settle(page)
            rows.append((name, *presses(page, args.presses)))
            assert page.evaluate(ERRORS_JS) == []
            page.close()
        browser.close()
    print(f"\nCPU: {cpu()}; Chromium {CHROMIUM} (software WebGL, onnxruntime-web wasm, one thread a worker)\n")
    print("Press to all 1,600 tiles on screen; the first press also starts the decoding workers, so the\n"
          "median and p95 are of the later presses. First tiles: the median of all presses.\n")
    print("| map | points | presses | first press (ms) | median (ms) | p95 (ms) | first tiles (ms) "
          "| inverse / decode / put / frame (median ms) | zoom to new tiles (ms) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, points, times, firsts, steps, zoom in rows:
        later = times[1:] or times
        split = " / ".join(str(round(statistics.median(s))) for s in zip(*steps[1:] or steps))
        print(f"| {name} | {points} | {len(times)} | {times[0]} | {statistics.median(later):.0f} | {p95(later):.0f} "
              f"| {statistics.median(firsts):.0f} | {split} | {zoom} |")
    return 0


def presses(page, count: int) -> tuple[int, list[int], list[int], list[list[int]], int]:
    """The map's points, each press's time to the painted atlas, to its first tiles, and its
    steps, and one zoom's time."""
    amap = page.locator(".amap[data-ready='1']")
    amap.wait_for()
    toggle = page.get_by_role("button", name="decoded atlas")
    times, firsts, steps = [], [], []
    for _ in range(count):
        toggle.click()
        page.locator(".amap[data-atlas-tiles='1600']").wait_for()
        times.append(int(amap.get_attribute("data-atlas-ms")))
        firsts.append(int(amap.get_attribute("data-atlas-first-ms")))
        steps.append([int(s) for s in amap.get_attribute("data-atlas-steps").split(",")])
        toggle.click()
        page.locator(".amap[data-atlas='off']").wait_for()
    toggle.click()
    page.locator(".amap[data-atlas-tiles='1600']").wait_for()
    drawn = amap.get_attribute("data-atlas-drawn")
    box = page.locator("canvas.amap-canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function("([el, old]) => el.dataset.atlasDrawn !== old", arg=[amap.element_handle(), drawn])
    return int(amap.get_attribute("data-points")), times, firsts, steps, int(amap.get_attribute("data-atlas-ms"))


def p95(values: list[int]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    sys.exit(main())
