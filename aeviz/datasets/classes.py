"""Classes left out of training (TrainConfig.exclude_classes): which datasets have classes
to leave out, the check of a config's choice, and its training images without them.

A model trained without the 7s meets them first in the test split, which still holds every
class: that is how aeviz.applications measures anomaly detection on a user's own model."""
from __future__ import annotations

import dataclasses

import numpy as np

from . import load_dataset
from .base import DatasetError, ImageDataset


def label_problem(train: ImageDataset, test: ImageDataset) -> str | None:
    """Why the dataset's labels cannot serve as classes, in a few words; None when they can:
    both splits labelled, with one list of at least two classes."""
    if train.y is None or test.y is None:
        return "it has no labels"
    if train.classes and test.classes and list(train.classes) != list(test.classes):
        return "its train and test splits hold different classes"
    if class_count(train, test) < 2:
        return "it has a single class"
    return None


def class_count(train: ImageDataset, test: ImageDataset) -> int:
    if train.classes:
        return len(train.classes)
    return int(max(int(train.y.max()), int(test.y.max()))) + 1


def class_names(ds: ImageDataset, classes) -> list[str]:
    return [ds.classes[c] if ds.classes and c < len(ds.classes) else str(c) for c in classes]


def leave_out(train: ImageDataset, test: ImageDataset, classes) -> ImageDataset:
    """The train split without the images of those classes; a class the dataset does not
    have, or a dataset without classes, is a DatasetError of one sentence."""
    keep = kept(train, test, classes)
    if keep is None:
        return train
    return dataclasses.replace(train, x=train.x[keep], y=train.y[keep])


def kept(train, test: ImageDataset, classes) -> np.ndarray | None:
    """Which training images stay when those classes are left out (a mask over train.y), or
    None when none are; the errors of leave_out. train needs only a name, y and classes, so
    a streamed split (streaming.py), whose images are never in memory, is checked alike."""
    classes = tuple(classes)
    if not classes:
        return None
    problem = label_problem(train, test)
    if problem:
        raise DatasetError(f"No class can be left out of {train.name}: {problem}; "
                           "leave out classes only on a labelled dataset such as mnist5k.")
    n = class_count(train, test)
    unknown = [c for c in classes if c >= n]
    if unknown:
        raise DatasetError(f"{train.name} has no class {unknown[0]}: its classes are numbered 0 to {n - 1}.")
    if len(classes) >= n:
        raise DatasetError(f"Leaving out all {n} classes of {train.name} leaves nothing to train on; leave out fewer.")
    return ~np.isin(train.y.numpy(), classes)


def training_images(cfg, data_dir=None) -> ImageDataset:
    """The images a config trains on: its dataset's train split less the classes it leaves out."""
    args = (cfg.image_size, cfg.grayscale, data_dir)
    return leave_out(load_dataset(cfg.dataset, "train", *args), load_dataset(cfg.dataset, "test", *args),
                     cfg.exclude_classes)
