"""Real colour photographs from Debian packages, read where apt-get put them, never copied.

About 340 free-licensed photos (GCompris' Wikimedia photos inside its Qt resource bundles,
the photo wallpapers of Lomiri, MATE, Palapeli and KDE Plasma, Tux Paint's photo templates
and backgrounds, and the sample photos inside scikit-image and scikit-learn, which aeviz
depends on) make the debian-photos dataset; photo_sources.py lists them with their licences.
Each photo belongs to a group, its package and series or subject folder; the test split holds
out whole groups, so no test photo shares a package series or a subject folder with a training
photo. Decoded photos (long side at most MAX_SIDE) are cached as one .npz in the data folder,
rebuilt when an installed file changes.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import lazy
from ..safefile import write_atomic
from .base import DatasetError, DatasetSpec, ImageDataset, default_data_dir
from .embedded import photo_patches, photo_squares
from .photo_sources import FREE, GCOMPRIS_FOLDERS, GCOMPRIS_ONLY, PHOTO_FILES, PYTHON_PACKAGES
from .qrc import QrcBundle, QrcError

torch = lazy.module("torch")  # imported on first use (lazy.py)

SHARE = Path("/usr/share")  # where the Debian packages put their files; tests point it elsewhere
SITE: Path | None = None    # the folder holding the Python packages; None: where Python imports them from
PACKAGES = ("gcompris-qt-data", "lomiri-wallpapers-16.04", "mate-backgrounds", "palapeli-data",
            "plasma-workspace-wallpapers", "tuxpaint-data")
INSTALL = f"sudo apt-get install --no-install-recommends {' '.join(PACKAGES)}"
PIP_INSTALL = f"pip install {' '.join(PYTHON_PACKAGES)}"
MAX_SIDE = 512           # long side of a cached photo, in pixels: bounds memory (~100 MB in all)
CACHE_FORMAT = 2         # bump when what the cache holds changes
TEST_SHARE = (0.15, 0.20)  # the held-out groups hold between these shares of the photos
# The train split of debian-scenes sees each photo at these zooms (short side size * zoom).
# On the whole-photo squares alone (~1,150 from ~240 photos) a colorizer's error on photos of
# unseen subjects stops falling after two epochs while its training loss goes on falling; the
# closer views give 11x the squares, and that error ends 12% lower (benchmarks/colorizer_validation.py).
TRAIN_ZOOMS = (1, 1.5, 2)
# The groups of the dashboard's example photos (datasets.EXAMPLE_PHOTOS: chelsea, flower),
# which the Colorize and Denoise pages call never seen in training: always in the test split.
ALWAYS_HELD_OUT = ("scikit-image/data", "scikit-learn/images")
SPLIT_SEED = 1           # its draw then holds out Palapeli's whole package and four series


@dataclass(frozen=True)
class Photo:
    key: str          # package:path, unique and stable
    group: str        # package/series-or-subject: the unit the split holds out
    credit: str       # author and licence, as the package states them
    pixels: np.ndarray  # (H, W, 3) uint8, long side at most MAX_SIDE


def photos(split: str | None = None) -> list[Photo]:
    """The collection, or one split of it ("train" or "test"), in a fixed order."""
    everything = _collection(_stamp(_source_files()))
    if split is None:
        return list(everything)
    test = held_out_groups(_group_sizes(everything))
    return [p for p in everything if (p.group in test) == (split == "test")]


def patches(split: str, patch: int = 32):
    """The debian-photos dataset: patch x patch RGB tiles, side by side (no overlap, no mirrored
    copies: ~280 train photos give enough, and ~10,000 train tiles already take 120 MB), each photo
    shrunk so its long side is 8 patches; label i is the split's photo i, named in classes."""
    chosen = photos(split)
    tiles = [photo_patches(p.pixels, patch, patch) for p in chosen]
    labels = torch.cat([torch.full((len(t),), i, dtype=torch.int64) for i, t in enumerate(tiles)])
    return ImageDataset("debian-photos", split, torch.cat(tiles), labels, [p.key for p in chosen])


def scenes(split: str, size: int = 64):
    """The debian-scenes dataset: whole photos, for a colorizer, which needs the whole scene
    (a 32-pixel patch of sky or of a yellow wall look alike in gray). Each photo is shrunk so
    its short side is `size`, then cut into size x size squares half a square apart along its
    long side. The train split adds closer views (the photo shrunk less, cut both ways) and
    mirrored copies of all. Label i is the split's photo i."""
    chosen = photos(split)
    zooms = TRAIN_ZOOMS if split == "train" else (1,)
    squares = [torch.cat([photo_squares(p.pixels, size, round(size * z)) for z in zooms]) for p in chosen]
    if split == "train":  # mirrored copies: twice the scenes, and the colors stay true
        squares = [torch.cat([s, s.flip(-1)]) for s in squares]
    labels = torch.cat([torch.full((len(s),), i, dtype=torch.int64) for i, s in enumerate(squares)])
    return ImageDataset("debian-scenes", split, torch.cat(squares), labels, [p.key for p in chosen])


def held_out_photo(key: str) -> torch.Tensor:
    """One whole test photo as a (3, H, W) float tensor in [0, 1], for whole-photo evaluation."""
    for p in photos("test"):
        if p.key == key:
            return torch.from_numpy(p.pixels.copy()).permute(2, 0, 1).float() / 255.0
    raise DatasetError(f"'{key}' is not a test photo of debian-photos; "
                       "see aeviz.datasets.debian_photos.photos('test').")


def held_out_groups(sizes: dict[str, int], share=TEST_SHARE, seed: int = SPLIT_SEED,
                    always=ALWAYS_HELD_OUT) -> set[str]:
    """Whole groups for the test split: the `always` groups present, then the sorted group
    names in a seeded random order, each taken while the test split stays under share[1] of
    the photos, until it holds share[0]."""
    total = sum(sizes.values())
    chosen = {g for g in always if g in sizes}
    held = sum(sizes[g] for g in chosen)
    for group in np.random.default_rng(seed).permutation(sorted(sizes)):
        if held >= share[0] * total:
            break
        if group not in chosen and held + sizes[group] <= share[1] * total:
            chosen.add(str(group))
            held += sizes[group]
    return chosen


def _group_sizes(items) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for p in items:
        sizes[p.group] = sizes.get(p.group, 0) + 1
    return sizes


def _source_files() -> dict[str, list[Path]]:
    """Every installed file the collection reads, by package; raises when a package is missing."""
    files = {"gcompris-qt-data": [SHARE / "gcompris-qt/rcc" / f"{name}.rcc" for name in GCOMPRIS_FOLDERS]}
    for package, table in PHOTO_FILES.values():
        root = _root(package)
        files.setdefault(package, []).extend(root / rel for rel in table if root)
    missing = [pkg for pkg, paths in files.items() if not paths or not all(p.is_file() for p in paths)]
    if missing:
        debian = [pkg for pkg in missing if pkg not in PYTHON_PACKAGES]
        python = [pkg for pkg in missing if pkg in PYTHON_PACKAGES]
        needs = [f"Debian's {', '.join(debian)}"] * bool(debian) + [f"Python's {', '.join(python)}"] * bool(python)
        how = [f"`{INSTALL}`"] * bool(debian) + [f"`{PIP_INSTALL}`"] * bool(python)
        raise DatasetError(f"The debian-photos dataset needs {' and '.join(needs)}: install them with "
                           f"{' and '.join(how)} (or run `bash scripts/setup.sh --test`).")
    return files


def _root(package: str) -> Path | None:
    """The folder a package's photo files are named from: SHARE for a Debian package; for a
    Python package, the folder holding its folder (site-packages), or None if it is not installed."""
    if package not in PYTHON_PACKAGES:
        return SHARE
    if SITE is not None:
        return SITE
    spec = importlib.util.find_spec(PYTHON_PACKAGES[package])  # finds it without importing it
    return Path(spec.origin).parents[1] if spec and spec.origin else None


def _stamp(files: dict[str, list[Path]]) -> str:
    """Names what the cache was made from: a package upgrade changes it, and the cache is rebuilt."""
    seen = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for paths in files.values() for p in paths]
    return hashlib.sha256(repr((CACHE_FORMAT, MAX_SIDE, seen)).encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _collection(stamp: str) -> tuple[Photo, ...]:
    cached = default_data_dir() / "debian-photos.npz"
    with contextlib.suppress(OSError, ValueError, KeyError), np.load(cached, allow_pickle=False) as f:
        if str(f["stamp"]) == stamp:
            return _unpack(f)
    try:
        found = tuple(_decode_all())
    except (QrcError, OSError) as exc:  # a damaged install (Pillow's decode errors are OSErrors)
        raise DatasetError(f"Could not read the debian-photos files ({str(exc).rstrip('.')}); reinstall them "
                           f"with `{INSTALL} --reinstall`.") from None
    with contextlib.suppress(OSError):  # a read-only data folder: decode again next time
        write_atomic(cached, lambda f: np.savez(f, stamp=stamp, **_pack(found)), "the photo cache")
    return found


def _decode_all():
    for key, group, credit, data in [*_gcompris(), *_photo_files()]:
        pixels = _decode(data)
        # A black-and-white picture (R = G = B, give or take JPEG noise) teaches a colorizer
        # nothing: one GCompris monument is one. Near-gray colour photos (swans on dark water:
        # 0.6 levels) stay.
        spread = np.abs(np.diff(pixels.astype(np.int16), axis=2)).mean()
        if spread >= 0.2:
            yield Photo(key, group, credit, pixels)


def _decode(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale, far sooner
        im = im.convert("RGB")
        im.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        return np.asarray(im, dtype=np.uint8)


def _gcompris():
    """(key, group, credit, bytes) of each photo in the listed folders that its README licenses."""
    for activity, folders in GCOMPRIS_FOLDERS.items():
        bundle = QrcBundle.open(SHARE / "gcompris-qt/rcc" / f"{activity}.rcc")
        names, taken = bundle.names(), re.compile(GCOMPRIS_ONLY.get(activity, r".+\.webp"))
        for folder, subject in folders.items():
            base = f"gcompris/src/activities/{activity}/resource" + (f"/{folder}" if folder else "")
            credits = _readme_credits(bundle, base) if f"{base}/README" in names else {}
            for name in names:
                rel = name[len(base) + 1:]
                if name.startswith(base + "/") and taken.fullmatch(rel) and rel in credits:
                    yield f"gcompris-qt-data:{name}", f"gcompris-qt-data/{subject}", credits[rel], bundle.read(name)


def _readme_credits(bundle: QrcBundle, base: str) -> dict[str, str]:
    """{file: "author, licence"} for the freely licensed photos a GCompris README names. Its
    stanzas are "Copyright:", "Source:", "License:", "Comment:" and "Files:" lines and the file
    names, a blank line between; a comment names the photo a picture was made from, or says it
    is a painting."""
    try:
        text = bundle.read(f"{base}/README").decode("utf-8", "replace")
    except QrcError:
        return {}
    credits = {}
    for stanza in re.split(r"\n\s*\n", text):
        fields = dict(re.findall(r"^(Copyright|License|Comment):[ \t]*(.*)$", stanza, re.MULTILINE))
        # The files: on the "Files:" line and the lines of no field (details' README leaves "Files:" out)
        files = [name for line in stanza.splitlines() if line.startswith("Files:") or not re.match(r"\w+:", line)
                 for name in line.removeprefix("Files:").split()]
        licence, comment = fields.get("License", "").strip(), fields.get("Comment", "").strip()
        if FREE.search(licence) and "painting" not in comment.lower():
            after = re.sub(r",? source at .*", "", comment)  # the original's author and licence, not its URL
            for name in files:
                credits[name] = f"{fields.get('Copyright', '').strip()}, {licence}" + (f" ({after})" if after else "")
    return credits


def _photo_files():
    for group, (package, table) in PHOTO_FILES.items():
        root = _root(package)
        for rel, (author, licence) in table.items():
            yield f"{package}:{rel}", group, f"{author}, {licence}", (root / rel).read_bytes()


def _pack(items) -> dict[str, np.ndarray]:
    return {"pixels": np.concatenate([p.pixels.ravel() for p in items]),
            "shapes": np.array([p.pixels.shape for p in items], dtype=np.int64),
            "keys": np.array([p.key for p in items]), "groups": np.array([p.group for p in items]),
            "credits": np.array([p.credit for p in items])}


def _unpack(f) -> tuple[Photo, ...]:
    pixels, shapes = f["pixels"], f["shapes"]
    ends = np.cumsum([int(np.prod(s)) for s in shapes])
    return tuple(Photo(str(k), str(g), str(c), pixels[end - int(np.prod(s)):end].reshape(s))
                 for k, g, c, s, end in zip(f["keys"], f["groups"], f["credits"], shapes, ends))


DATASETS = {
    "debian-photos": DatasetSpec(lambda r: patches(r.split, r.size),
                                 "patches of ~340 real photos from Debian packages (setup.sh --test) and "
                                 "scikit-image/-learn; test: held-out series",
                                 (3, 32, 32), "installed", default_size=32),
    "debian-scenes": DatasetSpec(lambda r: scenes(r.split, r.size),
                                 "the same photos whole, in squares of their short side, for colorizers; "
                                 "test: held-out series", (3, 64, 64), "installed", default_size=64),
}
