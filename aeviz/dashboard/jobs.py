"""Work that outlives a script run: the one job queue (maps here, applications reports in
reports.py), and the one training run a server allows at a time (a child process).

Both live in st.cache_resource, so every session of the server sees the same jobs: two
users asking for the same UMAP share one computation, and a second user asking to train
is told a run is in progress instead of starting another."""
from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

import streamlit as st

import aeviz
from aeviz import artifacts, latent
from aeviz.checkpoints import CheckpointError
from aeviz.config import ConfigError, TrainConfig
from aeviz.datasets import DatasetError
from aeviz.training import runs
from aeviz.training.loop import TrainingDiverged

from . import cache, workers

log = logging.getLogger("aeviz.dashboard")
USER_ERRORS = (ConfigError, DatasetError, CheckpointError, TrainingDiverged, ValueError)


@dataclass
class Job:
    """One background computation: its future, when it was queued, and how far it is."""
    key: tuple
    what: str                                   # "the UMAP 2D map of vae-…", for the failure sentence
    retry: Callable[[], None]                   # forgets the failure: the next look queues it anew
    future: Future | None = None
    since: float = field(default_factory=time.time)
    fraction: float = 0.0
    stage: str = "waiting for the jobs before it"

    def progress(self, fraction: float, stage: str) -> None:
        """Hear how far the work is; raises workers.Stopping once the server is exiting."""
        workers.check()
        self.fraction, self.stage = fraction, stage

    def ready(self) -> bool:
        """Finished, and without an error."""
        return self.future.done() and self.future.exception() is None

    def error(self) -> str | None:
        """Why the job failed, in one line for the page; None while it runs or once it succeeded."""
        if not self.future.done() or self.future.exception() is None:
            return None
        exc = self.future.exception()
        return str(exc) if isinstance(exc, USER_ERRORS) else f"{type(exc).__name__} (see the server log)"


class Jobs:
    """Background jobs shared by every session of the server (it lives in st.cache_resource):
    one job per key, so two users asking for one map share one computation, run in order on
    one thread below the pages' priority (workers.pool). A failed job keeps its message until
    retried."""

    def __init__(self, name: str):
        self._pool = workers.pool(name)
        self._lock = threading.Lock()
        self._jobs: dict[tuple, Job] = {}

    def submit(self, key: tuple, work: Callable[[Job], object], what: str) -> Job:
        """The job for key, queued if there is none: work(job) computes its result."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None:
                job = self._jobs[key] = Job(key, what, functools.partial(self.retry, key))
                job.future = self._pool.submit(_run, job, work)
            return job

    def job(self, key: tuple) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def retry(self, key: tuple) -> None:
        """Forget a failed job, so that the next submit queues it again."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.error() is not None:
                del self._jobs[key]


def _run(job: Job, work: Callable[[Job], object]):
    workers.check()  # the server is exiting: drop the queued job (the next server does it)
    try:
        return work(job)
    except USER_ERRORS:
        raise
    except Exception:
        log.exception("computing %s failed", job.what)  # once, not at every poll
        raise


def show_failure(job: Job | None) -> bool:
    """The one sentence a failed job gets on a page, and its "Try again" button; False (and
    nothing drawn) when the job has not failed."""
    error = job.error() if job is not None else None
    if error is None:
        return False
    st.error(f"Could not compute {job.what}: {error}")
    st.button("Try again", key="retry-" + "-".join(map(str, job.key)), on_click=job.retry)
    return True


# --- maps ---------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def projection_jobs() -> Jobs:
    return Jobs("aeviz-projection")


def _on_disk(model, split: str, method: str, dim: int):
    return artifacts.find(model, latent.projection_kind(method, dim), split)


def submit_projection(jobs: Jobs, model, split: str, method: str, dim: int) -> Job:
    return jobs.submit(cache.key(model, split, method, dim),
                       lambda job: latent.cached_projection(model, split, method, dim),
                       f"the {method.upper()} {dim}D map of {model.checkpoint_id}")


def projection(model, split: str, method: str, dim: int):
    """(Projection, None) when it is ready; else (None, the job computing it, or that failed)."""
    proj = _on_disk(model, split, method, dim)
    if proj is not None:
        return proj, None
    job = submit_projection(projection_jobs(), model, split, method, dim)
    if job.ready():  # an unwritable cache keeps the map in the job alone
        return job.future.result(), None
    return None, job


def map_ahead(jobs: Jobs, path: str, split: str = "test") -> None:
    """Queue a newly trained checkpoint's 2D maps (PCA, then UMAP) the moment it is saved,
    as the Latent map page would queue them, so the page finds them on disk or well under
    way: the user waits for the map (seconds) while reading the training results."""
    model = aeviz.load_checkpoint(path)
    if not model.abilities.vector_code:
        return  # no code vector, no map (the page says so)
    for method in ("pca", "umap"):
        submit_projection(jobs, model, split, method, 2)


def projection_or_fallback(model, split: str, method: str, dim: int):
    """(what to show, what it is, the Job while it computes or once it failed, else None).
    While the asked-for map computes, the 2D PCA map (queued first, so it is ready in
    seconds) stands in for it."""
    proj = _on_disk(model, split, method, dim)
    if proj is not None:
        return proj, f"{method.upper()} {dim}D", None
    fallback = None
    if (method, dim) != ("pca", 2):
        # Queue PCA ahead of the slow map when both are missing (the worker runs in order).
        fallback, _ = projection(model, split, "pca", 2)
    proj, job = projection(model, split, method, dim)
    if proj is not None:
        return proj, f"{method.upper()} {dim}D", None
    if fallback is not None:
        return fallback, "PCA 2D", job
    return None, None, job


# --- training -----------------------------------------------------------------------------

class Trainer:
    """The one training run a server shows, and allows at a time: an `aeviz train` child
    process (training/runs.py), started here or found in the runs folder when the server
    started. A thread watches it; when it ends, on_done(checkpoint path or None) runs, and
    only then does the run stop counting as busy, so a page that sees it done finds the new
    checkpoint listed."""

    def __init__(self, on_done: Callable[[str | None], None] | None = None):
        self._lock = threading.Lock()
        self._on_done = on_done
        self._settled = threading.Event()
        self.run: runs.Run | None = runs.latest()
        if self.run is not None and self.run.alive():
            workers.start(self._watch, "aeviz-training-watch", self.run, self._settled)
        else:
            self._settled.set()

    def busy(self) -> bool:
        return not self._settled.is_set()

    def start(self, cfg: TrainConfig, record_learning: bool = False) -> runs.Run | None:
        """Start cfg's run (or continue it); returns the run in the way when one is going on
        (nothing is started then), here or in another server sharing the checkpoint folder.
        record_learning: record the map as it learns (aeviz train --record-learning)."""
        with self._lock:
            if self.busy():
                return self.run
            if going := runs.running():
                return going[0]
            settled = self._settled = threading.Event()
            self.run = runs.start(cfg, record_learning=record_learning)
        workers.start(self._watch, "aeviz-training-watch", self.run, settled)
        return None

    def cancel(self) -> None:
        """Stop the run (it keeps its last finished epoch); returns once it has ended, and
        what it trained is listed."""
        run = self.run
        if run is not None and self.busy():
            run.cancel()
            self._settled.wait(2.0)

    def _watch(self, run: runs.Run, settled: threading.Event) -> None:
        # Polled, not waited for: the server's exit (workers.STOPPING) ends the watch at once,
        # and the run goes on, for the next server to find.
        while run.alive():
            run.refresh()
            if workers.STOPPING.wait(0.25):
                return
        try:
            if self._on_done:
                path = run.path() if run.state() == "done" else None
                self._on_done(str(path) if path else None)
        except Exception:  # the run itself is saved; the page must still see it end
            log.exception("after training")
        finally:
            settled.set()


def _trained(path: str | None) -> None:
    """When a run ends: list its checkpoint, and queue its maps."""
    cache.checkpoint_table.clear()
    if path:
        map_ahead(projection_jobs(), path)


@st.cache_resource(show_spinner=False)
def trainer() -> Trainer:
    return Trainer(on_done=_trained)
