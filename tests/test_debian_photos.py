"""The debian-photos dataset: the Qt resource reader, the split by source, the message when the
packages are missing, and (where they are installed) the dataset itself."""
from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch

import aeviz
from aeviz import DatasetError
from aeviz.datasets import debian_photos
from aeviz.datasets.qrc import QrcBundle, QrcError

# --- the .rcc reader, on a bundle built here --------------------------------------------------


def qt_hash(name: str) -> int:
    """Qt's qt_hash over UTF-16 code units: rcc sorts a folder's children by it."""
    h = 0
    for unit in struct.unpack(f">{len(name)}H", name.encode("utf-16-be")):
        h = (h << 4) + unit
        h ^= (h & 0xF0000000) >> 23
        h &= 0x0FFFFFFF
    return h


def make_rcc(folder: str, files: dict[str, tuple[bytes, bool]]) -> bytes:
    """A version-3 bundle as Qt's rcc writes it: header, data, names, then the tree of 22-byte
    nodes (root, the folder, its files sorted by name hash). files: name -> (content, zlib?)."""
    data, names, name_at = b"", b"", {}
    for name in (folder, *files):
        name_at[name] = len(names)
        names += struct.pack(">HI", len(name), qt_hash(name)) + name.encode("utf-16-be")
    children = sorted(files, key=qt_hash)
    file_nodes = b""
    for name in children:
        content, compress = files[name]
        payload = struct.pack(">I", len(content)) + zlib.compress(content) if compress else content
        file_nodes += struct.pack(">IHHHIQ", name_at[name], 0x01 if compress else 0, 0, 0, len(data), 0)
        data += struct.pack(">I", len(payload)) + payload
    tree = struct.pack(">IHIIQ", 0, 0x02, 1, 1, 0)                             # root: 1 child, node 1
    tree += struct.pack(">IHIIQ", name_at[folder], 0x02, len(files), 2, 0)     # folder: its files from node 2
    tree += file_nodes
    header_size = 24
    data_offset, names_offset = header_size, header_size + len(data)
    tree_offset = names_offset + len(names)
    header = b"qres" + struct.pack(">IIIII", 3, tree_offset, data_offset, names_offset, 0)
    return header + data + names + tree


def test_qrc_reads_compressed_and_stored_files():
    text, blob = b"a photo's credits, " * 40, bytes(range(256))
    bundle = QrcBundle(make_rcc("img", {"credits.txt": (text, True), "raw.bin": (blob, False)}))
    assert bundle.names() == ["img/credits.txt", "img/raw.bin"]
    assert bundle.read("img/credits.txt") == text
    assert bundle.read("img/raw.bin") == blob


@pytest.mark.parametrize("damage", ["not a bundle", "truncated"])
def test_qrc_refuses_a_damaged_bundle_in_one_sentence(damage):
    good = make_rcc("img", {"a.txt": (b"x" * 100, True)})
    bad = b"PK\x03\x04" + good[4:] if damage == "not a bundle" else good[:-30]
    with pytest.raises(QrcError, match=r"^bundle is .*\.$"):
        QrcBundle(bad)


# --- the split --------------------------------------------------------------------------------

SIZES = {"gcompris/animals": 57, "gcompris/monuments": 74, "gcompris/tools": 38, "gcompris/fishes": 28,
         "gcompris/renewable": 29, "gcompris/household": 17, "gcompris/music": 9, "lomiri": 13,
         "mate/nature": 9, "palapeli": 5, "plasma": 9}


def test_split_holds_out_whole_groups_deterministically():
    held = debian_photos.held_out_groups(SIZES)
    assert held == debian_photos.held_out_groups(dict(reversed(SIZES.items())))  # order given does not matter
    share = sum(SIZES[g] for g in held) / sum(SIZES.values())
    assert 0.15 <= share <= 0.20
    assert set(SIZES) - held  # training keeps some groups


# --- the packages missing -----------------------------------------------------------------------


@pytest.mark.parametrize("python_too", [False, True])
def test_missing_packages_say_how_to_install_them_in_one_sentence(monkeypatch, tmp_path, python_too):
    monkeypatch.setattr(debian_photos, "SHARE", tmp_path)
    if python_too:  # scikit-image's and scikit-learn's photos missing as well
        monkeypatch.setattr(debian_photos, "SITE", tmp_path / "site-packages")
    aeviz.datasets.forget_loaded()  # a dataset loaded earlier in the session is not the point
    with pytest.raises(DatasetError) as caught:
        aeviz.load_dataset("debian-photos", "train")
    message = str(caught.value)
    assert "apt-get install" in message and all(pkg in message for pkg in debian_photos.PACKAGES)
    assert ("pip install scikit-image scikit-learn" in message) == python_too, message
    assert message.endswith(".") and not re.search(r"[.!?]\s+[A-Z]", message), message  # one sentence


def test_a_damaged_install_says_to_reinstall_in_one_sentence(monkeypatch, tmp_path):
    """Every file where the packages put it, none of them readable."""
    monkeypatch.setattr(debian_photos, "SHARE", tmp_path)
    monkeypatch.setattr(debian_photos, "SITE", tmp_path / "site-packages")
    for package, table in debian_photos.PHOTO_FILES.values():
        for path in table:
            (debian_photos._root(package) / path).parent.mkdir(parents=True, exist_ok=True)
            (debian_photos._root(package) / path).write_bytes(b"not a photo")
    (tmp_path / "gcompris-qt/rcc").mkdir(parents=True)
    for activity in debian_photos.GCOMPRIS_FOLDERS:
        (tmp_path / "gcompris-qt/rcc" / f"{activity}.rcc").write_bytes(b"qres" + bytes(30))
    with pytest.raises(DatasetError) as caught:
        debian_photos.photos("train")
    message = str(caught.value)
    assert "--reinstall" in message and message.endswith(".") and not re.search(r"[.!?]\s+[A-Z]", message), message


# --- the sources, on a fake install -------------------------------------------------------------

GC = "gcompris/src/activities"
# Per bundle: the folder, then {file: content}; a README in GCompris' own layouts.
FAKE_BUNDLES = {
    "clickgame": (f"{GC}/clickgame/resource", {
        "README": "Copyright: xfishtank\nLicense: Public domain\nFiles:\nf00.webp\n\n"
                  "Copyright: Ruthven\nLicense: CC0-1.0\nSource: https://commons.wikimedia.org/x.jpg\n"
                  "Files:\nsea1.webp\n",
        "f00.webp": "photo", "sea1.webp": "photo"}),
    "details": (f"{GC}/details/resource/image", {  # this README leaves "Files:" out after its first stanzas
        "README": "Copyright: 2008 Bruno Coudoin and others\nLicense: CC-BY-SA 4.0\nNDP_0.webp\nNDP_background.webp\n"
                  "Comment: based on a photo by Sanchezn, license CC-BY-SA 3.0, source at https://x.org/NDP.jpg\n\n"
                  "Copyright: 2008 Bruno Coudoin and others\nLicense: Public domain\nGogh4_background.webp\n"
                  "Comment: based on an original painting by Van Gogh, Public domain image.\n",
        "NDP_0.webp": "photo", "NDP_background.webp": "photo", "Gogh4_background.webp": "photo"}),
    "explore_monuments": (f"{GC}/explore_monuments/resource", {
        "README": "Copyright: Someone\nLicense: CC0\nFiles: egypt/redPyramid.webp\n",
        "egypt/redPyramid.webp": "photo"}),
}


@pytest.fixture
def fake_install(monkeypatch, tmp_path):
    """Every file the collection reads, under tmp_path: a small photo for each listed file, the
    bundles above (the other activities' bundles hold no README), and an empty data folder."""
    from PIL import Image

    monkeypatch.setattr(debian_photos, "SHARE", tmp_path / "share")
    monkeypatch.setattr(debian_photos, "SITE", tmp_path / "site-packages")
    monkeypatch.setenv("AEVIZ_DATA_DIR", str(tmp_path / "data"))
    rng = np.random.default_rng(0)

    def photo() -> Image.Image:
        return Image.fromarray(rng.integers(0, 256, (24, 32, 3), dtype=np.uint8))

    def webp() -> bytes:
        out = io.BytesIO()
        photo().save(out, "WEBP")
        return out.getvalue()

    for package, table in debian_photos.PHOTO_FILES.values():
        for rel in table:
            path = debian_photos._root(package) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            photo().save(path)  # in the format its name says
    rcc = tmp_path / "share/gcompris-qt/rcc"
    rcc.mkdir(parents=True)
    for activity in debian_photos.GCOMPRIS_FOLDERS:
        folder, files = FAKE_BUNDLES.get(activity, (f"{GC}/{activity}", {"x.qml": "Item {}"}))
        content = {name: ((webp() if text == "photo" else text.encode()), True) for name, text in files.items()}
        (rcc / f"{activity}.rcc").write_bytes(make_rcc(folder, content))
    debian_photos._collection.cache_clear()
    yield
    debian_photos._collection.cache_clear()


def test_every_listed_photo_is_read_with_its_group_and_credit(fake_install):
    photos = {p.key.split(":", 1)[1]: p for p in debian_photos.photos()}
    listed = {rel: (group, f"{author}, {licence}") for group, (_, table) in debian_photos.PHOTO_FILES.items()
              for rel, (author, licence) in table.items()}
    assert {rel: (photos[rel].group, photos[rel].credit) for rel in listed} == listed
    assert photos["tuxpaint/templates/ocean_waves.jpg"].group == "tuxpaint-data/templates"
    assert photos["tuxpaint/starters/reef-back.png"].credit.endswith("public domain")
    assert photos["skimage/data/chelsea.png"].key == "scikit-image:skimage/data/chelsea.png"  # read from SITE
    assert photos["sklearn/datasets/images/flower.jpg"].group == "scikit-learn/images"


def test_bundles_give_only_their_licensed_photos(fake_install):
    """Not clickgame's drawn fish, not the pieces details cuts out, not its paintings; details'
    backgrounds in the same group as explore_monuments' photos of the same monuments."""
    gcompris = {p.key.split(":", 1)[1]: p for p in debian_photos.photos() if p.key.startswith("gcompris-qt-data:")}
    assert set(gcompris) == {f"{GC}/clickgame/resource/sea1.webp", f"{GC}/details/resource/image/NDP_background.webp",
                             f"{GC}/explore_monuments/resource/egypt/redPyramid.webp"}
    ndp = gcompris[f"{GC}/details/resource/image/NDP_background.webp"]
    pyramid = gcompris[f"{GC}/explore_monuments/resource/egypt/redPyramid.webp"]
    assert ndp.group == pyramid.group == "gcompris-qt-data/monuments"
    assert "Sanchezn" in ndp.credit and "CC-BY-SA 4.0" in ndp.credit and "https" not in ndp.credit
    assert gcompris[f"{GC}/clickgame/resource/sea1.webp"].group == "gcompris-qt-data/underwater"


def test_the_split_holds_out_whole_sources_of_the_collection(fake_install):
    train, test = debian_photos.photos("train"), debian_photos.photos("test")
    assert len(train) + len(test) == len(debian_photos.photos()) and train and test
    assert not {p.group for p in train} & {p.group for p in test}


def test_every_source_is_installed_by_the_command_the_message_gives():
    for package, table in debian_photos.PHOTO_FILES.values():
        assert package in debian_photos.PACKAGES or package in debian_photos.PYTHON_PACKAGES, package
        assert all(author and debian_photos.FREE.search(licence) for author, licence in table.values()), package
    setup = (Path(__file__).parents[1] / "scripts/setup.sh").read_text()
    assert all(f"{pkg}:" in setup for pkg in debian_photos.PACKAGES)  # setup.sh --test installs each


def test_debian_photos_is_a_named_dataset():
    assert {"debian-photos", "debian-scenes"} <= set(aeviz.datasets.dataset_names())


def test_scenes_are_whole_photos_cut_along_their_long_side():
    wide = np.zeros((100, 250, 3), np.uint8)
    wide[:, :, 0] = np.arange(250, dtype=np.uint8)[None]  # red rises left to right
    squares = aeviz.datasets.photo_squares(wide, 40)  # shrunk to 40 x 100: squares at 0, 20, 40, 60
    assert squares.shape == (4, 3, 40, 40)
    assert float(squares[0, 0, :, 0].mean()) < 0.05 and float(squares[-1, 0, :, -1].mean()) > 0.9  # both ends
    tall = aeviz.datasets.photo_squares(wide.transpose(1, 0, 2), 40)
    assert torch.allclose(tall, squares.transpose(-1, -2))


def test_a_closer_view_is_cut_both_ways():
    photo = np.zeros((100, 250, 3), np.uint8)
    photo[:, :, 0] = np.arange(250, dtype=np.uint8)[None]   # red rises left to right
    photo[:, :, 1] = np.arange(100, dtype=np.uint8)[:, None]  # green top to bottom
    squares = aeviz.datasets.photo_squares(photo, 40, short=80)  # 80 x 200: rows 0, 20, 40; columns 0, 20, .., 160
    assert squares.shape == (3 * 9, 3, 40, 40)
    first, last = squares[0], squares[-1]
    assert float(first[0, :, 0].mean()) < 0.05 and float(first[1, 0].mean()) < 0.05      # the top left corner
    assert float(last[0, :, -1].mean()) > 0.9 and float(last[1, -1].mean()) > 100 / 255 * 0.9  # the bottom right
    assert torch.equal(aeviz.datasets.photo_squares(photo, 40, short=40), aeviz.datasets.photo_squares(photo, 40))


# --- the dataset, where the packages are installed ----------------------------------------------

def installed() -> bool:
    try:
        debian_photos._source_files()
    except DatasetError:
        return False
    return True


needs_packages = pytest.mark.skipif(not installed(), reason=f"the photo packages are not installed: {debian_photos.INSTALL}")


@pytest.mark.slow  # decodes ~290 photos once per session (about 10 s), then reads its cache
@needs_packages
def test_real_photos_split_by_source():
    aeviz.datasets.forget_loaded()
    test, train = aeviz.load_dataset("debian-photos", "test"), aeviz.load_dataset("debian-photos", "train")
    for ds in (test, train):
        assert ds.x.shape[1:] == (3, 32, 32) and len(ds) > 0 and ds.x.dtype == torch.float32
        assert 0.0 <= float(ds.x.min()) and float(ds.x.max()) <= 1.0
        assert len(ds.classes) == int(ds.y.max()) + 1  # a label names the photo a patch came from
    assert not set(test.classes) & set(train.classes)
    test_photos, train_photos = debian_photos.photos("test"), debian_photos.photos("train")
    assert not {p.group for p in test_photos} & {p.group for p in train_photos}
    assert 0.15 <= len(test_photos) / (len(test_photos) + len(train_photos)) <= 0.20
    # some whole package is held out: none of its photos trains
    packages = {p.key.split(":")[0] for p in train_photos}
    assert {p.key.split(":")[0] for p in test_photos} - packages
    # GCompris' details shows the monuments explore_monuments does: the same group, on the same side
    everything = test_photos + train_photos
    assert {p.group for p in everything if "/details/" in p.key} == {"gcompris-qt-data/monuments"}
    assert {p.key.split(":")[0] for p in everything} == {*debian_photos.PACKAGES, *debian_photos.PYTHON_PACKAGES}
    scenes = {s: aeviz.load_dataset("debian-scenes", s) for s in ("train", "test")}
    assert scenes["test"].classes == test.classes and scenes["train"].classes == train.classes
    first = scenes["train"].x[scenes["train"].y == 0]
    assert scenes["train"].x.shape[1:] == (3, 64, 64) and len(first) % 2 == 0
    assert torch.equal(first[len(first) // 2:], first[:len(first) // 2].flip(-1))  # mirrored copies in train
    views = [aeviz.datasets.photo_squares(train_photos[0].pixels, 64, round(64 * z)) for z in debian_photos.TRAIN_ZOOMS]
    assert len(first) == 2 * sum(map(len, views)) and len(views[-1]) > len(views[0])  # closer views in train
    whole = aeviz.datasets.photo_squares(test_photos[0].pixels, 64)
    assert torch.equal(scenes["test"].x[scenes["test"].y == 0], whole)  # test: the whole photo only
    for p in test_photos + train_photos:
        assert p.pixels.dtype == np.uint8 and p.pixels.ndim == 3 and p.pixels.shape[2] == 3
        assert max(p.pixels.shape[:2]) <= debian_photos.MAX_SIDE and p.credit


@pytest.mark.slow
@needs_packages
def test_a_whole_held_out_photo_and_the_cache():
    first = debian_photos.photos("test")[0]
    photo = debian_photos.held_out_photo(first.key)
    assert photo.shape == (3, *first.pixels.shape[:2]) and 0.0 <= float(photo.min()) <= float(photo.max()) <= 1.0
    with pytest.raises(DatasetError, match="not a test photo"):
        debian_photos.held_out_photo(debian_photos.photos("train")[0].key)
    debian_photos._collection.cache_clear()  # read again, from the .npz in the data folder
    again = debian_photos.photos("test")
    assert [p.key for p in again] == [p.key for p in debian_photos.photos("test")]
    assert (again[0].pixels == first.pixels).all()
