"""Colorize page: click to new picture, for the preview of a 12 MP upload (aeviz issue 25).

    python benchmarks/colorize_latency.py [--moves 40] [--checkpoint PATH] [--pin]

In headless Chromium against `streamlit run app.py` (empty temp AEVIZ_CHECKPOINTS, AEVIZ_CACHE
and AEVIZ_DATA_DIR; the page's default colorizer, the shipped one, unless --checkpoint puts one
in the user's folder and picks it). A 12 MP photo is made at run time by upscaling a real photo
(aeviz.datasets.debian_photos, the first held-out one; nothing is committed) and uploaded as a
JPEG. Then, --moves times, alternately: a click on the photo places a hint, and a drag step
moves the last one. Each is timed in the page from the pointer event's own timestamp to the
first animation frame after the canvas drew the new result (the colorizer run in the page's
worker at its working size, its a and b composed with the lightness at the canvas's device
pixels). Between steps the page is left to finish (the server hears the hints a moment later
and makes the exact full-size result): a user who looks at each picture. With --pin, the
server and this script run on the first core and Chromium on the others. Prints a markdown table."""
from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import server as srv  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import pct, server_machine  # noqa: E402

TARGET_MS = 100.0  # issue 25: click -> new picture, p95, for a 12 MP upload
SIZE = (3000, 4000)  # (H, W): 12 MP
VIEWPORT = {"width": 1400, "height": 1100}

# Armed before a step: the pointer event's time and the first frame showing the new result.
PROBE_JS = (Path(__file__).resolve().parent / "colorize_probe.js").read_text()


def big_photo(path: Path) -> None:
    """A real photo upscaled to 12 MP, as a JPEG."""
    import numpy as np
    from PIL import Image

    from aeviz.datasets import debian_photos

    pixels = debian_photos.photos("test")[0].pixels
    Image.fromarray(np.asarray(pixels)).resize(SIZE[::-1], Image.BICUBIC).save(path, "JPEG", quality=90)


def wait_drawn(pg) -> None:
    pg.wait_for_function("() => window.__probe.shown !== null", timeout=60_000, polling=50)


def steps(pg, moves: int, warmup: int = 3) -> dict[str, list[float]]:
    """Alternately place a hint (a click) and move it (one drag step); ms per step, and the
    page's own split of it into the model's run and the composition."""
    import random

    rng = random.Random(0)
    canvas = pg.locator("canvas.cz-canvas")
    out = {"click": [], "move": [], "model": [], "compose": []}
    for k in range(warmup + moves):
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        at = (box["x"] + rng.uniform(0.1, 0.9) * box["width"], box["y"] + rng.uniform(0.1, 0.9) * box["height"])
        if k % 2 == 0:
            pg.evaluate(PROBE_JS, ["pointerdown"])
            pg.mouse.click(*at)
            kind = "click"
        else:
            mark = pg.locator(".cz-hint").last.bounding_box()
            pg.mouse.move(mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2)
            pg.mouse.down()
            pg.evaluate(PROBE_JS, ["pointermove"])
            pg.mouse.move(*at)
            kind = "move"
        wait_drawn(pg)
        if kind == "move":
            pg.mouse.up()
        p = pg.evaluate("() => window.__probe")
        if k >= warmup:
            out[kind].append(p["shown"] - p["t0"])
            out["model"].append(p["model"])
            out["compose"].append(p["compose"])
        pg.wait_for_timeout(600)  # the hints reach the server; it makes the full-size result
        pg.wait_for_function(srv.IDLE_JS, timeout=300_000, polling=srv.IDLE_POLL)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--moves", type=int, default=40, help="timed steps (half clicks, half drag steps)")
    ap.add_argument("--checkpoint", type=Path, help="a colorizer checkpoint to use instead of the shipped one")
    ap.add_argument("--pin", action="store_true", help="the server and this script on the first core, Chromium on the rest")
    args = ap.parse_args()
    cores = srv.browser_benchmark(args.pin)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        tmp = Path(tmp)
        photo = tmp / "photo-12mp.jpg"
        big_photo(photo)
        if args.checkpoint:
            (tmp / "app" / "checkpoints").mkdir(parents=True)
            shutil.copy(args.checkpoint, tmp / "app" / "checkpoints" / args.checkpoint.name)
        browser = p.chromium.launch(executable_path=srv.CHROMIUM, args=srv.CHROMIUM_ARGS)
        with srv.running("app.py", tmp / "app") as server:
            if args.pin:
                srv.pin_apart({cores[0]}, set(cores[1:]))
            pg = browser.new_context(viewport=VIEWPORT).new_page()
            pg.set_default_timeout(srv.SLOW)
            pg.goto(f"{server.url}/colorize")
            pg.get_by_role("heading", name="Colorize").first.wait_for()
            srv.settle(pg)
            if args.checkpoint:
                pg.locator("[data-testid=stSelectbox]", has=pg.get_by_text("Colorizer", exact=True)).click()
                pg.keyboard.type("yours")
                pg.keyboard.press("Enter")
                srv.settle(pg)
            pg.locator("input[type=file]").first.set_input_files(str(photo))
            canvas = pg.locator("canvas.cz-canvas[data-guessed=true]")
            canvas.wait_for(timeout=600_000)
            srv.settle(pg)
            size = canvas.evaluate("c => [c.width, c.height]")
            if args.pin:
                srv.pin_apart({cores[0]}, set(cores[1:]))
            times = steps(pg, args.moves)
            errors = pg.evaluate(srv.ERRORS_JS)
            assert not errors, f"the page shows an error: {errors}"
        version = browser.version
        browser.close()
    both = times["click"] + times["move"]
    where = f"; server and this script on core {cores[0]}, Chromium on {', '.join(map(str, cores[1:]))}" if args.pin else ""
    print(f"Machine: {server_machine()}, Chromium {version}{where}")
    print(f"Photo {SIZE[1]}x{SIZE[0]} (12 MP) uploaded as JPEG; the canvas draws {size[0]}x{size[1]} device pixels.\n")
    print("| measurement | n | p50 (ms) | p95 (ms) |\n|---|---|---|---|")
    for name, xs in (("click -> hint placed, new picture on screen", times["click"]),
                     ("drag step -> hint moved, new picture on screen", times["move"]),
                     ("both", both), ("of which: the colorizer's run in the worker", times["model"]),
                     ("of which: composing the preview", times["compose"])):
        print(f"| {name} | {len(xs)} | {pct(xs, 50):.1f} | {pct(xs, 95):.1f} |")
    verdict = "met" if pct(both, 95) <= TARGET_MS else "NOT met"
    print(f"\nTarget (click or drag -> new picture, p95 {TARGET_MS:.0f} ms or less): {verdict} ({pct(both, 95):.1f} ms).")


if __name__ == "__main__":
    main()
