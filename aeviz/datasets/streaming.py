"""A training run's images, from one tensor in memory or read one at a time.

A dataset larger than the memory budget (runtime.Runtime) is streamed: DataLoader workers
read each image when its batch comes (aeviz.feed), in the order the in-memory path takes,
so both paths train alike. A folder's images are read and resized from their files;
MNIST, Fashion-MNIST and KMNIST from a memory map of their raw files; CIFAR-10 and SVHN,
whose files cannot be read an image at a time, from their pixels held as uint8 (a quarter
of float32). Smaller datasets stay in one tensor, which is faster; so do the ones whose
spec has no stream (the embedded and installed ones, all small).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import torch
from torch.utils.data import Dataset

from ..config import TrainConfig
from ..training.runtime import Runtime
from . import load_dataset, open_split
from .base import ImageDataset, Split
from .classes import kept, leave_out

PCA_SAMPLE = 4096  # training images a streamed run fits its PCA baseline on


def training_set(cfg: TrainConfig, test: ImageDataset, data_dir, runtime: Runtime):
    """The images cfg trains on: an ImageDataset in memory, or Images read when streamed."""
    split = streamed_split(cfg.dataset, "train", cfg.image_size, cfg.grayscale, data_dir, runtime)
    if split is None:
        ds = _in_memory(cfg, test, data_dir)
        if not runtime.stream:
            return ds
        # streaming asked for a small dataset that is in memory anyway: from its tensor
        return Images(FromTensor(ds.x), len(ds), ds.image_shape, ds.classes)
    keep = kept(split, test, cfg.exclude_classes)
    if keep is None:
        return Images(split.read, len(split), split.image_shape, split.classes)
    picks = torch.from_numpy(np.flatnonzero(keep))
    return Images(_Picked(split.read, picks), len(picks), split.image_shape, split.classes)


def streamed_split(name: str, split: str, image_size: int, grayscale: bool, data_dir, runtime: Runtime) -> Split | None:
    """The split opened to be read an image at a time when runtime streams it (asked to, or its
    float32 images exceed the memory budget); None when it is to be held in memory, as the
    datasets without a stream always are."""
    if runtime.stream is False:
        return None
    opened = open_split(name, split, image_size, grayscale, data_dir)
    # Below the budget CIFAR-10 and SVHN are read once more, as float32 (seconds, once per run).
    if opened is None or runtime.stream is None and len(opened) * math.prod(opened.image_shape) * 4 <= runtime.budget():
        return None
    return opened


def _in_memory(cfg: TrainConfig, test: ImageDataset, data_dir) -> ImageDataset:
    train = load_dataset(cfg.dataset, "train", cfg.image_size, cfg.grayscale, data_dir)
    return leave_out(train, test, cfg.exclude_classes)


@dataclasses.dataclass
class FromTensor:  # picklable, for workers that are spawned rather than forked
    x: torch.Tensor

    def __call__(self, i: int) -> torch.Tensor:
        return self.x[i]


@dataclasses.dataclass
class _Picked:  # the images a streamed split keeps when classes are left out
    read: object
    picks: torch.Tensor  # (N,) int64, an index into the whole split

    def __call__(self, i: int) -> torch.Tensor:
        return self.read(int(self.picks[i]))


@dataclasses.dataclass
class Images(Dataset):
    """A training split read one image at a time: read(i) is image i as (C, H, W) float32."""
    read: object
    n: int
    image_shape: tuple[int, int, int]
    classes: list[str] | None = None

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> torch.Tensor:
        return self.read(i)

    def sample(self, count: int = PCA_SAMPLE) -> torch.Tensor:
        """Up to count images spread evenly over the split: what the PCA baseline is fitted on."""
        picks = torch.linspace(0, self.n - 1, min(count, self.n)).round().long().unique()
        return torch.stack([self.read(int(i)) for i in picks])
