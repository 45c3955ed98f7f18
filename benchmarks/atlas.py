"""The decoded atlas's time (web/map/atlas.js, aeviz issue 26): headless Chromium against
`streamlit run`, on the Latent map of the shipped 2-d mnist5k VAE (its test split) and of the
shipped Fashion-MNIST VAE (its train split, 60,000 points). Presses the map's "decoded atlas"
toggle, then zooms in and out by turns, each zoom followed by a pan (each new view tiled once
the camera rests: a zoom decodes every tile, a pan only those that came into view), then
presses it off and on again; reads the component's own times to the first tiles on screen
(`data-atlas-first-ms`: the tiles on the data come first) and to all 40 x 40
(`data-atlas-ms`), and where the time went (`data-atlas-steps`: cells, fading and the inverse;
the decoder in the workers and the tiling; putting the pixels; the frame). The first press
also starts the workers that decode.

    python benchmarks/atlas.py               # 6 zooms and 6 pans a map
    python benchmarks/atlas.py --views 10
    python benchmarks/atlas.py --mnist-only  # skip the 60,000-point map"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.server import CHROMIUM, CHROMIUM_ARGS, ERRORS_JS, running  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard import open_page  # noqa: E402
from report import cpu_name  # noqa: E402

# (row name, the sidebar's checkpoint option, the split to pick or None for the page's own)
MAPS = [("VAE · mnist5k · 2-d code, test split", "VAE · mnist5k · 2-d code", None),
        ("VAE · Fashion-MNIST, train split", "fashion", "train")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--views", type=int, default=6, help="zooms a map (in and out by turns), each followed by a pan")
    ap.add_argument("--mnist-only", action="store_true", help="only the 1,000-point mnist5k map")
    args = ap.parse_args()
    if CHROMIUM is None:
        sys.exit("chromium is not on PATH (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, running("app.py", Path(tmp)) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, option, split in MAPS[:1] if args.mnist_only else MAPS:
            page = open_page(browser, srv.url, "latent-map", "Latent map", option, split)
            rows.append((name, *atlas(page, args.views)))
            assert page.evaluate(ERRORS_JS) == []
            page.close()
        browser.close()
    print(f"\nCPU: {cpu_name()}; Chromium {CHROMIUM} (software WebGL, onnxruntime-web wasm, one thread a worker)\n")
    print("Times to all 1,600 tiles on screen: the first press, which also starts the decoding workers\n"
          "(and its first tiles, those on the data, shown as they come); each new zoom (from the camera's\n"
          "rest; the old tiles stay till the new are all decoded); each pan by 3 cells across and 2 down\n"
          "(the tiles still in view are kept, the rest decoded); a press off and on again with the camera\n"
          "unmoved (every tile kept).\n")
    print("| map | points | first press (ms) | its first tiles (ms) | zooms | median (ms) | p95 (ms) "
          "| inverse / decode / put / frame (median ms) | pans: median (ms) | tiles decoded a pan | off and on again (ms) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, points, first, zooms, pans, again in rows:
        total = [v[0] for v in zooms]
        split = " / ".join(str(round(statistics.median(s))) for s in zip(*(v[2] for v in zooms)))
        print(f"| {name} | {points} | {first[0]} | {first[1]} | {len(zooms)} | {statistics.median(total):.0f} "
              f"| {p95(total):.0f} | {split} | {statistics.median(v[0] for v in pans):.0f} "
              f"| {statistics.median(v[3] for v in pans):.0f} | {again[0]} |")
    return 0


def atlas(page, views: int) -> tuple[int, tuple, list[tuple], list[tuple], tuple]:
    """The map's points, then (total ms, first tiles ms, steps, tiles decoded) of: the first
    press, `views` zooms (in and out by turns) each followed by a pan, and a press off and on
    again at the last view."""
    amap = page.locator(".amap[data-ready='1']")
    amap.wait_for()
    toggle = page.get_by_role("button", name="decoded atlas")

    def drawn(act) -> tuple[int, int, list[int], int]:
        before = amap.get_attribute("data-atlas-drawn")
        act()
        page.wait_for_function("([el, old]) => el.dataset.atlasDrawn !== old && el.dataset.atlasTiles === '1600'",
                               arg=[amap.element_handle(), before])
        return (int(amap.get_attribute("data-atlas-ms")), int(amap.get_attribute("data-atlas-first-ms")),
                [int(s) for s in amap.get_attribute("data-atlas-steps").split(",")],
                int(amap.get_attribute("data-atlas-decoded")))

    first = drawn(toggle.click)
    box = page.locator("canvas.amap-canvas").bounding_box()
    x, y, cell = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["width"] / 40

    def pan(k: int) -> None:  # 3 cells across and 2 down, back and forth by turns
        sign = 1 if k % 2 == 0 else -1
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x - sign * 3 * cell, y - sign * 2 * cell, steps=6)
        page.mouse.up()

    zooms, pans = [], []
    for k in range(views):
        page.mouse.move(x, y)
        zooms.append(drawn(lambda k=k: page.mouse.wheel(0, -300 if k % 2 == 0 else 300)))
        pans.append(drawn(lambda k=k: pan(k)))
    toggle.click()
    page.locator(".amap[data-atlas='off']").wait_for()
    again = drawn(toggle.click)
    assert again[3] == 0, "on again with the camera unmoved, every tile is kept"
    return int(amap.get_attribute("data-points")), first, zooms, pans, again


def p95(values: list[int]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    sys.exit(main())
