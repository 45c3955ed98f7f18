"""The applications report of a checkpoint (aeviz.applications), computed in the background
with its progress, for the Applications and Compare pages.

As with the maps (jobs.py), the jobs live in st.cache_resource, so every session of the
server shares them: two users opening one checkpoint's page wait for one computation. One
daemon thread runs them in order, since two cores are all we can count on; a report on
disk (computed before, by the CLI or another server) is read at once, without queueing."""
from __future__ import annotations

import contextlib
import logging
import os
import queue
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

import streamlit as st

from aeviz import artifacts
from aeviz.applications import Report, cached_report
from aeviz.applications.report import KIND

from . import workers
from .jobs import USER_ERRORS

log = logging.getLogger("aeviz.dashboard")


@dataclass
class ReportJob:
    future: Future = field(default_factory=Future)
    since: float = field(default_factory=time.time)
    fraction: float = 0.0
    stage: str = "waiting for the jobs before it"

    def error(self) -> str | None:
        """One line for the page when the job failed, else None."""
        if not self.future.done() or self.future.exception() is None:
            return None
        exc = self.future.exception()
        return str(exc) if isinstance(exc, USER_ERRORS) else f"{type(exc).__name__} (see the server log)"


class ReportJobs:
    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._jobs: dict[tuple, ReportJob] = {}
        workers.start(self._work, "aeviz-applications")

    def _work(self) -> None:
        # Below the pages in the scheduler's eyes: a measurement the user waits for in the
        # background must not slow the page they are using (Linux: a thread is a task).
        if sys.platform == "linux":
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        while (item := workers.next_item(self._queue)) is not None:
            job, model = item

            def progress(fraction: float, stage: str, job=job) -> None:
                workers.check()  # the server is exiting: stop between stages
                job.fraction, job.stage = fraction, stage
            try:
                job.future.set_result(cached_report(model, progress=progress))
            except USER_ERRORS as exc:
                job.future.set_exception(exc)
            except workers.Stopping:
                return
            except BaseException as exc:  # the page shows one line; the worker lives on
                log.exception("computing the applications report of %s failed", model.checkpoint_id)
                job.future.set_exception(exc)

    def submit(self, key: tuple, model) -> ReportJob:
        """The job for key, queued if there is none (a failed one stays, with its message,
        until forget_failure)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None:
                job = self._jobs[key] = ReportJob()
                self._queue.put((job, model))
            return job

    def job(self, key: tuple) -> ReportJob | None:
        with self._lock:
            return self._jobs.get(key)

    def forget_failure(self, key: tuple) -> None:
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.error() is not None:
                del self._jobs[key]


@st.cache_resource(show_spinner=False)
def report_jobs() -> ReportJobs:
    return ReportJobs()


def job_key(model) -> tuple:
    """The checkpoint file as it is now: one trained again under its name is a new job."""
    return str(model.path), os.path.getmtime(model.path)


def report_or_job(model) -> tuple[Report | None, ReportJob | None]:
    """(the report, None) when it is ready; else (None, the job computing it, or that failed)."""
    jobs, key = report_jobs(), job_key(model)
    job = jobs.job(key)
    if job is not None and job.future.done() and job.error() is None:
        return job.future.result(), None
    if job is None:
        found = artifacts.find(model, KIND, "test")  # read once per process, then a stat a rerun
        if found is not None:
            return found, None
    return None, jobs.submit(key, model)
