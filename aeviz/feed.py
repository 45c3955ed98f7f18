"""What each process trains on at each step: its rows of the global batch, corrupted as one
process would corrupt them, from one tensor in memory or streamed through a DataLoader.

Every process draws the same permutation and the same noise (one shuffling generator,
seeded alike), and keeps its own rows of each global batch: N processes then take the
steps one process takes, on the same images with the same noise, and the generator stays
in step everywhere. The global batch is cfg.batch_size whatever the number of processes.

A dataset larger than the memory budget (runtime.Runtime) is streamed: DataLoader workers
read each image when its batch comes, in the order the in-memory path takes, and the noise
is drawn in the training process as before, so both paths train alike. A folder's images
are read and resized from their files; MNIST, Fashion-MNIST and KMNIST from a memory map of
their raw files; CIFAR-10 and SVHN, whose files cannot be read an image at a time, from
their pixels held as uint8 (a quarter of float32) (aeviz.lazy). Smaller datasets stay in
one tensor, which is faster; so do the embedded ones, which are all small.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from . import distributed
from .classes import kept, leave_out
from .config import TrainConfig
from .data import TORCHVISION, ImageDataset, corrupt, folder_files, load_dataset, read_image
from .lazy import Split, open_split
from .runtime import Runtime

FOLDER_SIZE = 64  # the size folder: images are read at when the config leaves image_size at 0
PCA_SAMPLE = 4096  # training images a streamed run fits its PCA baseline on


def training_set(cfg: TrainConfig, test: ImageDataset, data_dir, runtime: Runtime):
    """The images cfg trains on: an ImageDataset in memory, or Images read when streamed."""
    if runtime.stream is False:
        return _in_memory(cfg, test, data_dir)
    if not (cfg.dataset.startswith("folder:") or cfg.dataset in TORCHVISION):
        ds = _in_memory(cfg, test, data_dir)
        if runtime.stream is None:
            return ds
        # streaming asked for a small dataset that is in memory anyway: from its tensor
        return Images(_FromTensor(ds.x), len(ds), ds.image_shape, ds.classes)
    split = _lazily(cfg, data_dir)
    # Below the budget CIFAR-10 and SVHN are read once more, as float32 (seconds, once per run).
    if runtime.stream is None and len(split) * math.prod(split.image_shape) * 4 <= runtime.budget():
        return _in_memory(cfg, test, data_dir)
    keep = kept(split, test, cfg.exclude_classes)
    if keep is None:
        return Images(split.read, len(split), split.image_shape, split.classes)
    picks = torch.from_numpy(np.flatnonzero(keep))
    return Images(_Picked(split.read, picks), len(picks), split.image_shape, split.classes)


def _lazily(cfg: TrainConfig, data_dir) -> Split:
    """cfg's training split with none of its images read yet."""
    if cfg.dataset in TORCHVISION:
        return open_split(cfg.dataset, "train", cfg.image_size, data_dir)
    files, labels, classes = folder_files(cfg.dataset[len("folder:"):], "train")
    size = cfg.image_size or FOLDER_SIZE
    shape = (1 if cfg.grayscale else 3, size, size)
    return Split(cfg.dataset, torch.tensor(labels), classes, shape, _FromFiles(files, size, cfg.grayscale))


def _in_memory(cfg: TrainConfig, test: ImageDataset, data_dir) -> ImageDataset:
    train = load_dataset(cfg.dataset, "train", cfg.image_size, cfg.grayscale, data_dir)
    return leave_out(train, test, cfg.exclude_classes)


@dataclasses.dataclass
class _FromTensor:  # picklable, for workers that are spawned rather than forked
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
class _FromFiles:
    files: list
    size: int
    grayscale: bool

    def __call__(self, i: int) -> torch.Tensor:
        return read_image(self.files[i], self.size, self.grayscale)


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


class Stream:
    """The batches of Images through a DataLoader: workers read, the training process corrupts."""

    def __init__(self, images: Images, runtime: Runtime, device: torch.device):
        self.images, self.batches = images, _Batches()
        self.loader = DataLoader(images, batch_sampler=self.batches, num_workers=runtime.workers,
                                 pin_memory=device.type == "cuda", persistent_workers=runtime.workers > 0)

    def epoch(self, perm: torch.Tensor, cfg: TrainConfig, gen: torch.Generator, prepare):
        plan = []
        for step in range(steps_per_epoch(len(self.images), cfg.batch_size)):
            idx = global_batch(perm, step, cfg.batch_size)
            rows = distributed.share(len(idx))
            plan.append((idx[rows].tolist(), rows, len(idx)))
        self.batches.plan = [indices for indices, _, _ in plan]
        for (_, rows, total), clean in zip(plan, self.loader):
            yield clean, prepare(corrupt_rows(clean, rows, total, cfg, gen))


class _Batches:
    """A batch sampler the epoch sets before it iterates: persistent workers survive epochs."""

    def __init__(self):
        self.plan: list[list[int]] = []

    def __iter__(self):
        return iter(self.plan)

    def __len__(self) -> int:
        return len(self.plan)


def epoch_batches(train, stream: Stream | None, perm, cfg, gen, prepare):
    """(clean, input) of this process for each step of an epoch, from memory or the stream."""
    if stream is not None:
        return stream.epoch(perm, cfg, gen, prepare)
    return in_memory(train.x, perm, cfg, gen, prepare)


def steps_per_epoch(n: int, batch_size: int) -> int:
    return math.ceil(n / batch_size)


def global_batch(perm: torch.Tensor, step: int, batch_size: int) -> torch.Tensor:
    """The indices of one step's global batch. A last batch smaller than the number of
    processes is repeated until each has an image (one process never needs to)."""
    idx = perm[step * batch_size:(step + 1) * batch_size]
    world = distributed.world_size()
    if len(idx) < world:
        idx = idx.repeat(math.ceil(world / len(idx)))[:world]
    return idx


def in_memory(x: torch.Tensor, perm: torch.Tensor, cfg: TrainConfig, gen: torch.Generator, prepare):
    """(clean, input) of this process for each step of an epoch, from the whole tensor x."""
    for step in range(steps_per_epoch(len(x), cfg.batch_size)):
        idx = global_batch(perm, step, cfg.batch_size)
        rows = distributed.share(len(idx))
        clean = x[idx[rows]]
        yield clean, prepare(corrupt_rows(clean, rows, len(idx), cfg, gen))


def corrupt_rows(clean: torch.Tensor, rows: slice, total: int, cfg: TrainConfig, gen: torch.Generator):
    """clean corrupted as rows `rows` of a batch of `total` images would be. The noise drawn
    depends on the batch's shape alone and each image's on its own draws, so the other rows
    can be zeros: every process draws the whole batch's noise and keeps its own."""
    if cfg.noise == "none" or cfg.noise_level <= 0:
        return clean
    if rows.start == 0 and rows.stop == total:
        return corrupt(clean, cfg.noise, cfg.noise_level, gen)
    full = clean.new_zeros((total, *clean.shape[1:]))
    full[rows] = clean
    return corrupt(full, cfg.noise, cfg.noise_level, gen)[rows]
