"""Every registered model: shapes, loss terms, learning, exact save/load, determinism.

Parametrized over the registry, so a newly registered model is tested at once."""
from __future__ import annotations

import contextlib
import functools
import math

import pytest
import torch
from torch.utils._pytree import tree_leaves  # a code may be several maps (the colorizer's U-Net)

import aeviz
import aeviz.training.loop
from aeviz.checkpoints import save
from aeviz.evaluation.metrics import evaluate


def fit(cfg):
    return aeviz.training.loop.fit(cfg, device="cpu")


def batch_for(name: str, n: int = 16):
    """The model's default config, a fresh model (seeded) and n images of its default dataset."""
    cfg = aeviz.defaults_for(name)
    ds = aeviz.load_dataset(cfg.dataset, "train", cfg.image_size, cfg.grayscale)
    torch.manual_seed(0)
    return cfg, aeviz.build(cfg, ds.image_shape), ds.x[:n]


def tiny(name: str):
    """A config that trains for one short epoch (use with the small_data fixture), on 8x8
    digits in place of mnist5k: determinism does not depend on the image size."""
    dataset = aeviz.defaults_for(name).dataset
    return aeviz.defaults_for(name, epochs=1, batch_size=32, dataset="digits" if dataset == "mnist5k" else dataset)


@pytest.mark.parametrize("name", sorted(aeviz.MODELS))
def test_reconstruction_has_the_input_shape(name):
    cfg, model, x = batch_for(name, 4)
    model.eval()
    out = model.reconstruct(model.prepare(x))
    assert out.shape == x.shape
    assert out.dtype == torch.float32 and 0 <= float(out.min()) and float(out.max()) <= 1
    assert not out.requires_grad, "reconstruct() keeps no graph: evaluation and pages call it on whole splits"
    z = model.encode(model.prepare(x))
    assert all(t.shape[0] == len(x) and torch.isfinite(t).all() for t in tree_leaves(z))
    if model.abilities.vector_code:
        assert z.shape == (len(x), cfg.latent_dim)


@pytest.mark.parametrize("name", sorted(aeviz.MODELS))
def test_a_models_code_is_named_by_what_its_size_changes(name):
    # latent_dim declared as its code's size only where changing it changes the model
    from aeviz.models import code_phrase

    small, big = (aeviz.build(aeviz.defaults_for(name, latent_dim=d), (1, 16, 16)) for d in (4, 8))
    sizes_it = sum(p.numel() for p in small.parameters()) != sum(p.numel() for p in big.parameters())
    cfg = aeviz.defaults_for(name, latent_dim=4)
    assert small.abilities.code_size == sizes_it
    assert code_phrase(cfg) == ("no bottleneck" if not sizes_it else "4-d code" if small.abilities.vector_code
                                else "4-channel map")
    assert code_phrase(cfg) == code_phrase(cfg.to_dict())  # as a checkpoint table row gives it


@pytest.mark.parametrize("name", sorted(aeviz.MODELS))
def test_loss_terms_are_named_and_finite_and_train_step_reports_them(name):
    cfg, model, x = batch_for(name, 8)
    terms = model.loss(model.prepare(x), x)
    assert {"loss", "recon"} <= set(terms)
    for key, value in terms.items():
        assert isinstance(key, str) and value.ndim == 0 and torch.isfinite(value), (key, value)
    # train_step reports the same named terms, as floats, for progress bars and logs, and
    # any diagnostics apart from them under "diag/".
    step_terms = model.train_step(model.prepare(x), x, model.optimizers(), contextlib.nullcontext)
    assert {k for k in step_terms if not k.startswith("diag/")} == set(terms)
    assert all(isinstance(v, float) and math.isfinite(v) for v in step_terms.values())


def tiny_model(name: str, n: int = 8, **overrides):
    """A fresh model (seeded) of the tiny config, and n of its images (8x8 digits for the
    models trained on mnist5k)."""
    cfg = tiny(name).replace(**overrides)
    ds = aeviz.load_dataset(cfg.dataset, "train", cfg.image_size, cfg.grayscale)
    torch.manual_seed(0)
    return aeviz.build(cfg, ds.image_shape), ds.x[:n]


@pytest.mark.parametrize("name", sorted(aeviz.MODELS))
def test_loss_terms_are_weighted_and_sum_exactly_to_loss(name):
    # beta 0.5 rather than the default 1, so that an unweighted KL or fooling loss cannot
    # pass for its weighted term.
    model, x = tiny_model(name, beta=0.5)
    terms = model.loss(model.prepare(x), x)
    parts = torch.stack([value for key, value in terms.items() if key != "loss"])
    assert torch.allclose(parts.sum(), terms["loss"]), {k: float(v) for k, v in terms.items()}
    # No diagnostic leaks into the terms: a diagnostic named like a term is not that term.
    torch.manual_seed(1)  # the VAE samples its code: the same draw for both calls
    same_terms, diagnostics = model.loss_and_diagnostics(model.prepare(x), x)
    torch.manual_seed(1)
    again = model.loss(model.prepare(x), x)
    assert set(same_terms) == set(terms) and torch.equal(again["loss"], same_terms["loss"])
    assert not any(key.startswith("diag/") for key in terms)
    for key, value in diagnostics.items():
        assert key not in terms or not torch.allclose(terms[key], value), key


def test_neg_elbo_is_the_vaes_alone_and_ignores_beta():
    model, x = tiny_model("vae")
    model.eval()
    with torch.no_grad():
        value = model.neg_elbo(x)
        assert value.ndim == 0 and torch.isfinite(value) and value > 0
        weighted, _ = tiny_model("vae", beta=0.5)  # the same seed: the same weights
        assert torch.equal(weighted.eval().neg_elbo(x), value)
    assert evaluate(model, x)["neg_elbo"] == pytest.approx(float(value), rel=1e-5)
    conv, x = tiny_model("conv")
    assert conv.neg_elbo(x) is None
    assert "neg_elbo" not in evaluate(conv, x)


@functools.lru_cache(maxsize=None)
def overfit(name: str, n: int = 8, steps: int = 100):
    """Train a fresh model on one batch of n images; its loss per step, the model (in eval
    mode) and the batch. Cached: two tests read one run."""
    cfg, model, x = batch_for(name, n)
    inputs, opts = model.prepare(x), model.optimizers()
    model.train()
    losses = [model.train_step(inputs, x, opts, contextlib.nullcontext)["loss"] for _ in range(steps)]
    return losses, model.eval(), x


@pytest.mark.parametrize("name", sorted(aeviz.MODELS))
def test_loss_falls_when_overfitting_one_batch(name):
    losses, _, _ = overfit(name)
    # The last few steps, averaged: the VAE's loss is stochastic (a sampled code).
    final = sum(losses[-5:]) / 5
    assert final < 0.7 * losses[0], f"{name}: loss {losses[0]:.4g} -> {final:.4g} after {len(losses)} steps"


# A model can halve its loss while giving every input the same image (the transformer once
# did: a nearly black image for all); the loss-falls test above cannot see that, this one can.
@pytest.mark.parametrize("name", sorted(aeviz.MODELS))
def test_overfit_reconstructions_beat_the_batch_mean_image(name):
    _, model, x = overfit(name)
    error = float((model.reconstruct(model.prepare(x)) - x).pow(2).sum() / len(x))
    mean_image_error = float((x - x.mean(0)).pow(2).sum() / len(x))  # the best output that ignores its input
    assert error < 0.8 * mean_image_error, f"{name}: {error:.4g} vs the mean image's {mean_image_error:.4g}"


@pytest.mark.parametrize("name", sorted(aeviz.MODELS))
def test_save_and_load_give_identical_outputs(name, tmp_path):
    cfg, model, x = batch_for(name, 16)
    model.train()
    opts = model.optimizers()
    for _ in range(3):  # moves the weights and batch norm's running statistics off their initial values
        model.train_step(model.prepare(x), x, opts, contextlib.nullcontext)
    model.eval()
    meta = {"id": cfg.id, "config": cfg.to_dict(), "image_shape": list(x.shape[1:])}
    path = save(model, meta, tmp_path / f"{cfg.id}.safetensors")
    loaded = aeviz.load_checkpoint(path)
    if model.channels_last:  # as fit() trains it and load() gives it back: the same kernels, the same bits
        model = model.to(memory_format=torch.channels_last)
    assert loaded.config == cfg and loaded.checkpoint_id == cfg.id and not loaded.training
    inputs = model.prepare(x[:8])
    with torch.no_grad():
        z = model.encode(inputs)
        assert all(map(torch.equal, tree_leaves(loaded.encode(inputs)), tree_leaves(z)))
        assert torch.equal(loaded.decode(z), model.decode(z))
        assert torch.equal(loaded.reconstruct(inputs), model.reconstruct(inputs))
    # Buffers too (batch norm's running statistics), not only the parameters.
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key


@pytest.mark.parametrize("name", sorted(aeviz.MODELS))
def test_same_config_and_seed_give_identical_weights(name, small_data):
    cfg = tiny(name)
    first, meta_first = fit(cfg)
    again, meta_again = fit(cfg)
    for key, value in first.state_dict().items():
        assert torch.equal(again.state_dict()[key], value), key
    assert meta_again["history"][0]["train_loss"] == meta_first["history"][0]["train_loss"]
    assert meta_again["test"] == meta_first["test"]
    # ...and the seed matters: another seed gives other weights.
    other, _ = fit(cfg.replace(seed=1))
    assert any(not torch.equal(other.state_dict()[k], v) for k, v in first.state_dict().items())


@pytest.mark.parametrize("name", sorted(n for n, spec in aeviz.MODELS.items() if "stage_convs" in spec.abilities.settings))
def test_one_conv_a_stage_drops_the_stride_1_convs_and_keeps_the_shape(name):
    # stage_convs=1 is the tutorials' shape: each stage keeps its strided conv (down) or its
    # transposed conv (up) and loses the 3x3 conv after it, so the model costs about half.
    shape = (3, 32, 32) if aeviz.MODELS[name].abilities.colorizes else (1, 28, 28)
    cfg = aeviz.defaults_for(name, hidden=(8, 16)).replace(full_size_conv=True)  # the VAE's recipe has none
    convs = {k: sum(isinstance(m, torch.nn.Conv2d) for m in aeviz.build(cfg.replace(stage_convs=k), shape).modules())
             for k in (1, 2, 3)}
    assert convs[2] - convs[1] == convs[3] - convs[2] == 4  # one per stage, down and up
    x = torch.rand(2, *shape)
    assert aeviz.build(cfg.replace(stage_convs=1), shape).eval().reconstruct(x).shape == x.shape


@pytest.mark.parametrize("name", sorted(n for n, spec in aeviz.MODELS.items()
                                         if "full_size_conv" in spec.abilities.settings))
@pytest.mark.parametrize("fully_conv", [False, True])
def test_without_the_full_size_conv_nothing_runs_at_full_size_after_the_last_transposed_conv(name, fully_conv):
    shape, x = (1, 28, 28), torch.rand(2, 1, 28, 28)
    cfg = aeviz.defaults_for(name, hidden=(8, 16), stage_convs=2, fully_conv=fully_conv)
    full, lean = (aeviz.build(cfg.replace(full_size_conv=k), shape) for k in (True, False))
    assert isinstance(full.upsample[-1], torch.nn.Conv2d) and full.upsample[-1].out_channels == 1
    # the last stage loses its batch norm, its ReLU and its two 3x3 convs (the stride-1 one and the output's)
    assert len(full.upsample) - len(lean.upsample) == 2 + 3 + 1
    last = lean.upsample[-1]
    assert isinstance(last, torch.nn.ConvTranspose2d) and (last.in_channels, last.out_channels) == (8, 1)
    assert lean.eval().reconstruct(x).shape == x.shape
    lean.start_output_at(torch.tensor([0.2]))  # it starts at the data's mean, as the full-size conv does
    assert torch.allclose(torch.sigmoid(last.bias), torch.tensor([0.2]))


def test_the_conv_setting_keeps_every_id_made_before_it():
    # the shipped conv's command now says --stage-convs 2; at that default it is left out of
    # the canonical JSON, so the checkpoint keeps its id
    shipped = aeviz.defaults_for("conv", dataset="mnist5k", latent_dim=16, hidden=(32, 64), stage_convs=2,
                                 batch_size=32, lr=2e-3, schedule="onecycle", epochs=30)
    assert shipped.id == "conv-mnist5k-b0399f799bd2" and "stage_convs" not in shipped.canonical_json()
    assert shipped.replace(full_size_conv=True).id == shipped.id  # at its default it is left out too
    assert '"full_size_conv":false' in aeviz.defaults_for("vae").canonical_json()
    assert aeviz.defaults_for("conv").stage_convs == 1 and '"stage_convs":1' in aeviz.defaults_for("conv").canonical_json()
    with pytest.raises(aeviz.ConfigError, match="stage_convs must be at least 1"):
        aeviz.defaults_for("conv", stage_convs=0)
