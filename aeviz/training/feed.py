"""What each process trains on at each step: its rows of the global batch, corrupted as one
process would corrupt them, from one tensor in memory or streamed through a DataLoader.

Every process draws the same permutation and the same noise (one shuffling generator,
seeded alike), and keeps its own rows of each global batch: N processes then take the
steps one process takes, on the same images with the same noise, and the generator stays
in step everywhere. The global batch is cfg.batch_size whatever the number of processes.

A streamed split (aeviz.datasets.streaming) is read by DataLoader workers, each image when
its batch comes, in the order the in-memory path takes; the noise is drawn in the training
process as before, so both paths train alike.
"""
from __future__ import annotations

import math

import torch
from torch.utils.data import DataLoader

from . import distributed
from ..config import TrainConfig
from ..datasets import corrupt
from ..datasets.streaming import Images
from .runtime import Runtime


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
