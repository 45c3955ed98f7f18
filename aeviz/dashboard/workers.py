"""The dashboard's background threads (maps, applications reports, the training run), and
their end when the server process exits.

They are daemon threads, so none holds the server open; but a daemon killed inside torch's
kernels while the interpreter shuts down aborted the process ("terminate called without an
active exception"). At exit every worker is therefore told to stop and waited for: a map in
hand finishes (seconds), a report or a training run stops at its next progress report (a
training run keeps its last finished epoch, and the same run continues from it next time),
and queued work is dropped (the next server does it)."""
from __future__ import annotations

import atexit
import queue
import threading
import time

STOPPING = threading.Event()
EXIT_WAIT = 60.0  # seconds for all workers together; past it the process exits anyway
POLL = 0.5        # seconds an idle worker sleeps between looks at STOPPING

_threads: list[threading.Thread] = []


class Stopping(BaseException):
    """Raised in a worker's progress callback once the process is exiting. A BaseException,
    so the jobs' own `except Exception` (a bug: log it, keep the server up) lets it through."""


def start(target, name: str, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    _threads.append(thread)
    thread.start()
    return thread


def check() -> None:
    """Call from a job's progress callback: raises Stopping once the process is exiting."""
    if STOPPING.is_set():
        raise Stopping


def next_item(q):
    """The next item of a worker's queue, or None once the process is exiting."""
    while not STOPPING.is_set():
        try:
            return q.get(timeout=POLL)
        except queue.Empty:
            continue
    return None


@atexit.register
def _stop_all() -> None:
    STOPPING.set()
    deadline = time.monotonic() + EXIT_WAIT
    for thread in _threads:
        thread.join(max(0.0, deadline - time.monotonic()))
