"""A real `streamlit run` on a free loopback port, and the bits of headless Chromium that
drive it: shared by the end-to-end tests and by benchmarks/latency.py, load.py and
memory.py (which put tests/ on sys.path)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SLOW = 180_000  # ms: the first page load imports torch and loads models on two slow cores

# Streamlit's "running" indicator; gone when the script run (and its fragments) finished.
IDLE_JS = "() => !document.querySelector('[data-testid=stStatusWidget]')"
# What a user would see as a failure: a traceback box or an st.error box.
ERRORS_JS = ("() => Array.from(document.querySelectorAll('[data-testid=stException], "
             "[data-testid=stAlertContentError]')).map(e => e.innerText.slice(0, 300))")


class ServerError(RuntimeError):
    """The server did not come up; the message ends with its log's tail."""


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path


def browser_benchmark(pin: bool) -> list[int]:
    """What a benchmark that drives Chromium checks first: chromium on PATH, and with --pin at
    least two cores (the server on one, the browsers on the rest). A SIGTERM ends it through
    sys.exit, so the server is stopped on the way out. Returns the usable cores, in order."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if CHROMIUM is None:
        sys.exit("chromium is not on PATH (apt-get install chromium).")
    cores = sorted(os.sched_getaffinity(0))
    if pin and len(cores) < 2:
        sys.exit("--pin needs at least two cores: one for the server, the rest for the browsers.")
    return cores


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(workdir: Path) -> dict:
    """The environment of a server that sees only the shipped checkpoints: empty user
    checkpoint, projection-cache and data folders under workdir."""
    return {**os.environ, "AEVIZ_CHECKPOINTS": str(workdir / "checkpoints"), "AEVIZ_CACHE": str(workdir / "cache"),
            "AEVIZ_DATA_DIR": str(workdir / "data")}


def start(script: str | Path, workdir: Path, env: dict | None = None) -> Server:
    """`streamlit run script` in its own process group, logging to workdir; returns at once."""
    workdir.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), workdir / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             # No watching of the source tree: it is a server in use, not in development, and
             # on a shared checkout the watcher's overflowing event queue cost it a core.
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env or isolated_env(workdir), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return Server(f"http://127.0.0.1:{port}", proc, log)


def wait_healthy(server: Server, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while True:
        try:
            if urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            pass
        if server.proc.poll() is not None or time.time() > deadline:
            raise ServerError(f"streamlit did not start:\n{server.log.read_text()[-3000:]}")
        time.sleep(0.1)


def stop(server: Server) -> None:
    # Its own process group: nothing it started outlives it.
    try:
        os.killpg(server.proc.pid, signal.SIGTERM)
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait()
    except ProcessLookupError:
        pass


@contextmanager
def running(script: str | Path, workdir: Path, env: dict | None = None):
    """A healthy server for the with-block, stopped after it, and the training run it started
    with it (a run is a process of its own, made to outlive its server)."""
    server = start(script, workdir, env)
    try:
        wait_healthy(server)
        yield server
    except BaseException:
        sys.stderr.write(f"--- the server's log ends:\n{server.log.read_text()[-3000:]}\n")
        raise
    finally:
        stop(server)
        stop_training((env or isolated_env(workdir))["AEVIZ_CHECKPOINTS"])


def stop_training(checkpoints: str | Path) -> None:
    """Cancel the training runs still going in that checkpoint folder."""
    from aeviz.training import runs

    for run in runs.running(checkpoints):
        run.cancel()


def tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB (Linux /proc)."""
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass  # it ended meanwhile
    return total / 1024


def pin(pid: int, cpus: set[int]) -> None:
    """Put a process, every thread of it and of its descendants on these cores (Linux). What
    they start later inherits the cores of the thread that starts it, so this holds for the
    rest of their lives: a load test's server can keep its cores apart from its browsers',
    as on separate machines."""
    for p in tree(pid):
        try:
            tids = [int(t) for t in os.listdir(f"/proc/{p}/task")]
        except OSError:
            continue  # it ended meanwhile
        for t in tids:
            try:
                os.sched_setaffinity(t, cpus)
            except OSError:
                pass  # the thread ended meanwhile


def chromium_pids(pid: int) -> list[int]:
    """The Chromium processes among a process's descendants (Linux /proc)."""
    found = []
    for p in tree(pid):
        try:
            program = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0", 1)[0]
        except OSError:
            continue  # it ended meanwhile
        if "chrom" in Path(program.decode(errors="replace")).name:
            found.append(p)
    return found


def pin_apart(server_cpus: set[int], browser_cpus: set[int]) -> None:
    """This process and everything it started on server_cpus, except Chromium's processes, on
    browser_cpus: the server and the harness that drives the pages (this script, Playwright's
    driver) on some cores, the browsers alone on the others, as on their users' machines.
    Call it again after starting a server or a browser."""
    me = os.getpid()
    pin(me, server_cpus)
    for p in chromium_pids(me):
        pin(p, browser_cpus)


# How often a page is asked whether the script finished, in ms. Playwright's default asks at
# every animation frame: twenty pages doing so took a good part of two cores from the server.
IDLE_POLL = 250


def settle(pg) -> None:
    """Wait until the script has finished running (Playwright's sync API)."""
    pg.wait_for_timeout(700)
    pg.wait_for_function(IDLE_JS, timeout=SLOW, polling=IDLE_POLL)
    pg.wait_for_timeout(300)


# Armed before a key press: the keydown's time, the first frame showing a new, loaded image
# under img_selector ("image"), and for the latent walk the first frame after the server's
# answer to that press (the row's "moved" mark cleared, "answer"). Times in ms, page clock.
PROBE_JS = """([imgSelector, input]) => {
  // A new probe ends the frame loop of the one before; a loop also ends after 300 s (longer than any wait on it), so a
  // press whose picture never changes leaves no loop running on every frame.
  const p = window.__probe = {t0: null, image: null, answer: null, done: false}, armed = performance.now();
  if (!window.__probeListens) {
    window.__probeListens = true;
    document.addEventListener('keydown', e => { if (window.__probe.t0 === null) window.__probe.t0 = e.timeStamp; }, true);
  }
  // The walk's component lives in a shadow root: look there once, then in it at every frame.
  const deep = (sel, root) => root.querySelector(sel) || [...root.querySelectorAll('*')].reduce(
    (hit, e) => hit || (e.shadowRoot && deep(sel, e.shadowRoot)), null);
  const home = (deep(input || imgSelector, document) || document).getRootNode();
  const shown = () => document.querySelector(imgSelector) || home.querySelector(imgSelector);
  const before = shown() ? shown().src : null;
  const el = input ? home.querySelector(input) : null;
  const row = el ? el.closest('.walk-row') : null;
  let sent = false;
  if (row) el.addEventListener('input', () => { sent = true; }, {once: true});
  const tick = () => {
    const i = shown(), now = performance.now();
    if (p.t0 !== null && p.image === null && i && i.src !== before && i.complete && i.naturalWidth > 0) p.image = now;
    if (row && sent && p.answer === null && !row.classList.contains('moved')) p.answer = now;
    p.done = p.image !== null && (!row || p.answer !== null);
    if (!p.done && window.__probe === p && now - armed < 300000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
