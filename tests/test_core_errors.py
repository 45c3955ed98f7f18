"""Per-image errors (aeviz.errors): what the Reconstructions page sorts by, computed once
per checkpoint and split and read back from disk, shipped beside the shipped checkpoints."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import aeviz
from aeviz import artifacts
from aeviz.evaluation import metrics, per_image
from aeviz.checkpoints import SHIPPED_DIR


@pytest.fixture(scope="module")
def shipped_vae():
    (path,) = [p for p in SHIPPED_DIR.glob("vae-mnist5k-*.safetensors")
               if aeviz.checkpoints.read_meta(p)["config"]["latent_dim"] == 16]
    return aeviz.load_checkpoint(path)


def test_errors_are_the_per_image_mse_and_pcas_and_are_read_back(shipped_vae, aeviz_dirs, monkeypatch):
    monkeypatch.setattr(shipped_vae, "path", aeviz_dirs.checkpoints / "elsewhere.safetensors")  # no shipped copy
    test = aeviz.load_dataset("mnist5k", "test")
    got = per_image.cached_errors(shipped_vae, "test")
    want = metrics.mse_per_image(metrics.reconstruct_all(shipped_vae, test.x), test.x).numpy()
    np.testing.assert_allclose(got.mse, want, rtol=1e-5)
    train = aeviz.load_dataset("mnist5k", "train")
    pca = metrics.pca_reconstruct(train.x, test.x, 16)
    np.testing.assert_allclose(got.pca_mse, metrics.mse_per_image(pca, test.x).numpy(), rtol=1e-4, atol=1e-7)
    # The saved basis gives PCA's images back for any subset.
    some = metrics.pca_project(test.x[:5], torch.from_numpy(got.pca_mean), torch.from_numpy(got.pca_axes))
    assert float((some - pca[:5]).abs().max()) < 1e-4

    def no_model(*args, **kwargs):
        raise AssertionError("computed again instead of read from disk")
    monkeypatch.setattr(metrics, "reconstruct_all", no_model)
    again = per_image.cached_errors(shipped_vae, "test")
    np.testing.assert_array_equal(again.mse, got.mse)


def test_shipped_checkpoints_ship_their_first_pages_errors():
    for p in SHIPPED_DIR.glob("*.safetensors"):
        model = aeviz.load_checkpoint(p)
        name = artifacts.file_name(model, per_image.kind(per_image.noisy_by_default(model)), "test")
        assert (SHIPPED_DIR / name).is_file(), f"{name} is missing: run scripts/ship_checkpoints.py"
        with np.load(SHIPPED_DIR / name) as f:
            cfg = model.config
            test = len(aeviz.load_dataset(cfg.dataset, "test", cfg.image_size, cfg.grayscale))
            assert len(f["mse"]) == test, f"{name} is not of today's test split"
            if model.meta["dataset"]["test"] == test:  # else trained when the split was another (the README says so)
                assert abs(float(f["mse"].mean()) - model.meta["test"]["mse"]) < 1e-6


def test_shipped_checkpoints_ship_their_first_pages_reconstructions_as_the_model_makes_them():
    """What the first page draws without torch: every shipped checkpoint whose page opens on
    the clean images, on a dataset read without torch, ships its test split's reconstructions,
    the model's own to the 8-bit level a page shows."""
    shipped = 0
    for p in SHIPPED_DIR.glob("*.safetensors"):
        model = aeviz.load_checkpoint(p)
        cfg = model.config
        images = aeviz.datasets.load_arrays(cfg.dataset, "test", cfg.image_size)
        if not per_image.shows_clean(model) or images is None:
            continue
        shipped += 1
        stored = artifacts.find(model, per_image.RECONSTRUCTIONS, "test")
        assert stored is not None, f"{model.checkpoint_id}: no reconstructions; run scripts/ship_checkpoints.py"
        assert stored.shape == images.x.shape
        made = per_image.compute_reconstructions(model, "test")
        assert int(np.abs(stored.astype(int) - made).max()) <= 1, f"{model.checkpoint_id}'s are not its model's"
        # the arrays the page shows are the images the model was measured on, bit for bit
        tensors = aeviz.load_dataset(cfg.dataset, "test", cfg.image_size, cfg.grayscale).x.numpy()
        np.testing.assert_array_equal(images.x.astype(np.float32) / 255.0, tensors)
    assert shipped >= 4  # the mnist5k VAEs, conv and AAE


def test_a_denoisers_noisy_inputs_are_the_same_for_any_subset(aeviz_dirs):
    model = aeviz.build(aeviz.defaults_for("denoising"), (1, 28, 28))
    model.config = model.cfg
    x = aeviz.load_dataset("mnist5k", "test").x[:20]
    whole = per_image.inputs(model, x, noisy=True)
    assert not torch.equal(whole, x)
    assert torch.equal(per_image.inputs(model, x, noisy=True)[[3, 7]], whole[[3, 7]])
    assert torch.equal(per_image.inputs(model, x, noisy=False), x)
