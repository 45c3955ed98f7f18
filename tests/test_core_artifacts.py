"""The one artifact cache (aeviz.artifacts), for every kind of artifact it keeps: a file beside
the checkpoint (shipped with it) is used before anything is computed; a computation happens
once, and its file is read once per process; a failed write leaves no file, whole or half;
a damaged file is computed again and replaced, never a crash."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

import aeviz
from aeviz import artifacts, latent
from aeviz.evaluation import per_image
from aeviz.export import onnx_graphs
from aeviz.applications import cached_report
from aeviz.applications import report as report_module


@dataclass
class Case:
    kind: Callable[[], artifacts.Kind]
    split: str
    get: Callable                  # get(model): the artifact, through the cache
    module: object                 # where the computation is looked up, to count its calls
    computes: str
    fingerprint: Callable          # what two equal artifacts share


CASES = {
    "projection": Case(lambda: latent.projection_kind("pca", 2), "test",
                       lambda m: latent.cached_projection(m, "test", "pca", 2), latent, "encode_all",
                       lambda p: (p.coords.tobytes(), p.codes.tobytes(), p.inverse(p.coords[:3]).tobytes())),
    "errors": Case(lambda: per_image.kind(False), "test", lambda m: per_image.cached_errors(m, "test"), per_image, "compute",
                   lambda e: (e.mse.tobytes(), e.pca_axes.tobytes())),
    "decoder": Case(lambda: onnx_graphs.DECODER, "all", onnx_graphs.cached_decoder, onnx_graphs, "decoder_bytes",
                    lambda data: data),
    "report": Case(lambda: report_module.KIND, "test", cached_report, report_module, "compute",
                   lambda r: json.dumps(r.summary)),
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A small dense autoencoder on digits; each test works on its own copy (its own folder)."""
    cfg = aeviz.defaults_for("vanilla", dataset="digits", latent_dim=4, epochs=2, hidden=(32,))
    return aeviz.train(cfg, ckpt_dir=tmp_path_factory.mktemp("trained"))


@pytest.fixture(scope="module")
def made(trained, tmp_path_factory):
    """Each kind's artifact of the trained model, computed once for the module."""
    cache = tmp_path_factory.mktemp("made")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AEVIZ_CACHE", str(cache))
        model = aeviz.load_checkpoint(trained)
        return {name: case.get(model) for name, case in CASES.items()}


@pytest.fixture
def model(trained, tmp_path):
    copy = tmp_path / "ckpt" / trained.name
    copy.parent.mkdir()
    shutil.copyfile(trained, copy)
    return aeviz.load_checkpoint(copy)


def counting(monkeypatch, case: Case) -> list:
    calls = []
    real = getattr(case.module, case.computes)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(case.module, case.computes, counted)
    return calls


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_file_beside_the_checkpoint_is_used_before_any_computation(name, model, made, aeviz_dirs, monkeypatch):
    case, kind = CASES[name], CASES[name].kind()
    beside, cached = artifacts.places(model, kind, case.split)
    assert beside.parent == Path(model.path).parent and cached.parent == aeviz_dirs.cache
    with open(beside, "wb") as f:
        kind.write(f, made[name])
    calls = counting(monkeypatch, case)
    assert case.fingerprint(case.get(model)) == case.fingerprint(made[name])
    assert calls == [] and not cached.exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_artifact_is_computed_once_and_its_file_read_once(name, model, made, aeviz_dirs, monkeypatch):
    case, kind = CASES[name], CASES[name].kind()
    calls = counting(monkeypatch, case)
    first = case.get(model)
    assert calls == [1] and case.fingerprint(first) == case.fingerprint(made[name])
    assert [p.name for p in aeviz_dirs.cache.iterdir()] == [artifacts.file_name(model, kind, case.split)]
    assert case.get(model) is first  # the same process: not even read again
    monkeypatch.setattr(artifacts, "_memo", type(artifacts._memo)())  # a new process: read from disk
    again = case.get(model)
    assert calls == [1] and again is not first and case.fingerprint(again) == case.fingerprint(first)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_failed_write_leaves_no_file_and_still_answers(name, model, made, aeviz_dirs, monkeypatch, caplog):
    case = CASES[name]
    real_fsync = os.fsync

    def full_disk(fd):
        if os.path.isdir(aeviz_dirs.cache):
            raise OSError(28, "No space left on device")
        return real_fsync(fd)
    monkeypatch.setattr(os, "fsync", full_disk)
    got = case.get(model)
    assert case.fingerprint(got) == case.fingerprint(made[name])
    assert list(aeviz_dirs.cache.iterdir()) == []  # no file, and no temporary file either
    assert "No space left on device" in caplog.text and "computed again next time" in caplog.text


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_damaged_file_is_computed_again_and_replaced(name, damage, model, made, monkeypatch, tmp_path):
    case, kind = CASES[name], CASES[name].kind()
    beside, cached = artifacts.places(model, kind, case.split)
    good = tmp_path / "good"
    with open(good, "wb") as f:
        kind.write(f, made[name])
    whole = good.read_bytes()
    bad = b"not an artifact at all" if damage == "garbage" else whole[: len(whole) // 2]
    cached.parent.mkdir(parents=True, exist_ok=True)
    for path in (beside, cached):  # a damaged shipped file, and a damaged one in the cache
        path.write_bytes(bad)
    calls = counting(monkeypatch, case)
    got = case.get(model)
    assert calls == [1] and case.fingerprint(got) == case.fingerprint(made[name])
    assert cached.read_bytes() != bad and beside.read_bytes() == bad  # the cache's copy replaced
    monkeypatch.setattr(artifacts, "_memo", type(artifacts._memo)())
    assert case.fingerprint(artifacts.find(model, kind, case.split)) == case.fingerprint(made[name])
