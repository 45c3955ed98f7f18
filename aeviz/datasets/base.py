"""What every dataset source shares: the loaded split (ImageDataset), a split opened to be
read one image at a time (Split), what a registry entry says about a dataset (DatasetSpec),
the request a loader gets, and the pixel helpers every source resizes with."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import lazy

torch = lazy.module("torch")  # imported on first use (lazy.py)
F = lazy.module("torch.nn.functional")

SPLITS = ("train", "test")


class DatasetError(ValueError):
    """A dataset that cannot be loaded; the message says what to do instead."""


@dataclass
class ImageDataset:
    name: str
    split: str
    x: torch.Tensor                 # (N, C, H, W) float32 in [0, 1]
    y: torch.Tensor | None          # (N,) int64 labels, or None
    classes: list[str] | None = None
    skipped: int = 0                # unreadable files left out (folder datasets)

    def __len__(self) -> int:
        return len(self.x)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.x.shape[1:])


@dataclass
class Arrays:
    """A split as numpy, read without torch: what the dashboard's first page draws from
    (its images beside their stored reconstructions)."""
    x: np.ndarray                   # (N, C, H, W) uint8
    y: np.ndarray | None            # (N,) int64 labels, or None
    classes: list[str] | None = None

    def __len__(self) -> int:
        return len(self.x)


@dataclass
class Split:
    """A split's labels and the means to read its images, none of them read yet: what a
    training run streams when the whole split would not fit its memory budget."""
    name: str
    y: torch.Tensor                        # (N,) int64
    classes: list[str] | None
    image_shape: tuple[int, int, int]      # (C, H, W) as read, after any resize
    read: Callable[[int], torch.Tensor]    # read(i): image i as (C, H, W) float32 in [0, 1]

    def __len__(self) -> int:
        return len(self.y)


@dataclass(frozen=True)
class Request:
    """What a loader is asked for: one split of a named dataset, at a size."""
    name: str          # the whole name, "folder:~/pets" included
    split: str         # "train" or "test"
    size: int          # image_size, or the spec's default_size when that is 0
    grayscale: bool    # read as one channel (folders; the other sources have their own channels)
    data_dir: Path     # where downloads and caches go
    argument: str = ""  # what follows the colon in the name: folder:PATH's PATH


@dataclass(frozen=True)
class DatasetSpec:
    """A registry entry: how to load the dataset and what the CLI, the views and the tests
    ask of it, so that none of them compares dataset names."""
    load: Callable[[Request], ImageDataset]
    description: str
    image_shape: tuple[int, int, int]  # (C, H, W) at its default size
    source: str  # "embedded" (inside a dependency), "installed" (Debian packages), "download", "folder"
    # The side it is cut or read at when image_size is 0 (photos, folders); 0 for a dataset of
    # one fixed size, which load_dataset resizes afterwards when another size is asked for.
    default_size: int = 0
    # Opens the split to be read an image at a time (a training run above its memory budget);
    # None for a dataset that is always read whole (all the small ones).
    stream: Callable[[Request], Split] | None = None
    argument: str = ""  # the name takes one after a colon ("PATH": folder:PATH); "" when it takes none
    # The split as uint8 numpy arrays at its own size, without torch (load_arrays); None for
    # a dataset read only as tensors.
    arrays: Callable[[Request], Arrays] | None = None
    # Its images look alike mirrored left-right (clothes, objects; not digits nor letters):
    # the augmented set (augmented.py) may flip them.
    mirrors: bool = False

    @property
    def offline(self) -> bool:
        """Whether it loads with no network (a Debian dataset still needs its packages)."""
        return self.source != "download"


def default_data_dir() -> Path:
    return Path(os.environ.get("AEVIZ_DATA_DIR", Path.home() / ".cache" / "aeviz" / "data"))


def resize(x: torch.Tensor, size: int) -> torch.Tensor:
    return F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False).clamp(0, 1)


def center_square(x: torch.Tensor, size: int) -> torch.Tensor:
    h, w = x.shape[-2:]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    return resize(x[..., top:top + s, left:left + s], size)


def as_float(pixels: np.ndarray) -> torch.Tensor:
    """uint8 pixels as float32 in [0, 1]: one function, so that a streamed image is bit for
    bit the one held in memory."""
    return torch.from_numpy(np.asarray(pixels).astype(np.float32) / 255.0)
