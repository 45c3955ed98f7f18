"""The dataset registry: one dict from name to a spec, and load_dataset(name, split) to read one.

A spec (base.DatasetSpec) holds the loader, a one-line description and what the CLI, the
views and the tests ask of a dataset: its image shape, where it comes from (embedded in a
dependency, installed by Debian packages, downloaded, a user's folder), the size it is cut
at, and how to stream it. Nothing outside this package compares dataset names. One module
per source declares its entries:

    embedded          mnist5k, digits, photos: inside packages aeviz depends on, offline
    debian_photos     debian-photos, debian-scenes: photos Debian packages install, and scikit-image's
                      and scikit-learn's (qrc reads GCompris'; photo_sources lists them all)
    torchvision_sets  mnist, fashion-mnist, kmnist, cifar10, svhn: downloaded, or memory-mapped
    folders           folder:PATH: a user's own images

Beside train and test, any dataset has an "augmented" split (augmented.py): both splits' images,
each in 15 seeded versions, made one at a time when asked for; the million-point map's set.

A split is read once per process (an in-memory cache keyed by every argument) and is the
same on every run. classes.py leaves classes out of training; streaming.py gives a training
run its images one at a time when the whole split would not fit its memory budget.
"""
from __future__ import annotations

import functools
from pathlib import Path

from . import augmented, debian_photos, embedded, folders, torchvision_sets
from .base import (SPLITS, Arrays, DatasetError, DatasetSpec, ImageDataset, Request, Split, center_square,
                   default_data_dir, resize)
from .corruptions import corrupt, to_gray
from .embedded import EXAMPLE_PHOTOS, example_photo, photo_patches, photo_squares

AUGMENTED = augmented.SPLIT  # the split name beside train and test

DATASETS: dict[str, DatasetSpec] = {**embedded.DATASETS, **debian_photos.DATASETS, **torchvision_sets.DATASETS,
                                    **folders.DATASETS}


def register(name: str, spec: DatasetSpec) -> None:
    """Add a dataset to the registry: the CLI, the Train page and the registry's tests pick it up."""
    if not name or ":" in name or not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"A dataset name is letters, digits, '-' and '_', not {name!r}.")
    DATASETS[name] = spec


def dataset_names() -> list[str]:
    """Every name load_dataset takes, as a user writes it (folder:PATH)."""
    return [f"{name}:{spec.argument}" if spec.argument else name for name, spec in DATASETS.items()]


def find(name: str) -> tuple[DatasetSpec, str]:
    """The spec of a dataset name and its argument (folder:PATH's PATH); a DatasetError of one
    sentence naming the valid ones for a name the registry does not know."""
    base, colon, argument = name.partition(":")
    spec = DATASETS.get(base)
    if spec is None or bool(colon) != bool(spec.argument):
        raise DatasetError(f"Unknown dataset '{name}'. Choose one of: {', '.join(dataset_names())}.")
    return spec, argument


def load_dataset(name: str, split: str = "train", image_size: int = 0, grayscale: bool = False,
                 data_dir: str | Path | None = None) -> ImageDataset:
    """Load a named dataset split. ``image_size`` 0 keeps the dataset's own size. The
    augmented split's x makes each image when it is indexed (augmented.Images)."""
    _check_split(split)
    find(name)
    key = (name, int(image_size), bool(grayscale), str(data_dir or default_data_dir()))
    ds = _augmented(*key) if split == augmented.SPLIT else _load_cached(name, split, *key[1:])
    # Callers get their own tensor view; the cache keeps the shared copy untouched.
    return ImageDataset(ds.name, ds.split, ds.x, ds.y, ds.classes, ds.skipped)


def load_arrays(name: str, split: str = "train", image_size: int = 0,
                data_dir: str | Path | None = None) -> Arrays | None:
    """The split as uint8 numpy arrays, read without torch, for a dataset that has them
    (DatasetSpec.arrays) at this size; None otherwise (load_dataset reads it)."""
    _check_split(split)
    spec, _ = find(name)
    if spec.arrays is None or image_size not in (0, spec.image_shape[-1]) or split == augmented.SPLIT:
        return None
    return _arrays_cached(name, split, str(data_dir or default_data_dir()))


@functools.lru_cache(maxsize=4)
def _arrays_cached(name, split, data_dir) -> Arrays:
    spec, request = _request(name, split, 0, False, data_dir)
    return spec.arrays(request)


def open_split(name: str, split: str = "train", image_size: int = 0, grayscale: bool = False,
               data_dir: str | Path | None = None) -> Split | None:
    """A split with none of its images read yet, to be read one at a time; None for a
    dataset that is only ever read whole (the embedded and installed ones, all small)."""
    _check_split(split)
    if split == augmented.SPLIT:
        return augmented.as_split(load_dataset(name, split, image_size, grayscale, data_dir))
    spec, request = _request(name, split, image_size, grayscale, data_dir)
    return None if spec.stream is None else spec.stream(request)


def forget_loaded() -> None:
    """Drop the datasets kept in memory, so the next load_dataset() reads them again."""
    _load_cached.cache_clear()
    _arrays_cached.cache_clear()
    _augmented.cache_clear()


def _check_split(split: str) -> None:
    if split not in SPLITS and split != augmented.SPLIT:
        raise DatasetError(f"Unknown split '{split}'. Choose 'train', 'test' or '{augmented.SPLIT}'.")


def _request(name, split, image_size, grayscale, data_dir) -> tuple[DatasetSpec, Request]:
    spec, argument = find(name)
    size = image_size or spec.default_size
    return spec, Request(name, split, size, grayscale, Path(data_dir or default_data_dir()), argument)


@functools.lru_cache(maxsize=4)
def _augmented(name, image_size, grayscale, data_dir) -> ImageDataset:
    splits = [load_dataset(name, s, image_size, grayscale, data_dir) for s in SPLITS]
    return augmented.augmented(*splits, mirrors=find(name)[0].mirrors)


@functools.lru_cache(maxsize=16)
def _load_cached(name, split, image_size, grayscale, data_dir) -> ImageDataset:
    spec, request = _request(name, split, image_size, grayscale, data_dir)
    ds = spec.load(request)
    # A dataset of one fixed size is resized here; one that cuts or reads at a size already is.
    if image_size and not spec.default_size and ds.x.shape[-1] != image_size:
        ds.x = resize(ds.x, image_size)
    ds.x = ds.x.contiguous()
    return ds


__all__ = ["AUGMENTED", "DATASETS", "EXAMPLE_PHOTOS", "SPLITS", "Arrays", "DatasetError", "DatasetSpec", "ImageDataset", "Request",
           "Split", "center_square", "corrupt", "dataset_names", "default_data_dir", "example_photo", "find",
           "forget_loaded", "load_arrays", "load_dataset", "open_split", "photo_patches", "photo_squares", "register",
           "resize", "to_gray"]
