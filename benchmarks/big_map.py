"""The shipped Fashion-MNIST VAE's 60,000-point train map, or its 1,050,000-point map of the
augmented set, in the dashboard (aeviz issues 12, 14 and 28): headless Chromium against
`streamlit run app.py`, the sidebar set to that checkpoint and the split; prints the seconds to a ready page, the map's own times from its data to
every point on screen (`data-shown-ms`: its 2D preview, drawn before WebGL's set-up) and to
every point drawn by WebGL (`data-drawn-ms`: the map that hovers and selects), the same two
from the arrival of the data's websocket message (the points travel as an Arrow table, binary,
beside the JSON), hovers on points and on empty space, each timed in the page from its mouse
move to its image painted (`data-hover-ms`; p50 and p95), hovers on points past the page's
sprite atlas timed from the mouse move to their own thumbnail, fetched from the server, painted
(`data-thumbnail-ms`; the dashboard's map only), clicks picked through the map's grid
(`data-pick-ms`), and the page's memory (the JS heap, and the PSS of Chromium's renderer and
GPU processes: software WebGL keeps the points' buffers in the GPU process), and the server's.

    python benchmarks/big_map.py                     # the train split's 60,000 points
    python benchmarks/big_map.py --split augmented   # 1,050,000 real images (after million_map.py --dashboard)
    python benchmarks/big_map.py --copies   # also each copy of a canvas into the map's (ms, source size)"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
HERE = Path(__file__).resolve().parent  # the benchmarks' page scripts (.js) lie beside them
from support.server import CHROMIUM, CHROMIUM_ARGS, ERRORS_JS, isolated_env, settle, start, stop, wait_healthy  # noqa: E402

SUPPORT = HERE.parent / "tests" / "support"
ARRIVAL_JS = (SUPPORT / "ws_arrival.js").read_text()
SCREEN_JS = (SUPPORT / "map_screen.js").read_text()
HOVERED_JS = (SUPPORT / "map_hovered.js").read_text()
THUMBNAIL_JS = (SUPPORT / "map_thumbnail.js").read_text()
COPIES_JS = (HERE / "canvas_copies.js").read_text()


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("train", "augmented"), default="train",
                    help="the dashboard's map of this split: augmented is the 1,050,000 images, its map built "
                         "first by `python benchmarks/million_map.py --dashboard` (read from your cache)")
    ap.add_argument("--hovers", type=int, default=40, help="hovers to time: half on points, half on empty space")
    ap.add_argument("--thumbnails", type=int, default=40, help="hovers on points past the atlas to time to their "
                    "thumbnail painted")
    ap.add_argument("--copies", action="store_true", help="time every drawImage of a canvas until the map is ready: "
                    "regl-scatterplot draws in WebGL, then copies into the map's canvas, which waits for the frame")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # the checkout's App (app.py, as `aeviz app` serves it): the router alone has no thumbnail route
        script, env = "app.py", isolated_env(Path(tmp))
        if args.split == "augmented":  # the map million_map.py saved, where the dashboard looks
            from aeviz import artifacts
            env["AEVIZ_CACHE"] = str(artifacts.cache_dir())
        srv = start(script, Path(tmp), env)
        try:
            wait_healthy(srv)
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                pg = b.new_page(viewport={"width": 1400, "height": 1300})
                pg.set_default_timeout(600000)
                pg.add_init_script(ARRIVAL_JS)
                if args.copies:
                    pg.add_init_script(COPIES_JS)
                pg.goto(f"{srv.url}/latent-map")
                settle(pg)
                pg.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
                pg.get_by_role("option", name="fashion").first.click()
                settle(pg)
                pg.locator("[data-testid=stSidebar]").get_by_text(args.split, exact=True).click()
                t0 = time.time()
                settle(pg)
                amap = pg.locator(".amap[data-ready='1']")
                amap.wait_for()
                report_draw(pg, amap, time.time() - t0)
                if args.copies:
                    print("canvas copies until ready (ms, source w x h):", pg.evaluate("window.__copies"))
                report_thumbnails(pg, amap, args.thumbnails)  # before report_hovers fetches any
                report_hovers(pg, amap, args.hovers)
                report_memory(b, pg)
                report_server_memory(srv.proc.pid)
                assert pg.evaluate(ERRORS_JS) == []
                b.close()
        finally:
            stop(srv)


def report_draw(pg, amap, ready_s: float) -> None:
    """From the data's arrival (its websocket message, before Streamlit decodes it) to the
    points on screen (the 2D preview) and to the points drawn by WebGL (the map that zooms)."""
    arrivals = pg.evaluate("window.__arrivals")
    n = amap.get_attribute("data-points")
    print(f"points: {int(n):,} | page ready (s): {ready_s:.1f} | component's own times, shown (ms):",
          amap.get_attribute("data-shown-ms"), "| drawn by WebGL (ms):", amap.get_attribute("data-drawn-ms"),
          "| preview, import, create, points, draw (ms):", amap.get_attribute("data-steps"),
          "| grid (ms):", amap.get_attribute("data-grid-ms"))
    if arrivals:  # the last large message is the map's (a rerun's would come later still)
        at, size = max((a for a in arrivals if a[0] <= float(amap.get_attribute("data-shown-at"))), default=arrivals[-1])
        print(f"data's message: {size / 1e6:.1f} MB | arrival -> points on screen (ms):",
              round(float(amap.get_attribute("data-shown-at")) - at),
              "| arrival -> drawn by WebGL (ms):", round(float(amap.get_attribute("data-drawn-at")) - at))


def report_hovers(pg, amap, count: int) -> None:
    """Half the hovers on points spread over the map (those past the atlas show their place
    decoded), half on the empty top edge (decoded); each timed in the page from its mouse move
    to its image painted. Then clicks on points: the time to find what each picked."""
    box = pg.locator("canvas.amap-canvas").bounding_box()
    n = int(amap.get_attribute("data-points"))
    # (at a million points, three a pixel, the nearest to a point's place is rarely one of the
    # atlas's first 16,384: most point hovers then decode the point's place, "point-decoded";
    # on the dashboard's map, whichever of that and the point's thumbnail is painted first)
    targets = [("point", *pg.locator(".amap").evaluate(SCREEN_JS, (k * 7919 * 13) % n)) for k in range(count // 2)]
    targets += [("place", 10 + k * 520 / max(1, count // 2 - 1), 3) for k in range(count - count // 2)]
    times: dict[str, list[float]] = {}
    for k, (_, x, y) in enumerate(sorted(targets, key=lambda t: t[0] == "place")):
        before = amap.get_attribute("data-hovers") or "0"
        pg.mouse.move(box["x"] + 300, box["y"] + 1)  # off the last target, so each hover is a new one
        pg.mouse.move(box["x"] + x, box["y"] + y)
        pg.wait_for_function(HOVERED_JS, arg=int(before) + (1 if k else 0), polling=10)
        times.setdefault(amap.get_attribute("data-hover-kind"), []).append(float(amap.get_attribute("data-hover-ms")))
    every = [t for ts in times.values() for t in ts]
    print(f"hover -> image painted (ms), {len(every)} hovers: p50 {np.percentile(every, 50):.1f}, "
          f"p95 {np.percentile(every, 95):.1f}, max {max(every):.1f} |",
          " | ".join(f"{kind}: {len(ts)}, p95 {np.percentile(ts, 95):.1f}" for kind, ts in sorted(times.items())))
    picks, sent = [], len(pg.evaluate("window.__arrivals"))
    for k in range(5):
        x, y = pg.locator(".amap").evaluate(SCREEN_JS, (k * 104729) % n)
        pg.mouse.click(box["x"] + x, box["y"] + y)
        picks.append(float(amap.get_attribute("data-pick-ms")))
        settle(pg)
    print("click -> point picked through the grid (ms):", ", ".join(f"{t:.2f}" for t in picks),
          "| messages over 1 MB the 5 clicks' reruns brought:", len(pg.evaluate("window.__arrivals")) - sent)


def report_thumbnails(pg, amap, count: int) -> None:
    """Hovers on `count` different points past the atlas, each timed in the page from its mouse
    move to its own thumbnail painted (fetched from the server, none kept from before)."""
    box = pg.locator("canvas.amap-canvas").bounding_box()
    n, held = int(amap.get_attribute("data-points")), amap.evaluate("r => r.__amap.data.atlas.count")
    times, seen, misses = [], set(), 0
    for k in range(20 * count):
        if len(times) == count:
            break
        x, y = pg.locator(".amap").evaluate(SCREEN_JS, held + (k * 7919) % (n - held))
        pg.mouse.move(box["x"] + 300, box["y"] + 1)  # off the last target, so each hover is a new one
        pg.mouse.move(box["x"] + x, box["y"] + y)
        i = amap.evaluate("r => r.__amap.hovered")  # the nearest point to that place, maybe another
        if i < held or i in seen:
            continue
        if amap.evaluate("r => r.__amap.thumbnails.gaveUp()"):
            break  # the server sends none: each hover would wait out its timeout
        seen.add(i)
        try:
            pg.wait_for_function(THUMBNAIL_JS, arg=i, polling=5, timeout=10_000)
        except Exception:  # noqa: BLE001 - a thumbnail that never came is counted, not a crash
            misses += 1
            continue
        times.append(float(amap.get_attribute("data-thumbnail-ms")))
    figures = (f"p50 {np.percentile(times, 50):.1f}, p95 {np.percentile(times, 95):.1f}, max {max(times):.1f}"
               if times else "none painted")
    print(f"hover -> own thumbnail painted (ms), {len(times)} points past the atlas's {held:,}: {figures} | "
          f"not come in 10 s: {misses}")


def report_memory(browser, pg) -> None:
    """The page's JS heap (CDP Performance.getMetrics) and the proportional set size (PSS,
    shared pages split between their users) of Chromium's renderer and GPU processes, found
    through CDP SystemInfo.getProcessInfo: software WebGL (SwiftShader) keeps the points'
    buffers in the GPU process, not the page's."""
    cdp = pg.context.new_cdp_session(pg)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    processes = browser.new_browser_cdp_session().send("SystemInfo.getProcessInfo")["processInfo"]
    pss: dict[str, float] = {}
    for proc in processes:
        pss[proc["type"]] = pss.get(proc["type"], 0.0) + _pss_mib(proc["id"])
    print(f"page memory (MiB): JS heap used {metrics.get('JSHeapUsedSize', 0) / 2**20:.0f} "
          f"of {metrics.get('JSHeapTotalSize', 0) / 2**20:.0f} |",
          " | ".join(f"{kind} PSS {mib:.0f}" for kind, mib in sorted(pss.items())))


def report_server_memory(pid: int) -> None:
    """The dashboard server's resident memory now and at its peak (VmRSS, VmHWM): what it
    holds to serve the map (its points, codes and errors; the split's images or, for the
    augmented set, the 70,000 it makes the million from)."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    mib = {k: int(status[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}
    print(f"server memory (MiB): resident {mib['VmRSS']:.0f}, peak {mib['VmHWM']:.0f}")


def _pss_mib(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in text.splitlines() if line.startswith("Pss:")), 0.0)


if __name__ == "__main__":
    main()
