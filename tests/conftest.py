"""Shared fixtures and the test tiers. Every test gets its own checkpoint and
projection-cache folders, the session its own data folder (never ~/.cache nor the repo's
checkpoints/), and torch runs on one thread. Shared helpers (not fixtures) are in support/."""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
import torch
from threadpoolctl import threadpool_limits

# The suite runs on small shared machines: with two threads per process, a loop that takes
# 1 s alone took 30 s while another job held the cores (thread oversubscription). The same
# for numpy's and scipy's BLAS.
torch.set_num_threads(1)
threadpool_limits(1)

ENV_DIRS = {"AEVIZ_CHECKPOINTS": "checkpoints", "AEVIZ_CACHE": "cache", "AEVIZ_DATA_DIR": "data"}

# --- test tiers: plain `pytest` is the fast tier for development; `pytest --all` (the README's
# command, and CI's) runs everything. A -m expression picks its own tests instead.
HEAVY = ("slow", "e2e")


def pytest_addoption(parser):
    parser.addoption("--all", action="store_true", help="also run the tests marked slow or e2e (the full suite)")


def _fast_tier(config) -> bool:
    return not config.getoption("--all") and not config.option.markexpr


def pytest_report_header(config):
    if _fast_tier(config):
        return "fast tier: slow and e2e tests skipped; --all runs everything"


def pytest_collection_modifyitems(config, items):
    if not _fast_tier(config):
        return
    keep, heavy = [], []
    for item in items:
        (heavy if any(item.get_closest_marker(m) for m in HEAVY) else keep).append(item)
    if heavy:
        config.hook.pytest_deselected(items=heavy)
        items[:] = keep


@pytest.fixture(autouse=True, scope="session")
def _session_dirs(tmp_path_factory):
    """The same isolation for session- and module-scoped fixtures, which run before the
    per-test one below."""
    root = tmp_path_factory.mktemp("aeviz-session")
    with pytest.MonkeyPatch.context() as mp:
        for var, sub in ENV_DIRS.items():
            mp.setenv(var, str(root / sub))
        yield root


@pytest.fixture(autouse=True)
def _one_torch_thread():
    # Anything that resets torch to all cores (umap-learn's numba and OpenMP did) made every
    # test after it ten times slower on a busy machine.
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def aeviz_dirs(tmp_path, monkeypatch):
    """This test's own folders: .checkpoints and .cache (created on first use). The data
    folder stays the session's: it is part of the in-memory dataset cache's key, and a new
    one per test would parse mnist5k's CSV again in every test."""
    dirs = {"AEVIZ_CHECKPOINTS": "checkpoints", "AEVIZ_CACHE": "cache"}
    for var, sub in dirs.items():
        monkeypatch.setenv(var, str(tmp_path / sub))
    return SimpleNamespace(**{sub: tmp_path / sub for sub in dirs.values()})


@pytest.fixture
def small_data(monkeypatch):
    """aeviz.train / fit() see only the first 96 training and 48 test images of a dataset,
    so a real training run (data, loop, evaluation, save) takes about a second."""
    import aeviz.datasets.streaming as streaming_module
    import aeviz.training.loop as train_module

    real = train_module.load_dataset

    def load_small(name, split="train", *args, **kwargs):
        ds = real(name, split, *args, **kwargs)
        n = 96 if split == "train" else 48
        return dataclasses.replace(ds, x=ds.x[:n], y=None if ds.y is None else ds.y[:n])

    monkeypatch.setattr(train_module, "load_dataset", load_small)  # the test split
    monkeypatch.setattr(streaming_module, "load_dataset", load_small)  # the training split
