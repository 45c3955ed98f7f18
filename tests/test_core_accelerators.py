"""The CUDA paths, as far as a machine without a GPU can check them: bf16 autocast stays off
on CPU, each torchrun process takes the GPU of its local rank, a streamed loader pins its
batches for CUDA, and torch.compile trains to the uncompiled result."""
from __future__ import annotations

import contextlib

import pytest
import torch

import aeviz
import aeviz.training.loop
from aeviz.training import distributed, feed
from aeviz.datasets import streaming
from aeviz.training.runtime import Runtime
from aeviz.training.loop import autocast_for


def test_bf16_autocast_stays_off_on_cpu():
    # bf16 autocast ran 7-16x slower than float32 on our CPUs
    assert autocast_for(torch.device("cpu")) is contextlib.nullcontext


def test_autocast_is_bf16_on_a_gpu_that_runs_it(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    with pytest.warns(UserWarning) if not torch.cuda.is_available() else contextlib.nullcontext():
        ctx = autocast_for(torch.device("cuda"))()  # without CUDA torch warns and disables it
    assert isinstance(ctx, torch.autocast) and ctx.fast_dtype == torch.bfloat16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert autocast_for(torch.device("cuda")) is contextlib.nullcontext


def test_each_torchrun_process_takes_the_gpu_of_its_local_rank(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("LOCAL_RANK", "3")
    assert distributed.device_for("cuda") == torch.device("cuda", 3)
    assert distributed.device_for("cuda:1") == torch.device("cuda", 1)  # asked for by number: kept
    assert distributed.device_for("cpu") == torch.device("cpu")
    monkeypatch.setenv("WORLD_SIZE", "1")
    assert distributed.device_for("cuda") == torch.device("cuda")


def test_a_stream_pins_its_batches_for_cuda_alone():
    images = streaming.Images(streaming.FromTensor(torch.rand(4, 1, 2, 2)), 4, (1, 2, 2))
    assert feed.Stream(images, Runtime(workers=0), torch.device("cuda")).loader.pin_memory
    assert not feed.Stream(images, Runtime(workers=0), torch.device("cpu")).loader.pin_memory


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", ["vanilla", "aae"])
def test_compiled_training_reaches_the_uncompiled_result(name, small_data):
    cfg = aeviz.defaults_for(name, dataset="digits", epochs=1, batch_size=32,
                             **({"hidden": (64,)} if name == "aae" else {}))
    _, plain = aeviz.training.loop.fit(cfg, device="cpu")
    _, compiled = aeviz.training.loop.fit(cfg, device="cpu", runtime=Runtime(compile=True))
    # compiled kernels round differently; the AAE's adversarial game carries it further (0.2% seen)
    tolerance = {"vanilla": 1e-3, "aae": 2e-2}[name]
    assert compiled["history"][0]["test_mse"] == pytest.approx(plain["history"][0]["test_mse"], rel=tolerance)
