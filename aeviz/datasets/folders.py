"""A user's own images: `folder:PATH`, any common format and size, subfolders as classes
(as in torchvision's ImageFolder), each image's center square resized. The split hashes
each file's name, so adding a file never moves another across splits."""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from .. import lazy
from ..images import ImageError, decode_image
from .base import DatasetError, DatasetSpec, ImageDataset, Request, Split, center_square

torch = lazy.module("torch")  # imported on first use (lazy.py)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


def load(request: Request) -> ImageDataset:
    path = request.argument
    files, labels, class_names = folder_files(path, request.split)
    images, kept, skipped = [], [], 0
    for p, label in zip(files, labels):
        try:
            images.append(read_image(p, request.size, request.grayscale))
        except DatasetError:
            skipped += 1
            continue
        kept.append(label)
    if not images:
        raise DatasetError(f"None of the {len(files)} image files in '{path}' could be read.")
    return ImageDataset(request.name, request.split, torch.stack(images), torch.tensor(kept), class_names, skipped)


def open_split(request: Request) -> Split:
    """The split with none of its images read: each is read and resized when asked for."""
    files, labels, classes = folder_files(request.argument, request.split)
    shape = (1 if request.grayscale else 3, request.size, request.size)
    return Split(request.name, torch.tensor(labels), classes, shape, _FromFiles(files, request.size, request.grayscale))


def folder_files(path: str, split: str) -> tuple[list[Path], list[int], list[str]]:
    """The image files of a folder dataset's split, their class numbers and the class names,
    without reading a single image."""
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
    in_test = [int(hashlib.md5(p.relative_to(root).as_posix().encode()).hexdigest(), 16) % 5 == 0 for p in files]
    chosen = [p for p, t in zip(files, in_test) if t == (split == "test")] or files
    labels = [class_names.index(p.parent.relative_to(root).as_posix()) for p in chosen]
    return chosen, labels, class_names


def read_image(p: Path, size: int, grayscale: bool) -> torch.Tensor:
    """One image of a folder dataset, (C, size, size) in [0, 1]; a DatasetError if unreadable."""
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


@dataclasses.dataclass
class _FromFiles:  # picklable, for workers that are spawned rather than forked
    files: list
    size: int
    grayscale: bool

    def __call__(self, i: int) -> torch.Tensor:
        return read_image(self.files[i], self.size, self.grayscale)


DATASETS = {
    "folder": DatasetSpec(load, "your own images in PATH (subfolders are classes), resized to --image-size",
                          (3, 64, 64), "folder", default_size=64, stream=open_split, argument="PATH"),
}
