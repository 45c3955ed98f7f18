"""The applications report of a checkpoint (aeviz.applications), computed in the background
with its progress, for the Applications and Compare pages.

The jobs run on the one job queue (jobs.Jobs) in a queue of their own, so a report (tens of
seconds) never holds up a map; a report on disk (computed before, by the CLI or another
server) is read at once, without queueing."""
from __future__ import annotations

import streamlit as st

from aeviz import artifacts
from aeviz.applications import Report, cached_report
from aeviz.applications.report import KIND

from . import cache
from .jobs import Job, Jobs


@st.cache_resource(show_spinner=False)
def report_jobs() -> Jobs:
    return Jobs("aeviz-applications")


def report_or_job(model) -> tuple[Report | None, Job | None]:
    """(the report, None) when it is ready; else (None, the job computing it, or that failed)."""
    jobs, key = report_jobs(), cache.key(model, "applications")
    job = jobs.job(key)
    if job is not None and job.ready():
        return job.future.result(), None
    if job is None:
        found = artifacts.find(model, KIND, "test")  # read once per process, then a stat a rerun
        if found is not None:
            return found, None
    return None, jobs.submit(key, lambda job: cached_report(model, progress=job.progress),
                             f"the applications report of {model.checkpoint_id}")
