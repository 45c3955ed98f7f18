"""The augmented set: a dataset's train and test images, each as itself and in 14 seeded
augmentations, made one image at a time when asked for and never held (aeviz issue 28).

Fashion-MNIST's 70,000 images become 1,050,000: the set the million-point map is measured on
(benchmarks/million_map.py) and the dashboard opens (its sidebar's "augmented" split, offered
once the map is built). Image i is version i // B of base image i % B, where B counts the
train images then the test images: the first B are the images as they are. Version v of base
b is shifted by up to 2 px of 28, turned by up to 10 degrees and, for a dataset whose spec
says its images look alike mirrored (DatasetSpec.mirrors), flipped left-right half the time.
Its draws come from a hash of its number i, so any image is made on its own, the same on every
run and in every process, without making the others: a hover's thumbnail costs one image.
"""
from __future__ import annotations

import math

import numpy as np

from .. import lazy
from .base import ImageDataset, Split

torch = lazy.module("torch")  # imported on first use (lazy.py): the first page reads no set
F = lazy.module("torch.nn.functional")

SPLIT = "augmented"
VERSIONS = 15             # each image itself and 14 augmentations
MAX_SHIFT = 2 / 28        # of the image's side
MAX_TURN = math.radians(10)
BATCH = 4096              # images made at once by a slice: grid_sample's working set stays small


def _uniforms(index: np.ndarray, draws: int) -> np.ndarray:
    """(len(index), draws) floats in [0, 1), a pure function of each index (splitmix64)."""
    z = index.astype(np.uint64)[:, None] * np.uint64(draws) + np.arange(draws, dtype=np.uint64)
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def transforms(index: np.ndarray, base: int, mirrors: bool) -> "torch.Tensor":
    """The (len(index), 2, 3) affine_grid matrices of images `index` of a set of `base` images
    per version: the identity for version 0."""
    u = _uniforms(index, 4)
    angle = (u[:, 0] * 2 - 1) * MAX_TURN
    shift = (u[:, 1:3] * 2 - 1) * (2 * MAX_SHIFT)  # affine_grid's units: the side is 2 long
    flip = np.where((u[:, 3] < 0.5) & mirrors, -1.0, 1.0)
    cos, sin = np.cos(angle), np.sin(angle)
    theta = np.stack([np.stack([cos * flip, -sin, shift[:, 0]], 1), np.stack([sin * flip, cos, shift[:, 1]], 1)], 1)
    theta[index < base] = [[1, 0, 0], [0, 1, 0]]
    return torch.from_numpy(theta.astype(np.float32))


class Images:
    """The augmented images as a read-only sequence: len(), .shape, and [i], [a:b], [list] or
    [array] give float32 tensors in [0, 1] as a split's x does, each made when asked for."""

    def __init__(self, train: "torch.Tensor", test: "torch.Tensor", mirrors: bool):
        self._parts, self._mirrors = (train, test), mirrors
        self.base = len(train) + len(test)
        self.shape = torch.Size((self.base * VERSIONS, *train.shape[1:]))

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key) -> "torch.Tensor":
        if isinstance(key, (int, np.integer)) or (torch.is_tensor(key) and key.ndim == 0):
            i = int(key)
            if not -len(self) <= i < len(self):
                raise IndexError(f"image {i} of {len(self)}")
            return self._make(np.array([i % len(self)]))[0]
        if isinstance(key, slice):
            return self._made(np.arange(*key.indices(len(self))))
        index = np.asarray(key.numpy() if torch.is_tensor(key) else key)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        index = index.astype(np.int64).reshape(-1)
        if index.size and (index.min() < -len(self) or index.max() >= len(self)):
            raise IndexError(f"an image number out of 0 to {len(self) - 1}")
        return self._made(index % len(self)) if index.size else torch.zeros((0, *self.shape[1:]))

    def _made(self, index: np.ndarray) -> "torch.Tensor":
        if index.size <= BATCH:
            return self._make(index)
        return torch.cat([self._make(index[i:i + BATCH]) for i in range(0, index.size, BATCH)])

    def _make(self, index: np.ndarray) -> "torch.Tensor":
        b = index % self.base
        train, test = self._parts
        x = torch.empty((len(index), *self.shape[1:]))
        first = b < len(train)
        x[torch.from_numpy(first)] = train[torch.from_numpy(b[first])]
        x[torch.from_numpy(~first)] = test[torch.from_numpy(b[~first] - len(train))]
        turned = index >= self.base
        if turned.any():
            t = torch.from_numpy(turned)
            grid = F.affine_grid(transforms(index[turned], self.base, self._mirrors), [int(turned.sum()), *x.shape[1:]],
                                 align_corners=False)
            x[t] = F.grid_sample(x[t], grid, align_corners=False, padding_mode="zeros").clamp(0, 1)
        return x


def augmented(train: ImageDataset, test: ImageDataset, mirrors: bool) -> ImageDataset:
    """The augmented set of a dataset's two splits, as a split whose x makes its images."""
    y = None if train.y is None or test.y is None else torch.cat([train.y, test.y]).repeat(VERSIONS)
    return ImageDataset(train.name, SPLIT, Images(train.x, test.x, mirrors), y, train.classes)


def as_split(ds: ImageDataset) -> Split:
    """The augmented set to be read an image at a time (aeviz embed's streaming, its shards)."""
    y = ds.y if ds.y is not None else torch.full((len(ds),), -1, dtype=torch.int64)
    return Split(ds.name, y, ds.classes, tuple(ds.x.shape[1:]), ds.x.__getitem__)
