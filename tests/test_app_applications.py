"""The Applications and Compare pages under Streamlit's AppTest, on two small checkpoints of
the user's own (digits, one trained without the 7s): the measurements come from the
background job with a progress bar, then as plots and tables; a checkpoint they do not
apply to says so in one line; the Train page takes classes to leave out."""
from __future__ import annotations

import concurrent.futures
import json
import shutil

import pytest
import streamlit as st

import aeviz
from aeviz import artifacts, latent
from aeviz.applications import applies, cached_report
from aeviz.applications.report import KIND
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.latent.activity import cached_activity
from aeviz.dashboard import cache, jobs, reports
from support.pages import open_page, rerun, shipped

APPLICATIONS, COMPARE = "views/applications.py", "views/compare.py"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Two checkpoints; the one without 7s has its report and the PCA maps of both beside it,
    as a shipped checkpoint would, the other is left for the page to measure."""
    root = tmp_path_factory.mktemp("own-checkpoints")
    models = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AEVIZ_CACHE", str(root))
        for name, left_out in (("all", ()), ("without7", (7,))):
            cfg = aeviz.defaults_for("vanilla", dataset="digits", latent_dim=8, epochs=30, exclude_classes=left_out)
            models[name] = aeviz.load_checkpoint(aeviz.train(cfg, ckpt_dir=root))
            latent.cached_projection(models[name], "test", "pca", 2)
        cached_report(models["without7"])
    return root, models


@pytest.fixture
def own(folder, aeviz_dirs, monkeypatch):
    """The pages list the two checkpoints (and the shipped ones)."""
    root, models = folder
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(root))
    st.cache_data.clear()  # the checkpoint list is cached with a ttl
    yield models
    st.cache_data.clear()


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_applications_measures_in_the_background_then_draws_every_section(own):
    model = own["all"]
    at = open_page(APPLICATIONS, checkpoint=model.checkpoint_id)
    assert not at.error, [e.value for e in at.error]
    job = reports.report_jobs().job(cache.key(model, "applications"))
    if job is not None:  # still computing at the first draw: a progress bar said so
        job.future.result(timeout=120)
    rerun(at)
    assert not at.error and at.title[0].value == "Applications"
    names = [t["name"] for c in charts(at) for t in c["data"]]
    assert {"autoencoder codes", "PCA, quantized", "JPEG", "WebP"} <= set(names), "the rate-distortion plot"
    assert any(name.startswith("cluster ") for name in names), "the map coloured by k-means cluster"
    assert len(at.dataframe) >= 4  # compression, clustering, features, retrieval
    assert [i.value for i in at.info if "trained on every class" in i.value], "one line: no anomaly figures"
    at.radio(key="app_rd_metric").set_value("SSIM")
    assert "SSIM" in json.dumps(charts(rerun(at))[0]["layout"]["yaxis"])


def test_applications_of_a_model_without_sevens_shows_roc_and_where_they_land(own):
    at = open_page(APPLICATIONS, checkpoint=own["without7"].checkpoint_id)
    assert not at.error, [e.value for e in at.error]
    assert [m.label for m in at.metric] == ["AUROC, reconstruction error", "AUROC, latent density"]
    assert float(at.metric[0].value) > 0.75
    names = [t["name"] for c in charts(at) for t in c["data"]]
    assert any(n.startswith("reconstruction error (AUROC") for n in names)
    assert "left out: 7" in names and "classes seen in training" in names


def test_shipped_checkpoints_open_on_their_shipped_reports_computing_nothing(aeviz_dirs):
    """A first launch (an empty cache): the shipped checkpoints' reports ship beside them, as
    their maps do, so Applications and Compare draw at once; nothing is queued or written."""
    st.cache_data.clear()
    vae, conv = shipped("vae", dataset="mnist5k", latent_dim=16), shipped("conv", dataset="mnist5k")
    at = open_page(APPLICATIONS, checkpoint=vae)
    assert not at.error and not at.get("progress"), [e.value for e in at.error]
    assert len(at.tabs) == 5 and charts(at), "the rate-distortion plot, at the first draw"
    at = open_page(COMPARE, checkpoint=vae, cmp_ids=[vae, conv], cmp_method="PCA")
    assert not at.error and not at.get("progress"), [e.value for e in at.error]
    assert list(at.dataframe[0].value.columns) == [vae, conv]
    for checkpoint in (vae, conv):
        assert reports.report_jobs().job(cache.key(aeviz.load_checkpoint(checkpoint), "applications")) is None
    assert not list(aeviz_dirs.cache.glob("*applications*"))


def test_every_shipped_checkpoint_with_a_code_vector_ships_its_report():
    for e in aeviz.list_checkpoints([SHIPPED_DIR]):
        model = aeviz.load_checkpoint(e.path)
        if applies(model) is None:
            assert artifacts.find(model, KIND, "test") is not None, \
                f"{e.id}'s applications report is missing: run scripts/ship_checkpoints.py"


def test_applications_say_in_one_line_when_they_do_not_apply():
    at = open_page(APPLICATIONS, checkpoint=shipped("colorizer"))
    assert len(at.info) == 1 and "does not apply" in at.info[0].value
    assert not at.get("plotly_chart") and not at.error


def test_compare_puts_two_checkpoints_side_by_side(own):
    ids = [own["all"].checkpoint_id, own["without7"].checkpoint_id]
    for m in own.values():  # the first one's measurements may still be on their way
        cached_report(m)
    at = open_page(COMPARE, checkpoint=ids[0], cmp_ids=ids, cmp_method="PCA")
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    assert list(table.columns) == ids and "anomaly AUROC: reconstruction error" in table.index
    assert table.loc["anomaly: classes left out"].tolist() == ["-", "7"]
    assert table.loc["active code dimensions (test split)"].tolist() == [
        f"{cached_activity(m).count} of 8" for m in own.values()]
    assert len(at.image) == 3, "the originals, then each checkpoint's reconstructions"
    maps = charts(at)
    assert [m["layout"]["title"]["text"] for m in maps] == ids
    stars = [[t for t in m["data"] if t["name"] == "image #0"][0] for m in maps]
    assert len(stars) == 2 and maps[0]["layout"]["xaxis"]["range"] == maps[1]["layout"]["xaxis"]["range"]


def test_a_failed_map_on_compare_says_why_and_tries_again(own, tmp_path, monkeypatch):
    """A map whose job fails says so in one sentence with "Try again", instead of "computing"
    for ever; the button queues it anew. (Copies of the checkpoints: jobs of their own.)"""
    # Let the maps other tests queued finish first: they write to whichever test's cache is set.
    jobs.projection_jobs().submit(("drain", str(tmp_path)), lambda job: None, "nothing").future.result(timeout=600)
    for p in own["all"].path.parent.iterdir():
        shutil.copy(p, tmp_path)
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(tmp_path))
    monkeypatch.setenv("AEVIZ_CACHE", str(tmp_path))
    models = [aeviz.load_checkpoint(tmp_path / m.path.name) for m in own.values()]
    for m in models:
        cached_report(m)  # the table first: the maps are what this test is about
    real, failing = latent.cached_projection, [True]

    def umap_fails(model, split, method, dim, **kwargs):
        if method == "umap" and failing[0]:
            raise RuntimeError("no UMAP today")
        return real(model, split, "pca", dim, **kwargs)  # a stand-in, quicker than UMAP
    monkeypatch.setattr(latent, "cached_projection", umap_fails)

    def maps_done():
        for m in models:
            job = jobs.projection_jobs().job(cache.key(m, "test", "umap", 2))
            if job is not None:
                concurrent.futures.wait([job.future], timeout=60)
    ids = [m.checkpoint_id for m in models]
    at = open_page(COMPARE, checkpoint=ids[0], cmp_ids=ids, cmp_method="UMAP")
    maps_done()
    rerun(at)
    assert [e.value for e in at.error] == [f"Could not compute the UMAP 2D map of {i}: RuntimeError (see the server log)"
                                           for i in ids]
    assert [b.label for b in at.button] == ["Try again", "Try again"] and not at.info
    failing[0] = False
    for _ in ids:
        at.button[0].click()
        rerun(at)
        maps_done()
        rerun(at)
    assert not at.error and [c["layout"]["title"]["text"] for c in charts(at)] == ids


@pytest.mark.slow  # it measures the shipped VAE on mnist5k's 1,000 test images
def test_compare_across_datasets_says_why_there_are_no_maps(own):
    ids = [own["all"].checkpoint_id, shipped("vae", latent_dim=16, dataset="mnist5k")]
    at = open_page(COMPARE, checkpoint=ids[0], cmp_ids=ids)
    job = reports.report_jobs().job(cache.key(aeviz.load_checkpoint(ids[1]), "applications"))
    if job is not None:
        job.future.result(timeout=300)
    rerun(at)
    assert not at.error and any("different datasets" in i.value for i in at.info)
    assert list(at.dataframe[0].value.columns) == ids


def test_train_page_refuses_classes_that_are_not_numbers():
    at = open_page("views/train.py")
    at.text_input(key="tr_exclude").set_value("seven")
    at.button(key="tr_submit").click()
    rerun(at)
    # (an earlier test's failed run may still show its own error below the form)
    refused = [e.value for e in at.error if "class numbers" in e.value]
    assert len(refused) == 1 and refused[0].startswith("'seven' is not"), [e.value for e in at.error]
