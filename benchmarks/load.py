"""Many users at once while a training run goes on, and a long run (aeviz issue 5).

    python benchmarks/load.py [--sessions 20] [--presses 5] [--train-epochs 200] [--minutes 0]
                              [--stagger] [--in-turn] [--pin]

One `streamlit run app.py` on loopback (shipped checkpoints only, empty temp caches) and
one headless Chromium with a page per user, each in its own browser context (its own
Streamlit session). The training run is the Train page's own, started from one more page
(in a Chromium of its own, as another user's): an `aeviz train` child process of the server
(aeviz issue 27), below the pages' priority, counted in the server's RSS, and cancelled when
the server stops (it would outlive it otherwise, as it is made to).

Phases (all users at once within each): open the latent walk (with --stagger, one user after
another, each once the one before can decode); --presses timed key presses
on the user's own slider (key press -> new image, decoded in the page; and the websocket
frames the page sent the server meanwhile, which should be none; with --in-turn, one user
after another, the rest connected and idle, and the training run going on: the presses start
once the browsers' own CPU has quietened after opening twenty pages); move the
slider to the user's own end (user i: dimension i mod 16, Home or End), so every user holds
a distinct code; then the even users flip theirs while the odd ones wait; every image must
be its own user's code decoded (pixels within 3/255 of the expected image, and nearest to
its own of all users' expected images), and the odd users' images must not have changed;
then the latent map (through the sidebar, same session; drawn in WebGL) and a click on the
user's own point, whose image must be the one shown. Any traceback or st.error on a page fails.
A user whose page gets stuck is reported with a screenshot (artifacts/load/) and drops out.
Server memory is read two ways: RSS of the server and its children, sampled throughout, and
Streamlit's own accounting of session state, served images and caches (/_stcore/metrics)
before and after the load. With --pin, the server (and so its training process, started
from its threads) and this script run on the first core and Chromium alone on the others, as a server and its users' browsers
would on separate machines; on one machine's cores, twenty browsers' own decoding otherwise
queues with the server's work and with one another's. With --minutes, the users keep
pressing (one press per --think seconds, the map every 10th) for that long, RSS sampled
every 10 s. Exits 1 if a check or memory bound fails."""
from __future__ import annotations

import argparse
import asyncio
import base64
import io
import os
import re
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
HERE = Path(__file__).resolve().parent  # the benchmarks' page scripts (.js) lie beside them
from support import server as srv  # noqa: E402
from support.pages import WALK_DIMS as DIMS, walk_decoder  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import pct, server_machine  # noqa: E402

TOLERANCE = 3       # uint8 levels: the browser decodes with onnxruntime-web, we with torch


@dataclass
class User:
    i: int
    pg: object
    image_ms: list = field(default_factory=list)
    frames: list = field(default_factory=list)   # websocket frames sent to the server, per press
    sent: int = 0                # websocket frames this page has sent the server so far
    same_image: int = 0          # presses whose step decodes to the very same picture
    ready_s: float = float("nan")  # opening the walk -> the page's decoder ready
    end: str = "Home"            # the key that puts its slider at its own end
    right: bool = True           # the way its slider is being swept

    @property
    def dim(self) -> int:
        return self.i % DIMS

    @property
    def slider(self) -> str:
        return f"input[aria-label=z{self.dim}]"


@dataclass
class Result:
    users: list
    errors: list = field(default_factory=list)     # what a user would see as a failure, and failed checks
    rss: list = field(default_factory=list)        # (seconds since start, MiB, phase)
    training: list = field(default_factory=list)   # (phase, the Train page's state)
    phases: dict = field(default_factory=dict)     # phase -> (start, end) seconds
    accounted: dict = field(default_factory=dict)  # phase -> streamlit_memory() at its end
    quiet_s: float = 0.0         # with --in-turn: the wait for the browsers to idle before the presses


async def settle(pg) -> None:
    await pg.wait_for_timeout(700)
    await pg.wait_for_function(srv.IDLE_JS, timeout=srv.SLOW, polling=srv.IDLE_POLL)
    await pg.wait_for_timeout(300)


async def check_page(u: User, res: Result, where: str) -> None:
    res.errors += [f"user {u.i}, {where}: {t}" for t in await u.pg.evaluate(srv.ERRORS_JS)]


async def open_walk(u: User, url: str, res: Result) -> None:
    await u.pg.goto(f"{url}/latent-walk")
    t0 = time.perf_counter()
    await u.pg.locator("img.walk-image[data-code]").wait_for()  # the page's own decoder is ready
    u.ready_s = time.perf_counter() - t0
    await settle(u.pg)
    await check_page(u, res, "latent walk")


async def press(u: User, key: str, timed: bool = True) -> None:
    """One key press on the user's slider; waits for the new image (decoded in the page)."""
    pg = u.pg
    await pg.evaluate(srv.PROBE_JS, ["img.walk-image", u.slider])
    sent = u.sent
    await pg.locator(u.slider).focus()
    await pg.keyboard.press(key)
    try:
        await pg.wait_for_function("() => window.__probe.image !== null", timeout=5_000, polling=20)
    except Exception:  # TimeoutError: this step decoded to the very same picture; not a failure
        u.same_image += 1
    else:
        p = await pg.evaluate("() => window.__probe")
        if timed:
            u.image_ms.append(p["image"] - p["t0"])
    await pg.wait_for_timeout(300)  # a frame the press caused would be on its way by now
    if timed:
        u.frames.append(u.sent - sent)


async def bounce(u: User, presses: int, think: float) -> None:
    """Presses that turn at the slider's ends, as a user sweeping it back and forth."""
    for _ in range(presses):
        value, low, high = await u.pg.locator(u.slider).evaluate("e => [+e.value, +e.min, +e.max]")
        if value in (low, high):
            u.right = value == low
        await press(u, "ArrowRight" if u.right else "ArrowLeft")
        await asyncio.sleep(think)


async def go_to_end(u: User, key: str) -> None:
    u.end = key
    value, low, high = await u.pg.locator(u.slider).evaluate("e => [+e.value, +e.min, +e.max]")
    if value != (low if key == "Home" else high):
        await press(u, key, timed=False)
    await settle(u.pg)


def code_of(base: np.ndarray, u: User) -> np.ndarray:
    z = base.copy()
    z[u.dim] = -3.0 if u.end == "Home" else 3.0  # the shipped VAE's sliders span +-3 prior sd
    return z


async def shown_pixels(u: User) -> tuple[str, np.ndarray]:
    src = await u.pg.locator("img.walk-image").get_attribute("src")
    return src, np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("L"), np.int16)


async def check_isolation(users: list, base: np.ndarray, decode, res: Result, where: str) -> list[str]:
    """Every user's image is its own code decoded; returns the shown sources."""
    expected = decode(np.stack([code_of(base, u) for u in users]))
    shown = await asyncio.gather(*(shown_pixels(u) for u in users))
    for k, (u, (_, px)) in enumerate(zip(users, shown)):
        if px.shape != expected[k].shape:
            res.errors.append(f"user {u.i}, {where}: image of shape {px.shape}, expected {expected[k].shape}")
            continue
        diffs = [np.abs(px - e).max() for e in expected]
        if diffs[k] > TOLERANCE or int(np.argmin(diffs)) != k:
            res.errors.append(f"user {u.i}, {where}: shows another code's image (off its own by {diffs[k]} levels, "
                              f"nearest is user {users[int(np.argmin(diffs))].i}'s)")
        value = await u.pg.locator(u.slider).evaluate("e => e.closest('.walk-row').querySelector('.v').textContent")
        if float(value) != code_of(base, u)[u.dim]:
            res.errors.append(f"user {u.i}, {where}: slider z{u.dim} reads {value}")
    return [src for src, _ in shown]


# The k-th point (in a spread-out order) with no other point within 8 px, so a click on it
# cannot land on a neighbour: [x, y, image index], in page pixels (the WebGL map's own
# screen positions, from regl-scatterplot).
PICK_POINT_JS = (HERE / "pick_point.js").read_text()
HOVER_SHOWN_JS = (HERE / "hover_shown.js").read_text()


async def open_map(u: User, res: Result) -> None:
    """The map through the sidebar (the same session), then a click on the user's own point."""
    pg = u.pg
    await pg.get_by_role("link", name="Latent map").click()
    await pg.locator(".amap[data-ready='1']").wait_for()  # drawn, and its decoders ready
    await settle(pg)
    px, py, index = await pg.locator(".amap").evaluate(PICK_POINT_JS, max(u.i, 0))
    await pg.mouse.move(px - 3, py)  # onto the point, as a user's hand would come: its image shows on hover
    await pg.mouse.move(px, py)
    await pg.locator(".amap").evaluate(HOVER_SHOWN_JS, index)
    await pg.mouse.click(px, py)
    await pg.get_by_text("Clicked image").wait_for()
    await settle(pg)
    caption = await pg.locator("[data-testid=stImageCaption]").first.inner_text()
    if not caption.startswith(f"image #{index},") and caption != f"image #{index}":
        res.errors.append(f"user {u.i}, latent map: clicked image #{index}, shown: {caption!r}")
    await check_page(u, res, "latent map")


async def back_to_walk(u: User, res: Result) -> None:
    await u.pg.get_by_role("link", name="Latent walk").click()
    await u.pg.locator("img.walk-image").wait_for()
    await settle(u.pg)
    await check_page(u, res, "latent walk (back from the map)")


async def start_training(pg, url: str, epochs: int) -> None:
    """The Train page's form: the default model (conv on mnist5k), a seed no shipped
    checkpoint has, so it really trains."""
    await pg.goto(f"{url}/train")
    await pg.get_by_role("spinbutton", name="Epochs").fill(str(epochs))
    await pg.get_by_role("spinbutton", name="Seed").fill("7")
    await pg.get_by_role("button", name="Train", exact=True).click()
    # its first steps: the child process has started, loaded the data and built the model
    await pg.get_by_text(re.compile(r"epoch \d+/\d+, step [1-9]")).wait_for()


async def training_state(pg) -> str:
    if pg is None:
        return "none"
    bar = pg.locator("[data-testid=stProgress]")
    if await bar.count():
        return "running: " + (await bar.first.inner_text()).strip().replace("\n", " ")
    return (await pg.locator("[data-testid=stMain]").inner_text())[:200].replace("\n", " ")


async def sample_rss(pid: int, res: Result, t0: float, every: float, phase: list) -> None:
    while True:
        res.rss.append((time.time() - t0, srv.rss_mib(pid), phase[0]))
        await asyncio.sleep(every)


METRIC = re.compile(r'^(\w+)\{(.*)\} (\S+)$')
SHARED = (".load_model", "._projection_from_disk")   # the caches every user must share


def streamlit_memory(url: str) -> dict:
    """What the server holds, from Streamlit's own accounting (/_stcore/metrics): bytes of
    images served, uploads and data caches; the number of session-state entries (Streamlit
    counts them unless asked for the costly sizing, whose walk through our caches fails);
    and how often a model or map was loaded. Unlike RSS it is not blurred by the allocator
    keeping freed pages or by a training run's batches."""
    out = {"bytes": {}, "state_entries": 0, "loads": 0}
    for line in urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=60).read().decode().splitlines():
        m = METRIC.match(line)
        if not m:
            continue
        name, labels, value = m[1], dict(re.findall(r'(\w+)="([^"]*)"', m[2])), float(m[3])
        if name == "cache_memory_bytes" and labels["cache_type"] == "st_session_state":
            out["state_entries"] += int(value)
        elif name == "cache_memory_bytes" and labels["cache_type"] != "st_cache_resource":
            out["bytes"][labels["cache_type"]] = out["bytes"].get(labels["cache_type"], 0) + value
        elif name == "cache_lookups_total" and labels.get("cache", "").endswith(SHARED) \
                and labels.get("result") == "miss":
            out["loads"] += int(value)
    return out


async def soak(u: User, minutes: float, think: float, res: Result) -> None:
    deadline, n = time.time() + 60 * minutes, 0
    while time.time() < deadline:
        n += 1
        if n % 10 == 0:
            await open_map(u, res)
            await back_to_walk(u, res)
        else:
            await bounce(u, 1, think)


SHOTS = srv.ROOT / "artifacts" / "load"


def browsers_cpu_s() -> float:
    """CPU seconds used so far by the Chromium processes this script started (Linux /proc)."""
    total = 0
    for p in srv.chromium_pids(os.getpid()):
        try:
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(stat[11]) + int(stat[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue  # it ended meanwhile
    return total / os.sysconf("SC_CLK_TCK")


# Below this share of one core over a second, the browsers are taken to be idle: twenty walk
# pages at rest, and the Train page redrawing its progress, use about a tenth.
QUIET_CORES = 0.25


async def browsers_quiet(limit_s: float = 120.0) -> float:
    """Wait until the pages have finished what opening them started, and return the seconds
    waited. A page whose decoder is ready goes on for seconds on its own CPU after that (not
    profiled; the browser compiling onnxruntime's wasm further would be one such job); twenty
    pages on two cores doing so slowed the first in-turn presses to 12-112 ms, where every
    press after them took 4-16 ms (--no-wait --per-user shows it), and that is twenty browsers
    on one machine, not the server."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        before = browsers_cpu_s()
        await asyncio.sleep(1.0)
        if browsers_cpu_s() - before < QUIET_CORES:
            break
    return time.perf_counter() - start


async def together(users: list, step, res: Result, where: str) -> list:
    """step(u) for every user at once. A user whose step raises (a page that never showed
    what it waited for) is reported with a screenshot under artifacts/load/ and takes no
    further part, so one stuck page neither stops the run nor hides what the others saw.
    Returns the users that are still going."""
    outcomes = await asyncio.gather(*(step(u) for u in users), return_exceptions=True)
    going = []
    for u, out in zip(users, outcomes):
        if not isinstance(out, Exception):
            going.append(u)
            continue
        shot = SHOTS / f"user{u.i}-{'-'.join(where.split())}.png"
        try:
            SHOTS.mkdir(parents=True, exist_ok=True)
            await u.pg.screenshot(path=shot, full_page=True)
        except Exception:
            shot = "none"
        res.errors.append(f"user {u.i}, {where}: {type(out).__name__}: {str(out).splitlines()[0] if str(out) else ''}"
                          f" (screenshot: {shot})")
    return going


async def run(url: str, pid: int, sessions: int = 20, presses: int = 5, think: float = 0.5, train_epochs: int = 0,
              minutes: float = 0, sample_every: float = 1.0, log=print, stagger: bool = False,
              in_turn: bool = False, cores: list | None = None, wait: bool = True) -> Result:
    """cores: with --pin, the server's and this script's first, Chromium's the rest. wait: with
    in_turn, the presses start once the browsers have gone quiet (browsers_quiet)."""
    from playwright.async_api import async_playwright

    base, decode = walk_decoder()
    res, phase, t0 = Result(users=[]), ["warm-up"], time.time()

    def mark(name: str) -> None:
        if phase[0] in res.phases:
            res.phases[phase[0]] = (res.phases[phase[0]][0], time.time() - t0)
        phase[0] = name
        res.phases[name] = (time.time() - t0, None)
        log(f"[{time.time() - t0:6.1f} s] {name}")

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=srv.CHROMIUM, args=srv.CHROMIUM_ARGS)
        if cores:
            srv.pin_apart({cores[0]}, set(cores[1:]))
        # The Train page, which starts the training run and redraws its progress every second,
        # in a browser of its own, as another user's: launched after the pinning, it inherits
        # the server's core from Playwright's driver.
        own = await p.chromium.launch(executable_path=srv.CHROMIUM, args=srv.CHROMIUM_ARGS) if train_epochs else None

        async def new_page(where=None):
            pg = await (await (where or browser).new_context(viewport={"width": 1400, "height": 1000})).new_page()
            pg.set_default_timeout(srv.SLOW)
            pg.on("pageerror", lambda exc: res.errors.append(f"a script error in the page: {exc}"))
            return pg

        def counted(u: User) -> User:
            def on_socket(ws):
                ws.on("framesent", lambda payload: setattr(u, "sent", u.sent + 1))
            u.pg.on("websocket", on_socket)
            return u

        sampler = asyncio.create_task(sample_rss(pid, res, t0, sample_every, phase))
        mark("warm-up")  # one user loads the model, codes and map into the server's caches
        warm = User(-1, await new_page())
        await open_walk(warm, url, res)
        await open_map(warm, res)
        await warm.pg.context.close()
        trainer = None
        if train_epochs:
            trainer = await new_page(own)
            await start_training(trainer, url, train_epochs)
            await asyncio.sleep(5)  # the run's data and optimizer allocated before the baseline
        res.training.append(("start", await training_state(trainer)))
        mark("baseline")
        await asyncio.sleep(10)
        res.accounted["baseline"] = await asyncio.to_thread(streamlit_memory, url)
        users = res.users = [counted(User(i, await new_page())) for i in range(sessions)]
        mark("load")
        if stagger:  # users arrive one after another: each opens the walk once the one before can decode
            active = [u for u in users if await together([u], lambda u: open_walk(u, url, res), res, "opening the walk")]
        else:
            active = await together(users, lambda u: open_walk(u, url, res), res, "opening the walk")
        if in_turn:  # each user's presses alone: what one browser sees of the server's load
            if wait:
                res.quiet_s = await browsers_quiet()
                log(f"[{time.time() - t0:6.1f} s] the browsers idle after {res.quiet_s:.0f} s")
            active = [u for u in active
                      if await together([u], lambda u: bounce(u, presses, think), res, "pressing its slider")]
        else:
            active = await together(active, lambda u: bounce(u, presses, think), res, "pressing its slider")
        active = await together(active, lambda u: go_to_end(u, "Home" if u.i < DIMS else "End"), res,
                                "moving its slider to its end")
        before = await check_isolation(active, base, decode, res, "after moving")
        flip = [u for u in active if u.i % 2 == 0]
        await together(flip, lambda u: go_to_end(u, "End" if u.end == "Home" else "Home"), res, "moving again")
        after = await check_isolation(active, base, decode, res, "after the even users moved")
        res.errors += [f"user {u.i}: its image changed when other users moved their sliders"
                       for u, a, b in zip(active, before, after) if u.i % 2 and a != b]
        active = await together(active, lambda u: open_map(u, res), res, "latent map")
        res.training.append(("end of load", await training_state(trainer)))
        mark("idle")  # every user still connected, none busy: what the server keeps for them
        await asyncio.sleep(10)
        res.accounted["idle"] = await asyncio.to_thread(streamlit_memory, url)
        if minutes:
            sampler.cancel()
            mark("soak")
            sampler = asyncio.create_task(sample_rss(pid, res, t0, 5.0, phase))
            active = await together(active, lambda u: back_to_walk(u, res), res, "back to the walk")
            await together(active, lambda u: soak(u, minutes, max(think, 1.0), res), res, "soak")
            res.training.append(("end of soak", await training_state(trainer)))
            mark("after soak")  # the same users, connected and idle again
            await asyncio.sleep(10)
            res.accounted["after soak"] = await asyncio.to_thread(streamlit_memory, url)
        mark("closed")
        for u in users:
            await u.pg.context.close()
        await asyncio.sleep(5)
        res.rss.append((time.time() - t0, srv.rss_mib(pid), "closed"))
        mark("done")
        sampler.cancel()
        await browser.close()
        if own:
            await own.close()
    return res


def rss_in(res: Result, phase: str) -> list[float]:
    return [mib for _, mib, ph in res.rss if ph == phase]


@dataclass
class Bounds:
    """Server memory bounds, MiB. Kept: what the server holds for N connected, idle users
    over the warmed-up baseline, by Streamlit's own accounting (images served, uploads, and
    what they added to the data caches), at most per_user each; models, data and maps are
    shared, so none is loaded again after the warm-up. RSS is reported
    beside it but not bounded per user: freed memory the allocator keeps and a training
    run's batches move it by more than a user's share. Transient: the peak RSS under load
    over the baseline (concurrent reruns' working memory and the training run's batches).
    Soak: after its first minute (caches filling), the peak RSS of its second half over the
    peak of its first half. The RSS saws up and down by hundreds of MiB as concurrent reruns
    allocate and the allocator hands memory back, a cycle of minutes, so two one-minute
    windows catch different points of the cycle; halves of several minutes each hold whole
    cycles, and a leak lifts the second half's peak. And what Streamlit keeps for the users
    after the soak, by its own accounting, stays within the per-user bound."""
    per_user: float = 10
    transient: float = 1024
    soak_warmup_min: float = 1
    soak_growth: float = 64


MIB = 2 ** 20


def gained(before: dict, after: dict, prefix: str = "") -> dict:
    """What Streamlit's accounting gained between two reads: MiB by kind and in all, models
    or maps loaded, session-state entries (keys prefixed, e.g. "soak_kept")."""
    by_kind = {k: (v - before["bytes"].get(k, 0)) / MIB for k, v in after["bytes"].items()}
    return {f"{prefix}kept_by_kind": by_kind, f"{prefix}kept": sum(by_kind.values()),
            f"{prefix}loads": after["loads"] - before["loads"],
            f"{prefix}state_entries": after["state_entries"] - before["state_entries"]}


def memory(res: Result, b: Bounds) -> dict:
    base = float(np.median(rss_in(res, "baseline")))
    out = {"baseline": base, "peak": max(rss_in(res, "load")),
           "rss_kept": float(np.median(rss_in(res, "idle"))) - base, "closed": rss_in(res, "closed")[-1]}
    before, after = res.accounted.get("baseline"), res.accounted.get("idle")
    if before and after:
        out.update(gained(before, after))
    soak = [(t, mib) for t, mib, ph in res.rss if ph == "soak"]
    if soak:
        t0, t1 = soak[0][0] + 60 * b.soak_warmup_min, soak[-1][0]
        mid = (t0 + t1) / 2
        first = [m for t, m in soak if t0 <= t < mid] or [soak[-1][1]]
        second = [m for t, m in soak if t >= mid] or [soak[-1][1]]
        out.update(soak_start=soak[0][1], soak_peak=max(m for _, m in soak), soak_end=soak[-1][1],
                   soak_halves=((min(first), max(first)), (min(second), max(second))),
                   soak_growth=float(max(second) - max(first)), soak_samples=len(soak),
                   soak_minutes=(t1 - soak[0][0]) / 60, soak_half_minutes=(t1 - t0) / 120)
    later = res.accounted.get("after soak")
    if before and later:
        out.update(gained(before, later, "soak_"))
    return out


def memory_checks(res: Result, b: Bounds) -> list[str]:
    m, n, fails = memory(res, b), len(res.users), []
    if "kept" not in m:
        fails.append("Streamlit's memory accounting (/_stcore/metrics) was not read")
    elif m["kept"] > b.per_user * n:
        fails.append(f"the server keeps {m['kept']:.1f} MiB for {n} idle users (bound {b.per_user:g} MiB each)")
    if m.get("loads"):
        fails.append(f"a model or map was loaded {m['loads']} more time(s) after the warm-up: not shared")
    if m["peak"] - m["baseline"] > b.transient:
        fails.append(f"peak RSS under load {m['peak']:.0f} MiB, {m['peak'] - m['baseline']:.0f} over the baseline "
                     f"(bound {b.transient:g})")
    if "soak_growth" not in m:
        return fails
    if m["soak_growth"] > b.soak_growth:
        fails.append(f"soak: the peak RSS of its second half is {m['soak_growth']:.0f} MiB over its first half's "
                     f"(bound {b.soak_growth:g})")
    if m["soak_peak"] - m["baseline"] > b.transient:
        fails.append(f"soak: peak RSS {m['soak_peak']:.0f} MiB, {m['soak_peak'] - m['baseline']:.0f} over the "
                     f"baseline (bound {b.transient:g})")
    if "soak_kept" not in m:
        fails.append("soak: Streamlit's memory accounting was not read after it")
    elif m["soak_kept"] > b.per_user * n:
        fails.append(f"soak: the server keeps {m['soak_kept']:.1f} MiB for {n} idle users after it "
                     f"(bound {b.per_user:g} MiB each)")
    if m.get("soak_loads"):
        fails.append(f"soak: a model or map was loaded {m['soak_loads']} more time(s) after the warm-up")
    return fails


def report(res: Result, b: Bounds) -> str:
    image = [x for u in res.users for x in u.image_ms]
    frames = [x for u in res.users for x in u.frames]
    m, n = memory(res, b), len(res.users)
    lines = [f"{n} users; training: " + "; ".join(f"{ph}: {st}" for ph, st in res.training), "",
             "| measurement | n | p50 | p95 | max |", "|---|---|---|---|---|"]
    lines.append(f"| walk slider under load, key press -> new image, decoded in the page (ms) | {len(image)} | "
                 f"{pct(image, 50):.0f} | {pct(image, 95):.0f} | {max(image, default=float('nan')):.0f} |")
    ready = [u.ready_s for u in res.users if u.ready_s == u.ready_s]
    lines.append(f"| opening the walk -> the page's decoder ready (s) | {len(ready)} | {pct(ready, 50):.1f} | "
                 f"{pct(ready, 95):.1f} | {max(ready, default=float('nan')):.1f} |")
    if res.quiet_s:
        lines.append(f"| in turn: the wait, after opening, until the browsers idled (s) | 1 | {res.quiet_s:.0f} | | |")
    lines.append(f"| websocket frames a page sent the server per timed press (server decodes: none asked) | "
                 f"{len(frames)} | {pct(frames, 50):.0f} | {pct(frames, 95):.0f} | {max(frames, default=0):.0f} |")
    lines += ["", "| server memory (MiB) | value | bound |", "|---|---|---|"]
    if "kept" in m:
        kinds = ", ".join(f"{k.removeprefix('st_')} {v:.2f}" for k, v in m["kept_by_kind"].items() if v)
        lines += [f"| kept for {n} connected idle users, over the baseline (Streamlit's accounting: {kinds}) | "
                  f"{m['kept']:.2f} | {b.per_user * n:.0f} |",
                  f"| their session-state entries (Streamlit counts, not sizes, them) | {m['state_entries']} | |",
                  f"| models or maps loaded again after the warm-up (all users share the cached ones) | "
                  f"{m['loads']} | 0 |"]
    lines += [f"| RSS baseline: models, data and map cached, training as above (median) | {m['baseline']:.0f} | |",
              f"| RSS with the {n} users connected and idle, over the baseline (median) | {m['rss_kept']:+.0f} | |",
              f"| RSS peak under load (over the baseline) | {m['peak']:.0f} ({m['peak'] - m['baseline']:+.0f}) | "
              f"+{b.transient:.0f} |",
              f"| RSS after the users closed their pages | {m['closed']:.0f} | |"]
    if "soak_growth" in m:
        (lo1, hi1), (lo2, hi2) = m["soak_halves"]
        lines += [f"| RSS soak: start / peak / end ({m['soak_samples']} samples over {m['soak_minutes']:.1f} min) | "
                  f"{m['soak_start']:.0f} / {m['soak_peak']:.0f} ({m['soak_peak'] - m['baseline']:+.0f}) / "
                  f"{m['soak_end']:.0f} | +{b.transient:.0f} |",
                  f"| RSS soak after its first {b.soak_warmup_min:g} min, low-high: first {m['soak_half_minutes']:.1f} min"
                  f" / second {m['soak_half_minutes']:.1f} min | {lo1:.0f}-{hi1:.0f} / {lo2:.0f}-{hi2:.0f} | |",
                  f"| RSS soak: growth, the second half's peak over the first half's | {m['soak_growth']:+.0f} | "
                  f"+{b.soak_growth:.0f} |"]
        if "soak_kept" in m:
            lines += [f"| kept for the {n} users, idle after the soak, over the baseline (Streamlit's accounting) | "
                      f"{m['soak_kept']:.2f} | {b.per_user * n:.0f} |",
                      f"| their session-state entries after the soak | {m['soak_state_entries']} | |",
                      f"| models or maps loaded again by the end of the soak | {m['soak_loads']} | 0 |"]
    same = sum(u.same_image for u in res.users)
    lines += ["", f"Presses whose new step decoded to the very same picture (no new image to time): {same}."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=20, help="users at once")
    ap.add_argument("--presses", type=int, default=5, help="timed key presses per user under load")
    ap.add_argument("--think", type=float, default=0.5, help="seconds between a user's presses")
    ap.add_argument("--train-epochs", type=int, default=200, help="epochs of the training run (0: none)")
    ap.add_argument("--minutes", type=float, default=0, help="soak: minutes of steady interaction after the load")
    ap.add_argument("--stagger", action="store_true", help="users open the walk one after another, each once the "
                    "one before has its decoder ready (all at once otherwise); the rest is done by all at once")
    ap.add_argument("--in-turn", action="store_true", help="the timed presses one user after another (the others "
                    "connected, the training going on); all at once otherwise")
    ap.add_argument("--no-wait", action="store_true", help="with --in-turn, start the presses as soon as every "
                    "page can decode, without waiting for the browsers to go quiet")
    ap.add_argument("--per-user", action="store_true", help="print each user's timed presses (ms), in the order made")
    ap.add_argument("--pin", action="store_true", help="the server and this script on the first core, Chromium "
                    "alone on the others (as on separate machines)")
    ap.add_argument("--per-user-mib", type=float, default=Bounds.per_user, help="bound: MiB kept per idle user")
    ap.add_argument("--transient-mib", type=float, default=Bounds.transient, help="bound: peak over the baseline")
    ap.add_argument("--soak-warmup", type=float, default=Bounds.soak_warmup_min, help="soak: minutes not counted")
    ap.add_argument("--soak-bound-mib", type=float, default=Bounds.soak_growth, help="bound: soak growth, MiB")
    args = ap.parse_args()
    cores = srv.browser_benchmark(args.pin)
    with tempfile.TemporaryDirectory() as tmp, srv.running("app.py", Path(tmp)) as server:
        res = asyncio.run(run(server.url, server.proc.pid, args.sessions, args.presses, args.think,
                              args.train_epochs, args.minutes, stagger=args.stagger, in_turn=args.in_turn,
                              cores=cores if args.pin else None, wait=not args.no_wait))
    bounds = Bounds(args.per_user_mib, args.transient_mib, args.soak_warmup, args.soak_bound_mib)
    fails = res.errors + memory_checks(res, bounds)
    where = (f"server and this script on core {cores[0]}, Chromium on {', '.join(map(str, cores[1:]))}" if args.pin
             else "server, script and Chromium sharing every core")
    print(f"\nMachine: {server_machine()}; {where}; presses {'in turn' if args.in_turn else 'all at once'}\n")
    print(report(res, bounds))
    if args.per_user:
        print("\nEach user's timed presses, key press -> new image (ms): "
              + "; ".join(f"user {u.i}: {', '.join(f'{x:.0f}' for x in u.image_ms)}" for u in res.users))
    print("\nRSS samples (s, MiB, phase): " + ", ".join(f"{t:.0f}:{m:.0f}:{ph}" for t, m, ph in res.rss))
    if fails:
        print("\nFAILED:\n" + "\n".join(f"- {f}" for f in fails[:50]))
        sys.exit(1)
    print("\nAll checks passed: no errors, every user saw its own image, memory within the bounds.")


if __name__ == "__main__":
    main()
