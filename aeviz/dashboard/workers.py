"""The dashboard's background threads (the job queues' pools of jobs.py, the thread that
watches the training run's child process), their priority, and their end when the server
process exits.

The threads are daemons, so they never hold the server open; but a daemon killed inside
torch's kernels while the interpreter shuts down aborted the process ("terminate called
without an active exception"). At exit every worker is therefore told to stop and waited
for: a map in hand finishes (seconds), a report stops at its next progress report, the
training watch stops looking (the run itself, a process of its own, goes on, and the next
server finds it), and queued jobs are dropped (the next server does them)."""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

STOPPING = threading.Event()
EXIT_WAIT = 60.0  # seconds for all workers together; past it the process exits anyway

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


def lower_priority() -> None:
    """Put the calling thread below the pages in the scheduler's eyes: work the user waits for
    in the background must not slow the page they are using (Linux: a thread is a task)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def pool(name: str) -> ThreadPoolExecutor:
    """One thread, below the pages' priority, running its jobs in order: two cores are all we
    can count on (a map alone takes both)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=name, initializer=lower_priority)


def _stop_all() -> None:
    STOPPING.set()
    deadline = time.monotonic() + EXIT_WAIT
    for thread in _threads:
        thread.join(max(0.0, deadline - time.monotonic()))


# Registered with threading's exit hooks, not atexit's: concurrent.futures joins its pool
# threads in one of those, after every queued job has run, and ours (registered after its,
# as this module imports it first) runs before it, so queued jobs see STOPPING and drop.
threading._register_atexit(_stop_all)
