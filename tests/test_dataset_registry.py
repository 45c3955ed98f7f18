"""The dataset registry is the one place that knows the datasets: every entry loads as its
spec says (image shape, pixels in [0, 1], a test split smaller than the train split, any
size asked for), or, when it needs a download or packages that are missing, fails in one
sentence saying what to do; and a dataset registered there shows up in the CLI, on the
Train page and in load_dataset with no other edit."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from support.pages import open_page

from aeviz import DatasetError, datasets, load_dataset
from aeviz.cli import main
from aeviz.datasets import DATASETS, DatasetSpec, ImageDataset, torchvision_sets

# The installed photos take seconds to decode (once per data folder): the slow tier.
ENTRIES = [pytest.param(name, marks=[pytest.mark.slow] if DATASETS[name].source == "installed" else [])
           for name in sorted(DATASETS)]


def one_sentence(message: str) -> bool:
    return message.endswith(".") and "\n" not in message and not re.search(r"[.!?]\s+[A-Z]", message)


def picture_folder(root):
    """20 small PNGs in two classes, for an entry that takes a folder's PATH."""
    rng = np.random.default_rng(0)
    for label, base in (("dark", 40), ("bright", 200)):
        (root / label).mkdir(parents=True)
        for i in range(10):
            pixels = np.clip(base + rng.normal(0, 30, (20, 30, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / label / f"{i}.png")
    return root


@pytest.fixture
def no_network(monkeypatch):
    """Every torchvision download fails as it does offline, and no Debian copy stands in."""
    import torchvision.datasets as tvd

    def offline(self, *args, **kwargs):
        raise OSError("[Errno -3] Temporary failure in name resolution")

    for cls in (tvd.MNIST, tvd.CIFAR10, tvd.SVHN):
        monkeypatch.setattr(cls, "download", offline)
    monkeypatch.setattr(torchvision_sets, "DEBIAN_PACKAGES", {})


@pytest.mark.parametrize("name", ENTRIES)
def test_every_dataset_loads_as_its_spec_says_or_says_what_to_do(name, tmp_path, no_network):
    spec = DATASETS[name]
    full = f"{name}:{picture_folder(tmp_path / 'pictures')}" if spec.argument else name
    if not spec.offline:
        with pytest.raises(DatasetError) as info:
            load_dataset(full, "test", data_dir=tmp_path / "data")
        message = str(info.value)
        assert one_sentence(message) and name in message and str(tmp_path / "data") in message, message
        return
    try:
        train, test = load_dataset(full, "train"), load_dataset(full, "test")
    except DatasetError as exc:  # the Debian packages are not installed here: the message says how
        assert spec.source == "installed" and "apt-get install" in str(exc) and one_sentence(str(exc)), exc
        return
    for ds in (train, test):
        assert ds.image_shape == spec.image_shape and ds.x.dtype == torch.float32
        assert 0.0 <= float(ds.x.min()) and float(ds.x.max()) <= 1.0
        assert ds.y is None or (len(ds.y) == len(ds) and (not ds.classes or int(ds.y.max()) < len(ds.classes)))
    assert 0 < len(test) < len(train)
    assert load_dataset(full, "test", image_size=12).image_shape == (spec.image_shape[0], 12, 12)


@pytest.fixture
def squares():
    """A small extra dataset: a bright square on black, at a different place in each image."""
    def load(request):
        n = 40 if request.split == "train" else 10
        x = torch.zeros(n, 1, 10, 10)
        for i in range(n):
            x[i, 0, i % 7:i % 7 + 3, i // 7 % 7:i // 7 % 7 + 3] = 1.0
        return ImageDataset("squares", request.split, x, torch.arange(n) % 2, ["left", "right"])

    datasets.register("squares", DatasetSpec(load, "a test-only set of white squares", (1, 10, 10), "embedded"))
    yield "squares"
    del DATASETS["squares"]
    datasets.forget_loaded()


def test_a_registered_dataset_appears_in_the_cli_the_train_page_and_load_dataset(squares, capsys):
    assert main(["datasets"]) == 0
    listed = capsys.readouterr().out
    assert re.search(r"^squares\s+1x10x10\s+embedded\s+a test-only set of white squares$", listed, re.M), listed
    assert squares in open_page("views/train.py").selectbox(key="tr_dataset").options
    assert load_dataset(squares, "test").image_shape == (1, 10, 10)
    assert load_dataset(squares, "test", image_size=20).image_shape == (1, 20, 20)  # resized: it has one size


@pytest.mark.parametrize("name", ["folder", "squares", "mnist5k:extra", "two words"])
def test_a_name_the_registry_does_not_know_names_the_valid_ones(name):
    with pytest.raises(DatasetError, match=r"^Unknown dataset .*folder:PATH\.$"):
        load_dataset(name)


@pytest.mark.parametrize("name", ["squares:x", "two words", ""])
def test_a_dataset_is_registered_under_a_plain_name(name):
    with pytest.raises(ValueError, match="letters, digits"):
        datasets.register(name, DATASETS["digits"])
    assert name not in DATASETS


def test_no_code_outside_the_datasets_package_branches_on_a_dataset_name():
    names = "|".join(re.escape(n) for n in [*DATASETS, "folder:"])
    branch = re.compile(rf"""^\s*(if|elif)\b.*((==|!=|\bin\b)\s*\(?\s*["']({names})|startswith\(["']({names}))""")
    root = Path(datasets.__file__).resolve().parent.parent
    offenders = [f"{path.relative_to(root)}:{n}: {line.strip()}"
                 for path in root.rglob("*.py") if "datasets" not in path.relative_to(root).parts[:1]
                 for n, line in enumerate(path.read_text().splitlines(), 1) if branch.search(line)]
    assert offenders == []
