"""Streaming the training images through a DataLoader: chosen above the memory budget for a
folder or a torchvision dataset, never reading the split into memory, image for image the
split the whole-tensor path holds, and training to the result it gives."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from PIL import Image

import aeviz
from aeviz.training import feed
from aeviz.datasets import streaming, torchvision_sets
from aeviz.training.runtime import parse_bytes, Runtime
from support.fashion import fashion, needs_fashion  # noqa: F401  (fashion: a fixture)


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
    real = streaming.load_dataset

    def test_split_only(name, split="train", *args, **kwargs):
        assert split == "test", "the streamed training split was loaded into memory"
        return real(name, split, *args, **kwargs)

    monkeypatch.setattr(streaming, "load_dataset", test_split_only)
    streamed = aeviz.train(cfg, ckpt_dir=tmp_path / "streamed", runtime=Runtime(memory_budget=1000, workers=1))
    meta = aeviz.load_checkpoint(streamed).meta
    assert meta["streamed"] and not aeviz.load_checkpoint(whole).meta["streamed"]
    assert meta["dataset"]["train"] == aeviz.load_checkpoint(whole).meta["dataset"]["train"]
    assert history(streamed) == pytest.approx(history(whole), rel=1e-5)


def test_below_the_budget_a_folder_stays_in_memory(image_folder):
    cfg = aeviz.defaults_for("vanilla", dataset=f"folder:{image_folder}", image_size=12)
    test = aeviz.load_dataset(cfg.dataset, "test", 12)
    in_memory = streaming.training_set(cfg, test, None, Runtime(memory_budget=1 << 30))
    assert isinstance(in_memory, aeviz.datasets.ImageDataset)
    assert isinstance(streaming.training_set(cfg, test, None, Runtime(memory_budget=1000)), streaming.Images)


def test_a_streamed_folder_leaves_classes_out_as_the_in_memory_one_does(image_folder):
    cfg = aeviz.defaults_for("vanilla", dataset=f"folder:{image_folder}", image_size=12)
    test = aeviz.load_dataset(cfg.dataset, "test", 12)
    streamed = streaming.training_set(cfg.replace(exclude_classes=(0,)), test, None, Runtime(stream=True))
    in_memory = streaming.training_set(cfg.replace(exclude_classes=(0,)), test, None, Runtime(stream=False))
    assert torch.equal(torch.stack([streamed[i] for i in range(len(streamed))]), in_memory.x)
    for classes, message in (((2,), "has no class 2"), ((0, 1), "leaves nothing to train on")):
        with pytest.raises(aeviz.DatasetError, match=message):
            streaming.training_set(cfg.replace(exclude_classes=classes), test, None, Runtime(stream=True))


@pytest.mark.parametrize("text, value", [("512M", 512 << 20), ("8G", 8 << 30), ("1.5GiB", 3 << 29), ("1000", 1000)])
def test_memory_sizes_read_as_written(text, value):
    assert parse_bytes(text) == value


def test_a_bad_memory_size_is_one_sentence():
    with pytest.raises(aeviz.ConfigError, match="not a memory size"):
        parse_bytes("lots")


# --- the torchvision datasets: a memory map of MNIST's idx files, CIFAR's pixels as uint8 -------

def fashion_config(**overrides):
    return aeviz.defaults_for("vanilla", dataset="fashion-mnist", **overrides)


@needs_fashion
@pytest.mark.parametrize("size", [0, 14])
def test_streamed_fashion_mnist_is_the_in_memory_split_image_for_image(fashion, size):
    test = aeviz.load_dataset("fashion-mnist", "test", size)
    streamed = streaming.training_set(fashion_config(image_size=size), test, None, Runtime(stream=True))
    whole = aeviz.load_dataset("fashion-mnist", "train", size)
    assert isinstance(streamed, streaming.Images) and len(streamed) == len(whole) == 60000
    assert streamed.image_shape == whole.image_shape == (1, size or 28, size or 28)
    assert streamed.classes == whole.classes
    for i in (0, 1, 12345, 59999):
        assert torch.equal(streamed[i], whole.x[i])
    # what a spawned worker receives: the file's path, not the 47 MB of pixels mapped above
    assert len(pickle.dumps(streamed.read)) < 1000


@needs_fashion
def test_fashion_mnist_above_the_budget_streams_without_loading_its_training_split(fashion, monkeypatch):
    test = aeviz.load_dataset("fashion-mnist", "test")
    assert isinstance(streaming.training_set(fashion_config(), test, None, Runtime(memory_budget=1 << 30)),
                      aeviz.datasets.ImageDataset)
    real = streaming.load_dataset

    def test_split_only(name, split="train", *args, **kwargs):
        assert split == "test", "the streamed training split was loaded into memory"
        return real(name, split, *args, **kwargs)

    monkeypatch.setattr(streaming, "load_dataset", test_split_only)
    streamed = streaming.training_set(fashion_config(), test, None, Runtime(memory_budget=1000))
    assert isinstance(streamed, streaming.Images)


@needs_fashion
def test_a_streamed_fashion_mnist_leaves_classes_out_as_the_in_memory_one_does(fashion):
    test = aeviz.load_dataset("fashion-mnist", "test")
    cfg = fashion_config(exclude_classes=(0, 2, 4, 5, 6, 7, 8, 9))  # trousers and dresses are left
    streamed = streaming.training_set(cfg, test, None, Runtime(stream=True))
    in_memory = streaming.training_set(cfg, test, None, Runtime(stream=False))
    assert len(streamed) == len(in_memory) == 12000
    for i in (0, 1, 5000, 11999):
        assert torch.equal(streamed[i], in_memory.x[i])
    for classes, message in (((10,), "has no class 10"), (tuple(range(10)), "leaves nothing to train on")):
        for stream in (True, False):
            with pytest.raises(aeviz.DatasetError, match=message):
                streaming.training_set(cfg.replace(exclude_classes=classes), test, None, Runtime(stream=stream))


@needs_fashion
def test_a_worker_feeds_the_batches_the_whole_tensor_feeds(fashion):
    # the same permutation and noise generator: the same clean and noisy batches, step for step,
    # read from the memory map by a DataLoader worker process
    cfg = fashion_config(batch_size=64, noise="gaussian", noise_level=0.3, exclude_classes=(3,))
    test = aeviz.load_dataset("fashion-mnist", "test")
    streamed = streaming.training_set(cfg, test, None, Runtime(stream=True))
    whole = streaming.training_set(cfg, test, None, Runtime(stream=False))
    stream = feed.Stream(streamed, Runtime(workers=1), torch.device("cpu"))
    perm = torch.randperm(len(whole), generator=torch.Generator().manual_seed(0))
    batches = [feed.epoch_batches(train, s, perm, cfg, torch.Generator().manual_seed(1), lambda x: x)
               for train, s in ((streamed, stream), (whole, None))]
    for step, ((clean, noisy), (clean_whole, noisy_whole)) in enumerate(zip(*batches)):
        assert torch.equal(clean, clean_whole) and torch.equal(noisy, noisy_whole)
        if step == 3:
            break


@needs_fashion
@pytest.mark.slow  # an epoch over 12,000 images, twice
def test_fashion_mnist_streamed_trains_as_the_whole_tensor_does(fashion, tmp_path):
    cfg = fashion_config(epochs=1, batch_size=128, exclude_classes=(0, 2, 4, 5, 6, 7, 8, 9))
    whole = aeviz.train(cfg, ckpt_dir=tmp_path / "whole", runtime=Runtime(stream=False))
    streamed = aeviz.train(cfg, ckpt_dir=tmp_path / "streamed", runtime=Runtime(memory_budget=1000, workers=1))
    meta = aeviz.load_checkpoint(streamed).meta
    assert meta["streamed"] and not aeviz.load_checkpoint(whole).meta["streamed"]
    assert meta["dataset"] == aeviz.load_checkpoint(whole).meta["dataset"]
    assert history(streamed) == pytest.approx(history(whole), rel=1e-5)


class FakeCifar:
    """What torchvision's CIFAR10 gives: (N, H, W, 3) uint8 pixels, a list of labels, classes."""

    def __init__(self, *args, **kwargs):
        rng = np.random.default_rng(0)
        self.data = rng.integers(0, 256, (40, 12, 12, 3), dtype=np.uint8)
        self.targets = [i % 4 for i in range(40)]
        self.classes = ["plane", "car", "bird", "cat"]


@pytest.mark.parametrize("size", [0, 8])
def test_cifar_style_pixels_held_as_uint8_stream_as_the_in_memory_ones(size, tmp_path, monkeypatch):
    monkeypatch.setattr(torchvision_sets, "open_torchvision", lambda *args: FakeCifar())
    aeviz.datasets.forget_loaded()
    cfg = aeviz.defaults_for("vanilla", dataset="cifar10", image_size=size, batch_size=16, exclude_classes=(1,))
    test = aeviz.load_dataset("cifar10", "test", size, data_dir=tmp_path)
    streamed = streaming.training_set(cfg, test, tmp_path, Runtime(stream=True))
    whole = streaming.training_set(cfg, test, tmp_path, Runtime(stream=False))
    aeviz.datasets.forget_loaded()
    assert len(streamed) == len(whole) == 30  # class 1 left out
    assert streamed.image_shape == whole.image_shape == (3, size or 12, size or 12)
    assert streamed.classes == whole.classes == FakeCifar().classes
    assert streamed.read.read.pixels.dtype == torch.uint8  # held as uint8: a quarter of float32
    # read by a DataLoader worker process, in the order of the permutation
    stream = feed.Stream(streamed, Runtime(workers=1), torch.device("cpu"))
    batches = list(stream.epoch(torch.arange(30), cfg, torch.Generator(), lambda x: x))
    assert torch.equal(torch.cat([clean for clean, _ in batches]), whole.x)


def test_a_damaged_idx_file_says_to_delete_it_in_one_sentence(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    header = (0x00000803).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in (60000, 28, 28))
    (raw / "train-images-idx3-ubyte").write_bytes(header + bytes(1000))  # cut short
    (raw / "train-labels-idx1-ubyte").write_bytes((0x00000801).to_bytes(4, "big") + (60000).to_bytes(4, "big"))
    with pytest.raises(aeviz.DatasetError, match=r"train-images-idx3-ubyte is not a whole idx file; delete it"):
        aeviz.datasets.open_split("mnist", "train", data_dir=tmp_path)
