"""The datasets torchvision downloads (MNIST, Fashion-MNIST, KMNIST, CIFAR-10, SVHN), read
whole or one image at a time.

Read whole, a split goes through torchvision's own loader. Streamed, image i is, bit for bit,
image i of the split read whole: MNIST, Fashion-MNIST and KMNIST are memory-mapped from their
raw idx files, so a split costs no memory of its own (the pages read are the operating
system's file cache); CIFAR-10's pickles and SVHN's .mat file cannot be read an image at a
time, so their images are held as uint8 (a quarter of float32) and each is made float32 when
it is read. Fashion-MNIST's files come from Debian's copy when it is installed.
"""
from __future__ import annotations

import dataclasses
import gzip
import math
import struct
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .. import lazy
from ..safefile import write_atomic
from .base import DatasetError, DatasetSpec, ImageDataset, Request, Split, as_float, resize
from .embedded import DATASETS as EMBEDDED

torch = lazy.module("torch")  # imported on first use (lazy.py)



class _Source(NamedTuple):
    cls: str             # torchvision's class
    subdir: str          # where its files go under the data dir
    files: str           # which files, as the failure message names them
    idx: bool = False    # raw idx files (the MNIST family): memory-mapped when streamed
    split_arg: bool = False  # its constructor takes split="train" rather than train=True (SVHN)


_MNIST_FILES = "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte"
_TV = {
    "mnist": _Source("MNIST", "MNIST/raw", _MNIST_FILES, idx=True),
    "fashion-mnist": _Source("FashionMNIST", "FashionMNIST/raw", _MNIST_FILES, idx=True),
    "kmnist": _Source("KMNIST", "KMNIST/raw", _MNIST_FILES, idx=True),
    "cifar10": _Source("CIFAR10", ".", "the folder cifar-10-batches-py (unpacked from cifar-10-python.tar.gz)"),
    "svhn": _Source("SVHN", ".", "train_32x32.mat and test_32x32.mat", split_arg=True),
}
IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801  # idx: uint8 data, 3 dimensions or 1
# Debian packages that install a torchvision dataset's own files: name -> (package, folder).
DEBIAN_PACKAGES = {"fashion-mnist": ("dataset-fashion-mnist", Path("/usr/share/datasets/fashion-mnist"))}


def load(request: Request) -> ImageDataset:
    pixels, labels, classes = torchvision_arrays(open_torchvision(request.name, request.split, request.data_dir))
    return ImageDataset(request.name, request.split, as_float(pixels), torch.from_numpy(labels), classes)


def open_torchvision(name: str, split: str, root: Path):
    """torchvision's dataset object for a split, its files unpacked from Debian's copy or
    downloaded first; a DatasetError saying where to put them when neither can be done."""
    source = _TV[name]
    cls, subdir = _tv_class(name), source.subdir
    unpack_from_debian(name, root / subdir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        if source.split_arg:
            return cls(str(root), split=split, download=True)
        return cls(str(root), train=(split == "train"), download=True)
    except Exception as exc:  # torchvision raises URLError, RuntimeError, OSError... all mean "not here"
        debian = f", install Debian's {DEBIAN_PACKAGES[name][0]}" if name in DEBIAN_PACKAGES else ""
        raise DatasetError(
            f"Could not download {name} ({type(exc).__name__}); put {source.files} in {(root / subdir).resolve()} "
            f"(or point --data-dir at a folder that has them){debian}, or use an embedded dataset: "
            f"{', '.join(EMBEDDED)}."
        ) from None


def _tv_class(name: str):
    import torchvision.datasets as tvd  # a second to import: only when a torchvision dataset is asked for

    return getattr(tvd, _TV[name].cls)


def torchvision_arrays(ds) -> tuple[np.ndarray, np.ndarray, list[str] | None]:
    """A torchvision dataset's images as (N, C, H, W) uint8, its labels as int64, its class names."""
    data = np.asarray(ds.data if not isinstance(ds.data, torch.Tensor) else ds.data.numpy())
    if data.ndim == 3:            # MNIST family: N, H, W
        data = data[:, None]
    elif data.shape[-1] == 3:     # CIFAR: N, H, W, C
        data = data.transpose(0, 3, 1, 2)
    labels = np.asarray(ds.targets if hasattr(ds, "targets") else ds.labels).astype(np.int64)
    return data, labels, list(getattr(ds, "classes", [])) or None


def unpack_from_debian(name: str, raw: Path) -> None:
    """Unpack a Debian package's copy of the dataset's files where torchvision looks for
    them, so the data still goes through torchvision's own loader. (Debian recompressed
    the archives, so torchvision's MD5 check of a download would refuse them as they are.)"""
    if name not in DEBIAN_PACKAGES:
        return
    found = sorted(DEBIAN_PACKAGES[name][1].glob("*-ubyte.gz"))
    if len(found) != 4:
        return
    for archive in found:
        target = raw / archive.name[: -len(".gz")]
        if not target.exists():
            try:
                data = gzip.decompress(archive.read_bytes())
            except (OSError, EOFError) as exc:
                raise DatasetError(f"Could not read {archive} ({exc}); reinstall Debian's "
                                   f"{DEBIAN_PACKAGES[name][0]}.") from None
            write_atomic(target, data, f"{name}'s {target.name}", error=DatasetError)


# --- one image at a time ------------------------------------------------------------------------

def open_split(request: Request) -> Split:
    """A split, read lazily; request.size 0 keeps the dataset's own size. Missing files are
    unpacked from Debian's copy or downloaded, as for a split read whole."""
    name, root = request.name, request.data_dir
    if not _TV[name].idx:
        return _held(name, open_torchvision(name, request.split, root), request.size)
    raw = root / _TV[name].subdir
    prefix = "train" if request.split == "train" else "t10k"
    images, labels = raw / f"{prefix}-images-idx3-ubyte", raw / f"{prefix}-labels-idx1-ubyte"
    unpack_from_debian(name, raw)
    if not (images.is_file() and labels.is_file()):
        ds = open_torchvision(name, request.split, root)  # downloads them (and reads them, this once)
        if not (images.is_file() and labels.is_file()):  # it read an older copy of its own (processed/*.pt)
            return _held(name, ds, request.size)
    return _mapped(name, images, labels, request.size)


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


def _resized(image_size: int, width: int) -> int:
    """The side images are resized to, 0 when they keep their own: load_dataset's rule."""
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


def _spec(description: str, shape: tuple[int, int, int], mirrors: bool = False) -> DatasetSpec:
    return DatasetSpec(load, description, shape, "download", stream=open_split, mirrors=mirrors)


DATASETS = {
    "mnist": _spec("MNIST through torchvision (downloads to --data-dir)", (1, 28, 28)),
    "fashion-mnist": _spec("Fashion-MNIST through torchvision, or from Debian's dataset-fashion-mnist", (1, 28, 28), mirrors=True),
    "kmnist": _spec("Kuzushiji-MNIST through torchvision", (1, 28, 28)),
    "cifar10": _spec("CIFAR-10 through torchvision", (3, 32, 32), mirrors=True),
    "svhn": _spec("SVHN (street-view house numbers) through torchvision", (3, 32, 32)),
}
