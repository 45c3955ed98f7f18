"""The torchvision datasets' images read one at a time, for a split that is streamed
(aeviz.feed): image i is, bit for bit, image i of the split aeviz.data holds in memory.

MNIST, Fashion-MNIST and KMNIST are memory-mapped from their raw idx files, so a split
costs no memory of its own: the pages read are the operating system's file cache.
CIFAR-10's pickles and SVHN's .mat file cannot be read an image at a time; their images
are held as uint8 (a quarter of float32) and each is made float32 when it is read.
"""
from __future__ import annotations

import dataclasses
import math
import struct
from pathlib import Path

import numpy as np
import torch

from .data import (_TV, DatasetError, _from_debian, as_float, default_data_dir, open_torchvision, resize,
                   torchvision_arrays)

MNIST_FAMILY = ("mnist", "fashion-mnist", "kmnist")
IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801  # idx: uint8 data, 3 dimensions or 1


@dataclasses.dataclass
class Split:
    """A split's labels and the means to read its images, none of them read yet."""
    name: str
    y: torch.Tensor                        # (N,) int64
    classes: list[str] | None
    image_shape: tuple[int, int, int]      # (C, H, W) as read, after any resize
    read: object                           # read(i): image i as (C, H, W) float32 in [0, 1]

    def __len__(self) -> int:
        return len(self.y)


def open_split(name: str, split: str, image_size: int = 0, data_dir=None) -> Split:
    """A torchvision dataset's split, read lazily; image_size 0 keeps the dataset's own size.
    Missing files are unpacked from Debian's copy or downloaded, as aeviz.data does."""
    root = Path(data_dir or default_data_dir())
    if name not in MNIST_FAMILY:
        return _held(name, open_torchvision(name, split, root), image_size)
    raw = root / _TV[name][1]
    prefix = "train" if split == "train" else "t10k"
    images, labels = raw / f"{prefix}-images-idx3-ubyte", raw / f"{prefix}-labels-idx1-ubyte"
    _from_debian(name, raw)
    if not (images.is_file() and labels.is_file()):
        ds = open_torchvision(name, split, root)  # downloads them (and reads them, this once)
        if not (images.is_file() and labels.is_file()):  # it read an older copy of its own (processed/*.pt)
            return _held(name, ds, image_size)
    return _mapped(name, images, labels, image_size)


def _mapped(name: str, images: Path, labels: Path, image_size: int) -> Split:
    n, h, w = idx_dims(images, IMAGES_MAGIC, 3)
    (count,) = idx_dims(labels, LABELS_MAGIC, 1)
    if count != n:
        raise DatasetError(f"{images} holds {n} images but {labels} {count} labels; delete both "
                           "so that they are unpacked or downloaded again.")
    y = torch.from_numpy(np.fromfile(labels, np.uint8, offset=8).astype(np.int64))
    classes = list(getattr(_tv_class(name), "classes", [])) or None  # what torchvision's dataset says
    size = _resized(image_size, w)
    return Split(name, y, classes, (1, size or h, size or w), _Idx(str(images), (n, 1, h, w), size))


def _held(name: str, ds, image_size: int) -> Split:
    pixels, y, classes = torchvision_arrays(ds)
    size = _resized(image_size, pixels.shape[-1])
    shape = (pixels.shape[1], size or pixels.shape[2], size or pixels.shape[3])
    return Split(name, torch.from_numpy(y), classes, shape, _Held(torch.from_numpy(pixels), size))


def idx_dims(path: Path, magic: int, ndim: int) -> tuple[int, ...]:
    """The dimensions an idx file's header gives (big-endian int32s after the magic number),
    checked against the file's size, so a damaged file is never read past its end."""
    with open(path, "rb") as f:
        head = f.read(4 * (ndim + 1))
    if len(head) == 4 * (ndim + 1) and int.from_bytes(head[:4], "big") == magic:
        dims = struct.unpack(f">{ndim}i", head[4:])
        if path.stat().st_size == len(head) + math.prod(dims):
            return dims
    raise DatasetError(f"{path} is not a whole idx file; delete it so that it is unpacked or downloaded again.")


def _tv_class(name: str):
    import torchvision.datasets as tvd

    return getattr(tvd, _TV[name][0])


def _resized(image_size: int, width: int) -> int:
    """The side images are resized to, 0 when they keep their own: aeviz.data's rule."""
    return image_size if image_size and image_size != width else 0


def _image(pixels: np.ndarray, size: int) -> torch.Tensor:
    x = as_float(pixels)
    # resize per image gives what resizing the whole split gives: each image is its own plane
    return resize(x[None], size)[0] if size else x


@dataclasses.dataclass
class _Idx:
    """Images of an idx file. The memory map is opened on first read in each process: a
    worker, forked or spawned, receives the path and never a pickled copy of the pixels."""
    path: str
    shape: tuple[int, int, int, int]  # (N, 1, H, W)
    size: int
    _pixels: np.memmap | None = dataclasses.field(default=None, repr=False, compare=False)

    def __getstate__(self):
        return {**self.__dict__, "_pixels": None}

    def __call__(self, i: int) -> torch.Tensor:
        if self._pixels is None:
            self._pixels = np.memmap(self.path, np.uint8, "r", offset=16, shape=self.shape)
        return _image(self._pixels[i], self.size)


@dataclasses.dataclass
class _Held:
    """Images held as uint8. A tensor rather than a numpy array: a spawned worker then gets
    it through torch's shared memory instead of a pickled copy."""
    pixels: torch.Tensor  # (N, C, H, W) uint8
    size: int

    def __call__(self, i: int) -> torch.Tensor:
        return _image(self.pixels[i].numpy(), self.size)
