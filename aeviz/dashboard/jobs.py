"""Work that outlives a script run: projections computed in the background, and the one
training run a server allows at a time.

Both live in st.cache_resource, so every session of the server sees the same jobs: two
users asking for the same UMAP share one computation, and a second user asking to train
is told a run is in progress instead of starting another."""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

import streamlit as st

import aeviz
from aeviz import latent
from aeviz.checkpoints import CheckpointError
from aeviz.config import ConfigError, TrainConfig
from aeviz.datasets import DatasetError
from aeviz.training import TrainingDiverged

from . import workers

log = logging.getLogger("aeviz.dashboard")
USER_ERRORS = (ConfigError, DatasetError, CheckpointError, TrainingDiverged, ValueError)


class NotOnDisk(Exception):
    """Raised from cached_projection's on_miss: we only wanted the file, not the work."""


def _refuse():
    raise NotOnDisk


@st.cache_resource(show_spinner=False, max_entries=64)
def _projection_from_disk(path: str, mtime: float, split: str, method: str, dim: int):
    # A miss raises, and st.cache_resource caches only results, so the next call looks again.
    from .cache import load_model
    return latent.cached_projection(load_model(path, mtime), split, method, dim, on_miss=_refuse)


def _compute(model, split: str, method: str, dim: int):
    try:
        return latent.cached_projection(model, split, method, dim)
    except USER_ERRORS:
        raise
    except Exception:
        log.exception("computing the %s %dD projection failed", method, dim)  # once, not at every poll
        raise


class ProjectionJobs:
    """Projections computed one at a time, in order, on a worker thread (workers.py: it ends
    cleanly with the process): two cores are all we can count on (a map alone takes both)."""

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._jobs: dict[tuple, tuple[Future, float]] = {}
        workers.start(self._work, "aeviz-projection")

    def _work(self) -> None:
        while (item := workers.next_item(self._queue)) is not None:
            fut, args = item
            try:
                fut.set_result(_compute(*args))
            except BaseException as exc:  # the page shows it; the worker lives on (a map has no Stopping)
                fut.set_exception(exc)

    def submit(self, key: tuple, model, split: str, method: str, dim: int, again: bool = False):
        """The job for key, queued if there is none. A failed job stays failed (its message is
        shown) until retried; again=True queues a finished one anew (its file went away)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None or again:
                fut: Future = Future()
                self._queue.put((fut, (model, split, method, dim)))
                job = self._jobs[key] = (fut, time.time())
            return job

    def job(self, key: tuple):
        """(Future, queued at) for key, or None if it was never queued."""
        with self._lock:
            return self._jobs.get(key)

    def forget_failure(self, key: tuple) -> None:
        with self._lock:
            job = self._jobs.get(key)
            if job and job[0].done() and job[0].exception() is not None:
                del self._jobs[key]


@st.cache_resource(show_spinner=False)
def projection_jobs() -> ProjectionJobs:
    return ProjectionJobs()


@dataclass
class Pending:
    """A projection not on disk yet: what is computing, since when, or why it failed."""
    method: str
    dim: int
    since: float
    error: str | None = None
    key: tuple = ()


def job_key(model, split: str, method: str, dim: int) -> tuple:
    """A projection job's key, and the disk cache's arguments: the checkpoint file as it is
    now, and what is mapped."""
    return str(model.path), os.path.getmtime(model.path), split, method, dim


def _on_disk(model, split: str, method: str, dim: int):
    try:
        return _projection_from_disk(*job_key(model, split, method, dim))
    except NotOnDisk:
        return None


def projection(model, split: str, method: str, dim: int):
    """(Projection, None) when it is on disk; else (None, Pending) after queuing the work."""
    proj = _on_disk(model, split, method, dim)
    if proj is not None:
        return proj, None
    key = job_key(model, split, method, dim)
    fut, since = projection_jobs().submit(key, model, split, method, dim)
    if fut.done() and fut.exception() is None:
        proj = _on_disk(model, split, method, dim)  # it finished between our two looks
        if proj is not None:
            return proj, None
        fut, since = projection_jobs().submit(key, model, split, method, dim, again=True)  # the file went away
    if fut.done():
        exc = fut.exception()
        msg = str(exc) if isinstance(exc, USER_ERRORS) else f"{type(exc).__name__} (see the server log)"
        return None, Pending(method, dim, since, msg, key)
    return None, Pending(method, dim, since, None, key)


def map_ahead(jobs: ProjectionJobs, path: str, split: str = "test") -> None:
    """Queue a newly trained checkpoint's 2D maps (PCA, then UMAP) the moment it is saved,
    as the Latent map page would queue them, so the page finds them on disk or well under
    way: the user waits for the map (seconds) while reading the training results."""
    model = aeviz.load_checkpoint(path)
    if not model.abilities.vector_code:
        return  # no code vector, no map (the page says so)
    for method in ("pca", "umap"):
        jobs.submit(job_key(model, split, method, 2), model, split, method, 2)


def projection_or_fallback(model, split: str, method: str, dim: int):
    """(what to show, what it is, Pending or None). While the asked-for map computes, the
    2D PCA map (queued first, so it is ready in seconds) stands in for it."""
    proj = _on_disk(model, split, method, dim)
    if proj is not None:
        return proj, f"{method.upper()} {dim}D", None
    fallback = None
    if (method, dim) != ("pca", 2):
        # Queue PCA ahead of the slow map when both are missing (the worker runs in order).
        fallback, _ = projection(model, split, "pca", 2)
    proj, pending = projection(model, split, method, dim)
    if proj is not None:
        return proj, f"{method.upper()} {dim}D", None
    if fallback is not None:
        return fallback, "PCA 2D", pending
    return None, None, pending


# --- training -----------------------------------------------------------------------------

@dataclass
class TrainingRun:
    cfg: TrainConfig
    started: float = field(default_factory=time.time)
    step: int = 0
    total: int = 0
    epoch: int = 0
    losses: list = field(default_factory=list)   # (global step, loss) of every batch
    epochs: list = field(default_factory=list)   # the per-epoch logs from aeviz.train
    status: str = "running"                      # running, done, failed
    message: str = ""
    path: str | None = None
    finished: float | None = None


class Trainer:
    """One training run per server, on its own thread; the page polls its progress."""

    def __init__(self):
        self._lock = threading.Lock()
        self.run: TrainingRun | None = None

    def busy(self) -> bool:
        return self.run is not None and self.run.status == "running"

    def start(self, cfg: TrainConfig, on_done=None) -> bool:
        """False when another run is in progress (nothing is started then). on_done(path)
        is called when the run ends, with the checkpoint's path, or None if it failed."""
        with self._lock:
            if self.busy():
                return False
            run = self.run = TrainingRun(cfg)
        workers.start(self._work, "aeviz-training", run, on_done)
        return True

    def _work(self, run: TrainingRun, on_done) -> None:
        def on_batch_end(epoch, step, steps, terms):
            workers.check()  # the server is exiting: stop here; the last finished epoch is kept
            run.total = steps * run.cfg.epochs
            run.step = (epoch - 1) * steps + step
            run.epoch = epoch
            run.losses.append((run.step, float(terms["loss"])))

        def on_epoch_end(epoch, logs):
            run.epochs.append(dict(logs))

        status, message, path = "failed", "Training was interrupted; nothing was saved.", None
        try:
            path = str(aeviz.train(run.cfg, on_epoch_end=on_epoch_end, on_batch_end=on_batch_end))
            status, message = "done", ""
        except USER_ERRORS as exc:
            status, message = "failed", str(exc)
        except workers.Stopping:
            message = "The server stopped; the same run continues from its last finished epoch."
        except Exception as exc:  # a bug, not the user's doing: keep the server up and say so
            log.exception("training failed")
            status, message = "failed", f"Training failed unexpectedly ({type(exc).__name__}); see the server log."
        finally:
            if on_done:
                try:  # first (the checkpoint list is refreshed), so a page that sees "done" lists it
                    on_done(path)
                except Exception:  # the run itself is saved; the page must still see it end
                    log.exception("after training")
            run.path, run.message, run.finished = path, message, time.time()
            run.status = status


@st.cache_resource(show_spinner=False)
def trainer() -> Trainer:
    return Trainer()
