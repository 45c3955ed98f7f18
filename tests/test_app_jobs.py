"""The dashboard's one job queue (aeviz.dashboard.jobs.Jobs), on its own: one job per key,
one failure sentence, "Try again" queues a failed job anew, and every job runs below the
pages' priority."""
from __future__ import annotations

import os
import sys
import threading

import pytest

from aeviz.config import ConfigError
from aeviz.dashboard.jobs import Jobs


def test_one_key_is_one_job_computed_once():
    jobs, calls, gate = Jobs("test-jobs"), [], threading.Event()

    def work(job):
        gate.wait(10)
        calls.append(1)
        return 42
    first = jobs.submit(("a",), work, "the answer")
    second = jobs.submit(("a",), work, "the answer")
    gate.set()
    assert second is first and first.future.result(10) == 42 and first.ready()
    assert jobs.submit(("a",), work, "the answer") is first and calls == [1]


@pytest.mark.parametrize("exc, said", [(ConfigError("Pick a checkpoint with a code vector."),
                                        "Pick a checkpoint with a code vector."),
                                       (ZeroDivisionError("a bug"), "ZeroDivisionError (see the server log)")])
def test_a_failure_is_one_sentence_until_tried_again(exc, said):
    jobs, attempts = Jobs("test-jobs"), []

    def work(job):
        attempts.append(1)
        if len(attempts) == 1:
            raise exc
        return "done"
    job = jobs.submit(("b",), work, "the thing")
    job.future.exception(10)
    assert job.error() == said and not job.ready()
    assert jobs.submit(("b",), work, "the thing") is job, "a failed job stays failed until retried"
    job.retry()
    again = jobs.submit(("b",), work, "the thing")
    assert again is not job and again.future.result(10) == "done" and again.error() is None


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own priority is Linux's")
def test_jobs_run_below_the_pages_priority():
    page = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    job = Jobs("test-jobs").submit(("c",), lambda job: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
                                   "its priority")
    assert job.future.result(10) == min(page + 10, 19)
