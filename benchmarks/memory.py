"""Peak resident memory of `aeviz train` per model, and of the dashboard server with every
page visited once.

    python benchmarks/memory.py [--epochs 1] [--models vae,conv] [--skip-train] [--skip-server]

Training: `aeviz train --model M --epochs E` with the model's defaults (its default
dataset: mnist5k, photos for the colorizer), each in its own process, into an empty temp
folder; the peak is the kernel's own maximum resident set of that process (ru_maxrss from
os.wait4), so no short spike is missed between samples.

Server: `streamlit run app.py` on a free loopback port with the shipped checkpoints only
(empty temp AEVIZ_CHECKPOINTS, AEVIZ_CACHE and AEVIZ_DATA_DIR), one headless Chromium page
visiting every page once, in the sidebar's order, each until the script run finished.
The RSS of the server process and all its descendants (Chromium is not one) is read from
/proc every 0.1 s: after start (healthy, before any page), after each page, and the peak."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from support import server as srv  # noqa: E402
from report import machine_line, print_table  # noqa: E402


def train_peak(model: str, epochs: int, out: Path) -> tuple[float, float]:
    """(peak RSS in MiB, wall seconds) of one `aeviz train` process."""
    aeviz_cli = Path(sys.executable).parent / "aeviz"
    cmd = [str(aeviz_cli)] if aeviz_cli.exists() else [sys.executable, "-m", "aeviz.cli"]
    start = time.perf_counter()
    proc = subprocess.Popen([*cmd, "train", "--model", model, "--epochs", str(epochs), "--out", str(out), "--force"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"aeviz train --model {model} failed:\n{err.decode()[-2000:]}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start  # ru_maxrss is in KiB on Linux


class Sampler:
    """RSS of a process tree, read every interval seconds on a thread; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now(self) -> float:
        rss = srv.rss_mib(self.pid)
        self.peak = max(self.peak, rss)
        return rss

    def _run(self):
        while not self._stop.is_set():
            self.now()
            time.sleep(self.interval)

    def stop(self):
        self._stop.set()
        self._thread.join()


def server_rows() -> list[tuple]:
    from playwright.sync_api import sync_playwright

    from support.pages import PAGES, TITLES  # the pages, in the sidebar's order

    if srv.CHROMIUM is None:
        raise SystemExit("chromium is not on PATH; install it (apt-get install chromium) or pass --skip-server.")
    rows = []
    with tempfile.TemporaryDirectory(prefix="aeviz-memory-") as tmp, srv.running("app.py", Path(tmp)) as server:
        sampler = Sampler(server.proc.pid)
        rows.append(("server started (healthy, no page yet)", f"{sampler.now():.0f}", ""))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=srv.CHROMIUM, args=srv.CHROMIUM_ARGS)
            pg = browser.new_page(viewport={"width": 1400, "height": 1100})
            pg.set_default_timeout(srv.SLOW)
            for name, path in PAGES.items():
                start = time.perf_counter()
                pg.goto(f"{server.url}/{path}")
                pg.get_by_role("heading", name=TITLES[name]).first.wait_for()
                srv.settle(pg)
                errors = pg.evaluate(srv.ERRORS_JS)
                note = f"{time.perf_counter() - start:.1f} s" + (f"; ERROR shown: {errors[0][:80]}" if errors else "")
                rows.append((f"after {TITLES[name]}", f"{sampler.now():.0f}", note))
                print(rows[-1], file=sys.stderr, flush=True)
            browser.close()
        sampler.stop()
        rows.append(("peak over the whole visit", f"{sampler.peak:.0f}", ""))
    return rows


def main(argv=None) -> int:
    import aeviz

    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=1, help="epochs of each training run (default 1)")
    ap.add_argument("--models", default=",".join(sorted(aeviz.MODELS)))
    ap.add_argument("--skip-train", action="store_true")
    ap.add_argument("--skip-server", action="store_true")
    args = ap.parse_args(argv)
    train_rows = []
    if not args.skip_train:
        with tempfile.TemporaryDirectory(prefix="aeviz-memory-train-") as tmp:
            for model in args.models.split(","):
                peak, seconds = train_peak(model, args.epochs, Path(tmp))
                dataset = aeviz.defaults_for(model).dataset
                train_rows.append((model, dataset, args.epochs, f"{peak:.0f}", f"{seconds:.1f}"))
                print(train_rows[-1], file=sys.stderr, flush=True)
    rows = [] if args.skip_server else server_rows()
    print(machine_line())
    if train_rows:
        print_table(("`aeviz train --model`", "dataset", "epochs", "peak RSS (MiB)", "wall (s)"), train_rows)
        print()
    if rows:
        print_table(("dashboard server", "RSS (MiB)", "note (page load time)"), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
