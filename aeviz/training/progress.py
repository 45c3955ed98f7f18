"""A training run's progress as JSON lines (`aeviz train --log-jsonl PATH`): written by the
CLI's callbacks, read by whoever watches the run from another process (the dashboard).

One event a line: start, batch (each step's loss terms), epoch (its train and test figures),
then one of done, failed or stopped. Each line goes to the file in one write() on a file
opened for appending, so a reader never sees half of one unless the disk refused the rest
(that line is skipped), and a killed writer loses nothing it had written. A continued run
appends to the same file; its first batch rewinds what the reader had past that step.
"""
from __future__ import annotations

import bisect
import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ConfigError, shown


class ProgressLog:
    """The writer: write(event, **fields) appends one whole line."""

    def __init__(self, path: str | Path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, event: str, **fields) -> None:
        line = (json.dumps({"event": event, "time": round(time.time(), 3), **fields}) + "\n").encode()
        while line:  # a regular file takes it whole; a short write (a full disk) writes the rest
            line = line[os.write(self._fd, line):]

    def on_batch_end(self, epoch: int, step: int, steps: int, terms: dict) -> None:
        self.write("batch", epoch=epoch, step=step, steps=steps, terms={k: float(v) for k, v in terms.items()})

    def on_epoch_end(self, epoch: int, logs: dict) -> None:
        self.write("epoch", **{**{k: v if isinstance(v, int) else float(v) for k, v in logs.items()}, "epoch": epoch})

    def close(self) -> None:
        os.close(self._fd)


def open_log(path: str | Path) -> ProgressLog:
    """The log at path, for `--log-jsonl`: a new file, or one a run wrote (it is appended to);
    anything else, one sentence (ConfigError) and nothing written."""
    named = f"--log-jsonl {shown(str(path))}"
    if not str(path).strip():
        raise ConfigError("--log-jsonl needs a file name.")
    path = Path(path)
    try:
        if path.exists() and not path.is_file():  # a folder; a FIFO would hold the run until someone read it
            raise ConfigError(f"{named} is not a regular file; name a new file.")
        if path.is_file() and path.stat().st_size and not _written_by_a_run(path):
            raise ConfigError(f"{named} is a file aeviz did not write, and a log is appended to; name a new file.")
        return ProgressLog(path)
    except OSError as exc:  # a name too long, a folder that cannot be made or written to
        raise ConfigError(f"Could not open {named}: {exc.strerror or exc}.") from None


def _written_by_a_run(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            first = json.loads(f.readline(1 << 16))
    except (OSError, ValueError):
        return False
    return isinstance(first, dict) and first.get("event") == "start"


@contextlib.contextmanager
def reported(log: ProgressLog | None, cfg, said: tuple[tuple, tuple]):
    """The run's start and its end in log (nothing without one): yields done(path, **more);
    an interrupt is "stopped", an exception "failed" with its message (said: the errors that
    are one sentence for a user; any other is a bug, named by its type)."""
    if log is None:
        yield lambda path, **more: None
        return
    log.write("start", id=cfg.id, epochs=cfg.epochs, pid=os.getpid())
    try:
        yield lambda path, **more: log.write("done", path=str(path), **more)
    except KeyboardInterrupt:
        log.write("stopped")
        raise
    except said[0] + said[1] as exc:
        log.write("failed", message=str(exc), said=True)
        raise
    except Exception as exc:
        log.write("failed", message=f"{type(exc).__name__}: {exc}", said=False)
        raise
    finally:
        log.close()


class Tail:
    """The reader: each read() returns the events written since the last one."""

    def __init__(self, path: str | Path):
        self.path, self.offset, self._rest = Path(path), 0, b""

    def read(self) -> list[dict]:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return []
        self.offset += len(data)
        *lines, self._rest = (self._rest + data).split(b"\n")  # the last piece: a line not yet whole
        events = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:  # a line the disk cut short, then the next one glued to it
                continue
            if isinstance(event, dict) and isinstance(event.get("event"), str):
                events.append(event)
        return events


@dataclass
class Progress:
    """What the events of a run add up to."""
    epochs: int = 0                              # epochs the run is for
    epoch: int = 0                               # the epoch under way
    step: int = 0                                # steps done, over the whole run
    total: int = 0                               # steps of the whole run (known at the first step)
    losses: list = field(default_factory=list)   # (step, loss) of every step
    history: list = field(default_factory=list)  # each finished epoch's figures
    started: float | None = None                 # when the last attempt started
    end: dict | None = None                      # the last attempt's done, failed or stopped event
    last: dict | None = None                     # the last event of all

    @property
    def finished(self) -> int:
        """Epochs finished, and so kept: the resume state is saved before an epoch is reported."""
        return self.history[-1]["epoch"] if self.history else 0

    def feed(self, events: list[dict]) -> "Progress":
        for e in events:
            getattr(self, "_on_" + e["event"], lambda e: None)(e)
            self.last = e
        return self

    def _on_start(self, e: dict) -> None:
        self.epochs, self.started, self.end = int(e.get("epochs", 0)), e.get("time"), None

    def _on_batch(self, e: dict) -> None:
        steps = int(e["steps"])
        self.epoch, self.total = int(e["epoch"]), steps * self.epochs
        self.step = (self.epoch - 1) * steps + int(e["step"])
        if self.losses and self.losses[-1][0] >= self.step:  # a continued run redoes these steps
            del self.losses[bisect.bisect_left(self.losses, (self.step,)):]
        while self.history and self.history[-1]["epoch"] >= self.epoch:
            self.history.pop()
        self.losses.append((self.step, float(e["terms"]["loss"])))

    def _on_epoch(self, e: dict) -> None:
        self.history.append({k: v for k, v in e.items() if k not in ("event", "time")})

    def _on_done(self, e: dict) -> None:
        self.end = e

    _on_failed = _on_stopped = _on_done


def read(path: str | Path) -> Progress:
    """The progress of the run logged at path, read whole."""
    return Progress().feed(Tail(path).read())
