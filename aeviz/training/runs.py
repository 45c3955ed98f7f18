"""A training run in a child process: the same `aeviz train` a user would type, started,
watched, cancelled and found again from its folder.

Each run has one folder, <checkpoint folder>/runs/<checkpoint id>/, so starting the same
configuration again continues the same run (train() resumes from its last finished epoch):

    command.json    the command line and the configuration
    pid             the process id of the last attempt
    progress.jsonl  its progress, written by the child (`--log-jsonl`, training/progress.py)
    stderr.log      what it said (stdout.log too)
    exit.json       its exit status, written by the process that started it (when it saw it end)
    cancelled       there when the user cancelled it

The child runs in a session of its own, below the pages' priority: it outlives the server
that started it, a Ctrl+C on the server does not reach it, and the next server finds it by
its pid and its command line. Killed or crashed, it takes nothing but itself down.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import aeviz

from ..checkpoints import user_dir
from ..config import TrainConfig
from ..safefile import write_atomic
from .progress import Progress, Tail

GRACE = 1.5  # seconds between SIGTERM and SIGKILL: a cancel is shown within 2 s
NICE = 10    # below the pages where SCHED_IDLE is not to be had, as the server's own background threads
LOG, PID, COMMAND, EXIT, CANCELLED = "progress.jsonl", "pid", "command.json", "exit.json", "cancelled"


def runs_dir(out_dir: str | Path | None = None) -> Path:
    return Path(out_dir or user_dir()).resolve() / "runs"


@dataclass
class Run:
    folder: Path
    cfg: TrainConfig
    pid: int | None
    started: float                            # when its last attempt was started
    proc: subprocess.Popen | None = None      # when this process started it
    progress: Progress = field(default_factory=Progress)

    def __post_init__(self):
        self._tail, self._reading = Tail(self.folder / LOG), threading.Lock()  # the watch and a page both read
        self.refresh()

    @property
    def log(self) -> Path:
        return self.folder / LOG

    def records_learning(self) -> bool:
        """Whether the run was started with --record-learning (Continue starts it the same way)."""
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            return "--record-learning" in json.loads((self.folder / COMMAND).read_text())["argv"]
        return False

    def refresh(self) -> Progress:
        """Read what the child logged since the last look."""
        with self._reading:
            return self.progress.feed(self._tail.read())

    def alive(self) -> bool:
        """The child still runs. One this process started is reaped here, and its exit status
        kept in the folder; another's is alive while its pid runs this run's command."""
        if self.proc is not None:
            code = self.proc.poll()
            if code is not None and not (self.folder / EXIT).exists():
                with contextlib.suppress(OSError):
                    write_atomic(self.folder / EXIT, json.dumps({"returncode": code}).encode(), "the exit status")
            return code is None
        return self.pid is not None and _runs(self.pid, self.log)

    def cancel(self, grace: float = GRACE) -> None:
        """SIGTERM: it stops at its next Python instruction, keeping its last finished epoch,
        and logs "stopped". Then SIGKILL, once it has logged that or after grace seconds: what
        is left of its exit is the interpreter's garbage collection, seconds on a busy machine,
        that nothing needs. Returns once it has ended."""
        (self.folder / CANCELLED).write_text(str(time.time()))
        self._signal(os.kill, signal.SIGTERM)
        _until(lambda: not self.alive() or self.refresh().end is not None, grace)
        self._signal(os.killpg, signal.SIGKILL)  # the group: its data loaders too
        _until(lambda: not self.alive(), 5.0)

    def _signal(self, send, sig) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                send(self.pid, sig)

    def exit_code(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, KeyError):
            return int(json.loads((self.folder / EXIT).read_text())["returncode"])
        return None

    def state(self) -> str:
        """running, done, cancelled, failed (it said why) or ended (killed or crashed)."""
        if self.alive():
            return "running"
        self.refresh()  # its last words
        end = self.progress.end or {}
        if end.get("event") == "done":
            return "done"
        if (self.folder / CANCELLED).exists():
            return "cancelled"
        return "failed" if end.get("event") == "failed" else "ended"

    def continuable(self) -> bool:
        """It ended before its end, by a cancel, a kill or a bug: running it again continues it.
        Not after a failure it said (a dataset not there, a diverged loss), which would only
        fail again."""
        state = self.state()
        return state in ("cancelled", "ended") or (state == "failed" and not (self.progress.end or {}).get("said"))

    def path(self) -> Path | None:
        """The checkpoint, once the run is done."""
        end = self.progress.end or {}
        return Path(end["path"]) if end.get("event") == "done" else None


def outcome(run: Run) -> str:
    """What became of a run that has ended, in one sentence."""
    state, p, n = run.state(), run.progress, run.cfg.epochs
    k = p.finished
    when = f"during epoch {k + 1} of {n}" if k < n else "after its last epoch, before its checkpoint was saved"
    kept = ("no epoch had finished, so Continue starts it again" if not k else
            f"Continue trains on from epoch {k + 1}, the {k} finished epoch{'s' * (k != 1)} kept" if k < n else
            f"Continue saves it from the {n} finished epochs")
    end = p.end or {}
    if state == "done":
        return f"Done: {run.cfg.id}."
    if state == "cancelled":
        return f"Cancelled {when}; {kept}."
    if state == "failed" and end.get("said"):
        return end["message"]
    if state == "failed":
        how = f"failed with {end['message']}"
    else:
        code = run.exit_code()
        how = ("ended without a word (killed, perhaps out of memory)" if code is None else
               f"was killed by {_signal_name(-code)}" + " (out of memory, perhaps)" * (code == -signal.SIGKILL)
               if code < 0 else f"exited with code {code}{_last_words(run.folder)}")
    return f"The training process {how} {when}, its last log line {last_line(p)}; {kept}."


def last_line(p: Progress) -> str:
    """The last event the run logged, as a user reads it."""
    e = p.last or {}
    if e.get("event") == "batch":
        return f"\"epoch {e['epoch']}, step {e['step']} of {e['steps']}, loss {e['terms']['loss']:.4g}\""
    if e.get("event") == "epoch":
        return f"\"epoch {e['epoch']} finished, test MSE {e['test_mse']:.4g}\""
    return "\"started\"" if e.get("event") == "start" else "none (it logged nothing)"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _last_words(folder: Path) -> str:
    """The last line the process wrote to stderr, as ': "..."', or nothing."""
    with contextlib.suppress(OSError):
        lines = [line.strip() for line in (folder / "stderr.log").read_text(errors="replace").splitlines()]
        lines = [line for line in lines if line and "%|" not in line]  # not the progress bar
        if lines:
            return f' ("{lines[-1][:200]}")'
    return ""


def start(cfg: TrainConfig, out_dir: str | Path | None = None, record_learning: bool = False) -> Run:
    """`aeviz train` for cfg in a child process, logging into the run's folder; record_learning:
    with --record-learning (the map as it learns, latent/learning.py)."""
    from ..cli import train_command

    out_dir = Path(out_dir or user_dir()).resolve()
    folder = runs_dir(out_dir) / cfg.id
    folder.mkdir(parents=True, exist_ok=True)
    for stale in (EXIT, CANCELLED, PID):
        with contextlib.suppress(FileNotFoundError):
            (folder / stale).unlink()
    argv = [sys.executable, "-m", "aeviz", *train_command(cfg), "--out", str(out_dir), "--log-jsonl", str(folder / LOG),
            *(["--record-learning"] if record_learning else [])]
    write_atomic(folder / COMMAND, json.dumps({"argv": argv, "config": cfg.to_dict()}, indent=1).encode(), "the run")
    # The child imports the aeviz this process runs, wherever that is (a checkout, a wheel).
    package_root = str(Path(aeviz.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p),
           # its progress bar, into stderr.log: once in 10 s, not 10 times a second (the log has every step)
           "TQDM_MININTERVAL": "10"}
    with open(folder / "stdout.log", "wb") as out, open(folder / "stderr.log", "wb") as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                start_new_session=True)
    _below_the_pages(proc.pid)
    write_atomic(folder / PID, str(proc.pid).encode(), "the run's pid")
    return Run(folder, cfg, proc.pid, time.time(), proc)


def _below_the_pages(pid: int) -> None:
    """The run takes the CPU only when nothing else wants it (Linux's SCHED_IDLE), so a user's
    page never waits behind it; else (other systems) it is niced. Set before torch starts its
    threads, which inherit it."""
    with contextlib.suppress(OSError, AttributeError):
        os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
        return
    if hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, NICE)


def open_run(folder: Path) -> Run | None:
    """The run in folder, as a later process finds it; None when its files are not a run's."""
    try:
        cfg = TrainConfig.from_dict(json.loads((folder / COMMAND).read_text())["config"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        pid, started = int((folder / PID).read_text()), (folder / PID).stat().st_mtime
    except (OSError, ValueError):
        pid, started = None, (folder / COMMAND).stat().st_mtime
    return Run(folder, cfg, pid, started)


def latest(out_dir: str | Path | None = None) -> Run | None:
    """The run started last in the runs folder, running or not."""
    folders = [f for f in runs_dir(out_dir).glob("*") if (f / COMMAND).is_file()]
    for folder in sorted(folders, key=lambda f: (f / COMMAND).stat().st_mtime, reverse=True):
        if (run := open_run(folder)) is not None:
            return run
    return None


def running(out_dir: str | Path | None = None) -> list[Run]:
    """The runs whose child still runs: started by any server sharing the folder."""
    found = (open_run(f) for f in runs_dir(out_dir).glob("*") if (f / PID).is_file())
    return [r for r in found if r is not None and r.alive()]


def _runs(pid: int, log: Path) -> bool:
    """pid is alive and runs `aeviz train ... --log-jsonl log` (not another process that got
    its number later). Without /proc (not Linux), alive is all that can be told."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    try:
        args = [a.decode(errors="replace") for a in (proc / str(pid) / "cmdline").read_bytes().split(b"\0")]
    except OSError:
        return False
    # A zombie's command line is empty: ended, only not yet reaped by its parent.
    return "train" in args and str(log) in args and any(a == "aeviz" or a.endswith("/aeviz") for a in args)


def _until(condition, seconds: float) -> None:
    """Wait until condition() holds, for at most seconds."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
