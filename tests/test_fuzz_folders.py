"""Fuzzing folder datasets (`folder:PATH`, datasets/folders.py): generated folders whose
names (the folder's own, its subfolders', its files') hold any Unicode, with real images,
empty, corrupt and unreadable files, FIFOs, folders named like images, links to an image and a folder
outside, broken links and link loops. Each gives a dataset of only the images inside, the
rest counted as skipped, or one DatasetError sentence; nothing outside is ever read.
Seeded; the fuzz tests are in the slow tier (`pytest --all`). Counts: RELIABILITY.md."""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from PIL import Image

from aeviz.datasets import DatasetError, forget_loaded, load_dataset
from aeviz.datasets.folders import IMAGE_SUFFIXES
from support.files import encode
from support.fuzz import assert_one_sentence, fuzz, memory_bound

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

GREEN = encode(Image.new("RGB", (8, 8), (0, 255, 0)), "PNG")  # outside the folder: must never be read
GRAY = encode(Image.new("RGB", (8, 8), (90, 90, 90)), "PNG")  # every image inside is this gray
# any character a file name may hold: not "/" nor NUL, no lone surrogates (they have no bytes)
NAME = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1,
               max_size=12).filter(lambda s: s not in (".", ".."))
SUFFIX = st.sampled_from(sorted(IMAGE_SUFFIXES) + [".PNG", ".txt", ""])
KINDS = st.sampled_from(["image", "image", "empty", "garbage", "unreadable", "fifo", "dir", "link-out-image", "link-out-dir",
                         "broken-link", "loop", "link-in"])


def make(folder, name: str, kind: str, outside) -> None:
    p = folder / name
    try:
        if kind == "image":
            p.write_bytes(GRAY)
        elif kind == "empty":
            p.write_bytes(b"")
        elif kind == "garbage":
            p.write_bytes(GRAY[:40])  # a truncated PNG
        elif kind == "unreadable":  # refused to a normal user (root reads it regardless: then an image)
            p.write_bytes(GRAY)
            p.chmod(0)
        elif kind == "fifo":
            os.mkfifo(p)  # reading it would wait forever
        elif kind == "dir":
            (p / "inner.png").parent.mkdir(parents=True, exist_ok=True)
        else:
            target = {"link-out-image": outside / "green.png", "link-out-dir": outside, "broken-link": folder / "none",
                      "loop": p, "link-in": folder}[kind]
            p.symlink_to(target)
    except (OSError, UnicodeEncodeError):
        pass  # a name this file system refuses (too long in bytes): that entry is not made


@st.composite
def folders(draw):
    # the folder the user names: letters, digits, punctuation and symbols of any script, and
    # spaces (not control characters: the refusals quote the name as typed)
    root = draw(st.text(st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs"), blacklist_characters="/"),
                        min_size=1, max_size=12).filter(lambda s: s.strip(" .")))
    entries = draw(st.lists(st.tuples(st.lists(NAME, max_size=2), NAME, SUFFIX, KINDS), max_size=8))
    return root, entries, draw(st.sampled_from(["train", "test"])), draw(st.booleans())


@fuzz(600)
@given(folders())
def test_any_folder_gives_only_its_own_images_or_one_sentence(tmp_path_factory, case):
    root_name, entries, split, grayscale = case
    base = tmp_path_factory.mktemp("folders")
    outside = base / "outside"
    outside.mkdir()
    (outside / "green.png").write_bytes(GREEN)
    (outside / "green-too.png").write_bytes(GREEN)
    root = base / "data" / root_name
    try:
        root.mkdir(parents=True)
    except OSError:
        root = base / "data" / "plain"
        root.mkdir(parents=True)
    for subfolders, name, suffix, kind in entries:
        folder = root.joinpath(*subfolders)
        folder.mkdir(parents=True, exist_ok=True) if not folder.exists() else None
        if folder.is_dir():
            make(folder, name + suffix, kind, outside)
    try:
        with memory_bound(200):
            ds = load_dataset(f"folder:{root}", split, 16, grayscale)
    except DatasetError as exc:
        assert_one_sentence(str(exc))
        event("DatasetError")
        return
    finally:
        forget_loaded()  # every case is a new folder: the in-memory cache would keep them all
    x = ds.x.numpy()
    assert x.shape[1:] == ((1 if grayscale else 3), 16, 16) and np.isfinite(x).all()
    # every image read is the inside gray; the outside green would show as a channel spread
    assert np.abs(x - 90 / 255).max() < 0.02 if not grayscale else np.abs(x - x.mean()).max() < 0.02
    event(f"{len(ds)} images, {ds.skipped} skipped")


def test_a_folder_named_with_any_unicode_and_a_colon_loads(tmp_path):
    root = tmp_path / "ünï:cødé 📷\u200b"
    (root / "クラス").mkdir(parents=True)
    (root / "クラス" / "ゼロ.png").write_bytes(GRAY)
    (root / "line\nbreak.png").write_bytes(GRAY)
    ds = load_dataset(f"folder:{root}", "train", 16)
    forget_loaded()
    assert len(ds) == 2 and ds.skipped == 0 and sorted(ds.classes) == [".", "クラス"]
