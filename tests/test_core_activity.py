"""Which code dimensions are alive (aeviz/latent/activity.py): the figures per dimension, the
rule, the cache, and where they show (`aeviz eval --json`, the Latent walk)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import streamlit as st
import torch

import aeviz
from aeviz import latent
from aeviz.cli import main
from aeviz.latent import activity
from support.dead import DEAD, killed, save_dead_vae
from support.pages import open_page, shipped

VAE16 = {"latent_dim": 16, "dataset": "mnist5k"}


def test_the_vaes_kls_per_dimension_sum_to_its_kl_term_on_the_test_split():
    model = aeviz.load_checkpoint(shipped("vae", **VAE16))
    x = aeviz.load_dataset("mnist5k", "test").x
    alive = activity.measure(model, x)
    with torch.no_grad():
        kl_term = float(model.loss_and_diagnostics(x, x)[1]["kl"])  # the unweighted KL, averaged over images
    assert alive.kl.sum() == pytest.approx(kl_term, rel=1e-5)
    assert 1 <= alive.count <= 16
    # the variance is the mean code's over the split: Burda et al.'s activity, beside the KL
    np.testing.assert_allclose(alive.variance, latent.encode_all(model, x).var(0), rtol=1e-4)
    assert alive.order() == np.argsort(-alive.kl, kind="stable").tolist()


@pytest.mark.parametrize("name, by", [("vae", "kl"), ("conv", "variance")])
def test_a_dimension_forced_dead_is_reported_collapsed(name, by):
    model = killed(aeviz.load_checkpoint(shipped(name, **VAE16)))
    alive = activity.measure(model, aeviz.load_dataset("mnist5k", "test").x)
    assert (alive.kl is not None) == (by == "kl"), "the KL where the registry says there is a posterior"
    assert not alive.active[DEAD] and alive.count == 15
    assert alive.order()[-1] == DEAD, "the walk puts it last"
    assert getattr(alive, by)[DEAD] == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("name", sorted(n for n, spec in aeviz.MODELS.items() if spec.abilities.vector_code))
def test_every_model_with_a_code_gets_a_figure_per_dimension(name):
    cfg = aeviz.defaults_for(name)
    ds = aeviz.load_dataset(cfg.dataset, "train", cfg.image_size, cfg.grayscale)
    torch.manual_seed(0)
    model = aeviz.build(cfg, ds.image_shape).eval()
    alive = activity.measure(model, ds.x[:64], batch=40)  # two batches: the sums run across them
    rows = alive.rows()
    assert [r["index"] for r in rows] == list(range(cfg.latent_dim))
    assert all(("kl" in r) == model.abilities.gaussian_posterior for r in rows)
    np.testing.assert_allclose(alive.variance, latent.encode_all(model, ds.x[:64]).var(0), rtol=1e-3, atol=1e-9)


def test_the_figures_are_measured_once_per_checkpoint_and_split(aeviz_dirs):
    model = aeviz.load_checkpoint(shipped("vae", **VAE16))
    first = activity.cached_activity(model, "test")
    files = list(aeviz_dirs.cache.glob(f"{model.checkpoint_id}.*.test.dims.npz"))
    assert len(files) == 1
    again = activity.read(files[0])
    np.testing.assert_array_equal(again.kl, first.kl)
    np.testing.assert_array_equal(again.variance, first.variance)
    with pytest.raises(ValueError, match="code vector"):
        activity.cached_activity(aeviz.load_checkpoint(shipped("colorizer")))


def test_eval_json_gives_the_active_dimensions_and_each_ones_figures(capsys):
    assert main(["eval", shipped("vae", **VAE16), "--json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    report = json.loads(line)
    assert {"checkpoint", "mse", "psnr", "ssim", "neg_elbo", "active_dims", "dims"} <= set(report)
    assert report["active_dims"] == sum(d["active"] for d in report["dims"]) and 1 <= report["active_dims"] <= 16
    assert [list(d) for d in report["dims"]] == [["index", "variance", "kl", "active"]] * 16


@pytest.fixture
def dead_z3(aeviz_dirs):
    """A checkpoint of the user's: the shipped 16-d VAE with z3 forced dead."""
    checkpoint_id = save_dead_vae(aeviz_dirs.checkpoints)
    st.cache_data.clear()  # the checkpoint list is cached with a ttl
    yield checkpoint_id
    st.cache_data.clear()


def test_the_walk_orders_its_sliders_by_kl_and_folds_the_collapsed_away(dead_z3):
    at = open_page("views/latent_walk.py", checkpoint=dead_z3)
    data = json.loads(at.get("bidi_component")[0].proto.json)
    assert data["figure_name"] == "KL" and data["figures"] == sorted(data["figures"], reverse=True)
    assert data["dims"][-1] == DEAD and data["active"] == [True] * 15 + [False], "z3 last, marked collapsed"
    assert DEAD not in data["traversal"]["dims"], "no traversal row of a dead dimension"
    assert any("1 collapsed" in c.value and "folded away" in c.value for c in at.caption)
