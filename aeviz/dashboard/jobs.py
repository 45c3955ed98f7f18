"""Work that outlives a script run: the one job queue (maps here, applications reports in
reports.py), and the one training run a server allows at a time.

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
