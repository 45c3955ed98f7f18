"""The model registry is the one place that knows the models: a model registered there,
with its abilities, shows up in the CLI, on the Train page and in the views with no other
edit, and nothing outside aeviz/models/ compares model names."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from support.pages import open_page, rerun

import aeviz
from aeviz import models
from aeviz.cli import main
from aeviz.models import MODELS, Abilities, ModelSpec
from aeviz.models.dense import DenseAE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tiny():
    """A small extra model: dense, one hidden layer, a prior-free 3-d code, and beta declared
    as its own setting (an odd choice, so the test sees settings follow the spec)."""
    models.register("tiny", ModelSpec(DenseAE, "a test-only dense autoencoder with a 3-d code",
                                      {"latent_dim": 3, "hidden": (16,)}, Abilities(settings=("beta",))))
    yield "tiny"
    del MODELS["tiny"]


def test_a_registered_model_appears_in_the_cli_and_trains(tiny, capsys, small_data):
    assert main(["models"]) == 0
    listed = capsys.readouterr().out
    assert re.search(r"^tiny\s+vector\s+-\s+-\s+--beta\s+a test-only dense autoencoder", listed, re.M), listed
    assert main(["train", "--model", "tiny", "--epochs", "1", "--beta", "0.5"]) == 0
    path = Path(capsys.readouterr().out.strip().splitlines()[-1])
    model = aeviz.load_checkpoint(path)
    assert model.config.model == "tiny" and model.encode(aeviz.load_dataset("mnist5k", "test").x[:2]).shape == (2, 3)


def test_a_registered_model_appears_on_the_train_page_with_its_own_settings(tiny):
    at = open_page("views/train.py")
    assert "tiny: a test-only dense autoencoder with a 3-d code" in at.selectbox(key="tr_model").options
    at.selectbox(key="tr_model").set_value(tiny)
    rerun(at)
    labels = {w.label for w in at.number_input}
    assert any(label.startswith("β") for label in labels)
    assert not any("Sparsity" in label or "Contractive" in label for label in labels)
    assert not at.checkbox, "fully_conv is not among tiny's settings"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_declares_abilities_its_model_has(name):
    """The spec's word and the built model agree: a vector code encodes to (N, latent_dim),
    a colorizer takes one channel, a prior samples images of the data's shape."""
    cfg = aeviz.defaults_for(name, dataset="mnist5k")
    can = models.abilities(cfg)
    shape = (3, 32, 32) if can.colorizes else (1, 28, 28)
    model = aeviz.build(cfg, shape).eval()
    x = aeviz.load_dataset("photos" if can.colorizes else "mnist5k", "test").x[:2]
    z = model.encode(model.prepare(x))
    # a code that is not a vector may be a map, or several (the colorizer's U-Net hands its skips on)
    assert (isinstance(z, torch.Tensor) and z.shape == (2, cfg.latent_dim)) == can.vector_code
    assert model.prepare(x).shape[1] == (1 if can.colorizes else shape[0])
    if can.prior:
        assert model.sample(2).shape == (2, *shape)
    assert (model.neg_elbo(x) is not None) == can.elbo


def test_a_fully_convolutional_choice_has_no_code_vector():
    assert models.abilities(aeviz.defaults_for("denoising")).vector_code
    assert not models.abilities(aeviz.defaults_for("denoising", fully_conv=True)).vector_code


def test_a_setting_given_to_a_model_it_does_not_apply_to_is_refused(capsys):
    assert main(["train", "--model", "conv", "--beta", "4"]) == 2
    err = capsys.readouterr().err
    assert "--beta does not apply to the conv model; it applies to: aae, vae." in err


def test_nothing_outside_the_models_package_compares_model_names():
    names = "|".join(sorted(MODELS))
    compare = re.compile(rf"""(==|!=|\bin\b)\s*\(?\s*["']({names})["']|["']({names})["']\s*(==|!=)""")
    offenders = []
    for path in (ROOT / "aeviz").rglob("*.py"):
        if "models" in path.relative_to(ROOT / "aeviz").parts[:1]:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if compare.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
