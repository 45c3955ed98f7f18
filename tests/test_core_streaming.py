"""Streaming the training images through a DataLoader: chosen above the memory budget for a
folder that can be read lazily, never reading the split into memory, and training to the
result the whole-tensor path gives."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

import aeviz
from aeviz import feed
from aeviz.runtime import Runtime, parse_bytes


def history(path) -> list[float]:
    return [h["test_mse"] for h in aeviz.load_checkpoint(path).meta["history"]]


def test_a_streamed_split_trains_as_the_whole_tensor_does(small_data, tmp_path):
    # a denoiser: the noise drawn for each streamed batch must be the one drawn in memory
    cfg = aeviz.defaults_for("vanilla", dataset="digits", epochs=2, batch_size=32, noise="gaussian", noise_level=0.3)
    whole = aeviz.train(cfg, ckpt_dir=tmp_path / "whole", runtime=Runtime(stream=False))
    streamed = aeviz.train(cfg, ckpt_dir=tmp_path / "streamed", runtime=Runtime(stream=True, workers=1))
    assert whole.name == streamed.name  # how the data came is not part of the id
    assert aeviz.load_checkpoint(streamed).meta["streamed"] and not aeviz.load_checkpoint(whole).meta["streamed"]
    assert history(streamed) == pytest.approx(history(whole), rel=1e-6)


@pytest.fixture
def image_folder(tmp_path):
    """60 small PNGs in two classes: dark squares and bright ones, with some texture."""
    rng = np.random.default_rng(0)
    for label, base in (("dark", 40), ("bright", 200)):
        (tmp_path / "images" / label).mkdir(parents=True)
        for i in range(30):
            pixels = np.clip(base + rng.normal(0, 30, (20, 20, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(tmp_path / "images" / label / f"{i}.png")
    return tmp_path / "images"


def test_a_folder_above_the_budget_streams_without_loading_its_training_split(image_folder, tmp_path, monkeypatch):
    cfg = aeviz.defaults_for("vanilla", dataset=f"folder:{image_folder}", image_size=12, epochs=2, batch_size=8)
    whole = aeviz.train(cfg, ckpt_dir=tmp_path / "whole", runtime=Runtime(memory_budget=1 << 30))
    real = feed.load_dataset

    def test_split_only(name, split="train", *args, **kwargs):
        assert split == "test", "the streamed training split was loaded into memory"
        return real(name, split, *args, **kwargs)

    monkeypatch.setattr(feed, "load_dataset", test_split_only)
    streamed = aeviz.train(cfg, ckpt_dir=tmp_path / "streamed", runtime=Runtime(memory_budget=1000, workers=1))
    meta = aeviz.load_checkpoint(streamed).meta
    assert meta["streamed"] and not aeviz.load_checkpoint(whole).meta["streamed"]
    assert meta["dataset"]["train"] == aeviz.load_checkpoint(whole).meta["dataset"]["train"]
    assert history(streamed) == pytest.approx(history(whole), rel=1e-5)


def test_below_the_budget_a_folder_stays_in_memory(image_folder):
    cfg = aeviz.defaults_for("vanilla", dataset=f"folder:{image_folder}", image_size=12)
    test = aeviz.load_dataset(cfg.dataset, "test", 12)
    assert isinstance(feed.training_set(cfg, test, None, Runtime(memory_budget=1 << 30)), aeviz.data.ImageDataset)
    assert isinstance(feed.training_set(cfg, test, None, Runtime(memory_budget=1000)), feed.Images)


def test_a_streamed_folder_leaves_classes_out_as_the_in_memory_one_does(image_folder):
    cfg = aeviz.defaults_for("vanilla", dataset=f"folder:{image_folder}", image_size=12)
    test = aeviz.load_dataset(cfg.dataset, "test", 12)
    streamed = feed.training_set(cfg.replace(exclude_classes=(0,)), test, None, Runtime(stream=True))
    in_memory = feed.training_set(cfg.replace(exclude_classes=(0,)), test, None, Runtime(stream=False))
    assert torch.equal(torch.stack([streamed[i] for i in range(len(streamed))]), in_memory.x)
    for classes, message in (((2,), "has no class 2"), ((0, 1), "leaves nothing to train on")):
        with pytest.raises(aeviz.DatasetError, match=message):
            feed.training_set(cfg.replace(exclude_classes=classes), test, None, Runtime(stream=True))


@pytest.mark.parametrize("text, value", [("512M", 512 << 20), ("8G", 8 << 30), ("1.5GiB", 3 << 29), ("1000", 1000)])
def test_memory_sizes_read_as_written(text, value):
    assert parse_bytes(text) == value


def test_a_bad_memory_size_is_one_sentence():
    with pytest.raises(aeviz.ConfigError, match="not a memory size"):
        parse_bytes("lots")
