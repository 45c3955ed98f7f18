"""The augmented split (aeviz/datasets/augmented.py): every train and test image in 15 seeded
versions, each made when indexed and never held; read the same way by a slice, a list, one
number or a streamed read; and measured a chunk at a time (evaluation/per_image.py)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import aeviz
from aeviz import datasets, models
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.datasets import AUGMENTED, augmented
from aeviz.evaluation import per_image

SMALL = ("digits", "mnist5k")  # offline datasets of the registry, small enough for the fast tier


@pytest.mark.parametrize("name", SMALL)
def test_the_set_is_every_image_in_15_versions_the_first_as_they_are(name):
    train, test = (aeviz.load_dataset(name, s) for s in ("train", "test"))
    ds = aeviz.load_dataset(name, AUGMENTED)
    base = len(train) + len(test)
    assert len(ds) == len(ds.x) == augmented.VERSIONS * base
    assert ds.x.shape == (len(ds), *train.x.shape[1:]) and ds.classes == train.classes
    assert torch.equal(ds.y, torch.cat([train.y, test.y]).repeat(augmented.VERSIONS))
    assert torch.equal(ds.x[:len(train)], train.x) and torch.equal(ds.x[len(train):base], test.x)
    turned = ds.x[base:2 * base]
    assert turned.shape == (base, *train.x.shape[1:]) and 0 <= turned.min() and turned.max() <= 1
    assert not torch.equal(turned, ds.x[:base]), "version 1 is not the images as they are"
    assert not torch.equal(turned, ds.x[2 * base:3 * base]), "two versions drew the same augmentations"


def test_an_image_is_the_same_however_it_is_asked_for_and_in_every_load():
    ds = aeviz.load_dataset("digits", AUGMENTED)
    picks = [len(ds) - 1, 5, 3 * len(ds) // 7, 5]
    one = torch.stack([ds.x[i] for i in picks])
    assert torch.equal(one, ds.x[picks]) and torch.equal(one, ds.x[np.array(picks)])
    assert torch.equal(one, ds.x[torch.tensor(picks)])
    assert torch.equal(ds.x[-1], ds.x[len(ds) - 1])
    assert torch.equal(ds.x[100:110], ds.x[list(range(100, 110))])
    mask = np.zeros(len(ds), bool)
    mask[picks] = True
    assert torch.equal(ds.x[mask], ds.x[sorted(set(picks))])
    datasets.forget_loaded()  # made again from nothing: the draws come from the index alone
    assert torch.equal(aeviz.load_dataset("digits", AUGMENTED).x[picks], one)
    assert torch.equal(datasets.open_split("digits", AUGMENTED).read(picks[2]), one[2])


def test_an_image_number_past_the_set_is_an_index_error():
    x = aeviz.load_dataset("digits", AUGMENTED).x
    for bad in (len(x), -len(x) - 1):
        with pytest.raises(IndexError):
            x[bad]
    with pytest.raises(IndexError):
        x[[0, len(x)]]
    assert x[[]].shape == (0, *x.shape[1:])


@pytest.mark.parametrize("name", datasets.DATASETS)
def test_only_a_dataset_whose_images_look_alike_mirrored_is_flipped(name):
    """Digits, letters and house numbers read wrong mirrored; clothes and objects do not."""
    spec = datasets.DATASETS[name]
    base = 1000
    theta = augmented.transforms(np.arange(base, 3 * base), base, spec.mirrors).numpy()
    flipped = np.sign(theta[:, 0, 0]) != np.sign(theta[:, 1, 1])  # cos carries the flip, the turn is small
    assert flipped.any() == spec.mirrors
    if spec.mirrors:
        assert 0.4 < flipped.mean() < 0.6
    assert np.all(np.abs(theta[:, :, 2]) <= 2 * augmented.MAX_SHIFT + 1e-6)


def test_version_0_is_the_identity():
    theta = augmented.transforms(np.arange(10), 10, True)
    assert torch.equal(theta, torch.tensor([[1.0, 0, 0], [0, 1, 0]]).expand(10, 2, 3))


def test_the_split_name_is_checked_in_one_sentence():
    with pytest.raises(datasets.DatasetError, match="Choose 'train', 'test' or 'augmented'"):
        aeviz.load_dataset("digits", "validation")
    assert datasets.load_arrays("mnist5k", AUGMENTED) is None  # made as tensors, never read as arrays


def test_its_errors_are_measured_a_chunk_at_a_time_as_the_splits_are_whole(monkeypatch):
    """per_image.compute goes through the augmented set in chunks (here of 1,000 images) and
    gives each image of version 0 the error its own split gives it."""
    cfg = aeviz.TrainConfig(dataset="digits", model="vanilla", latent_dim=4, hidden=(16,))
    model = models.build(cfg, (1, 8, 8)).eval()
    model.config = cfg  # what load_checkpoint sets
    monkeypatch.setattr(per_image, "CHUNK", 1000)
    whole = {s: per_image.compute(model, s, False) for s in ("train", "test")}
    chunked = per_image.compute(model, AUGMENTED, False)
    n = len(whole["train"].mse) + len(whole["test"].mse)
    assert len(chunked.mse) == augmented.VERSIONS * n
    np.testing.assert_allclose(chunked.mse[:n], np.concatenate([whole["train"].mse, whole["test"].mse]), rtol=1e-5)
    np.testing.assert_allclose(chunked.pca_mse[:n], np.concatenate([whole["train"].pca_mse, whole["test"].pca_mse]),
                               rtol=1e-4, atol=1e-7)
    with pytest.raises(ValueError, match="augmented set"):
        per_image.inputs(model, aeviz.load_dataset("digits", AUGMENTED).x, True)


def test_aeviz_embed_streams_the_augmented_set_as_it_encodes_it_whole(tmp_path, monkeypatch):
    """`aeviz embed --split augmented --stream`: DataLoader workers read its images one at a
    time (open_split), and the codes are those of the set encoded in memory."""
    from aeviz.cli import main
    from aeviz.latent import encode_all

    monkeypatch.setattr(augmented, "VERSIONS", 2)
    datasets.forget_loaded()
    vae = SHIPPED_DIR / "vae-mnist5k-e4fbd8312e88.safetensors"
    out = tmp_path / "codes.npz"
    assert main(["embed", str(vae), "--split", AUGMENTED, "--out", str(out), "--no-map", "--stream"]) == 0
    with np.load(out) as f:
        codes, labels = f["codes"], f["labels"]
    ds = aeviz.load_dataset("mnist5k", AUGMENTED)
    assert codes.shape == (10_000, 16) and np.array_equal(labels, ds.y.numpy())
    np.testing.assert_allclose(codes, encode_all(aeviz.load_checkpoint(vae), ds.x), atol=1e-5)
    datasets.forget_loaded()
