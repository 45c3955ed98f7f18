"""What autoencoders are for (aeviz.applications): the coder and quantizer, the codecs'
byte counts, Procrustes, the report of a trained model and its cache, leaving classes out
of training, and `aeviz eval --applications`."""
from __future__ import annotations

import json
import zlib

import numpy as np
import pytest
import torch

import aeviz
from aeviz.applications import align, align_all, cached_report, codecs, entropy, table
from aeviz.applications import report as report_module
from aeviz.applications.curves import best_within, frontier
from aeviz.applications.quantize import Quantizer
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.datasets.classes import leave_out
from aeviz.cli import main
from support.pages import shipped

KEYS = ["checkpoint", "compression", "clustering", "probe", "retrieval", "anomaly"]
ROW_KEYS = ["bits", "bytes_per_image", "psnr", "ssim", "jpeg_psnr", "webp_psnr", "pca_psnr"]
SPACES = ["codes", "pca", "pixels"]


def trained(folder, **config):
    """A small dense AE on digits (a second or two), its report computed once and kept
    beside the checkpoint, where every test finds it whatever its own cache folder."""
    cfg = aeviz.defaults_for("vanilla", dataset="digits", latent_dim=8, epochs=30, **config)
    model = aeviz.load_checkpoint(aeviz.train(cfg, ckpt_dir=folder))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AEVIZ_CACHE", str(folder))
        cached_report(model)
    return model


@pytest.fixture(scope="module")
def digits_model(tmp_path_factory):
    return trained(tmp_path_factory.mktemp("applications"))


@pytest.fixture(scope="module")
def without_sevens(tmp_path_factory):
    return trained(tmp_path_factory.mktemp("without-7"), exclude_classes=(7,))


# --- the pieces ------------------------------------------------------------------------------


def test_the_coder_gives_the_symbols_back_and_spends_bytes_by_their_entropy():
    rng = np.random.default_rng(0)
    skewed = rng.choice(16, size=(1000, 8), p=np.r_[0.7, np.full(15, 0.02)]).astype(np.uint8)
    uniform = rng.integers(0, 16, size=(1000, 8), dtype=np.uint8)
    for symbols in (skewed, uniform):
        np.testing.assert_array_equal(entropy.decode(entropy.encode(symbols)), symbols)
    p = np.bincount(skewed.ravel(), minlength=16) / skewed.size
    bound = -(p[p > 0] * np.log2(p[p > 0])).sum() * skewed.size / 8  # bytes at the empirical entropy
    assert bound < len(entropy.encode(skewed)) < 1.3 * bound  # packing 4 bits a symbol would take 2 x bound
    assert len(entropy.encode(uniform)) > 1.4 * len(entropy.encode(skewed))
    assert len(entropy.encode(uniform)) < len(zlib.compress(uniform.tobytes(), 9))


def test_more_bits_quantize_more_finely_and_every_symbol_fits():
    rng = np.random.default_rng(1)
    train, test = rng.standard_normal((2000, 4)), rng.standard_normal((500, 4)) * 1.5
    errors = []
    for bits in (2, 4, 8):
        q = Quantizer.fit(train, bits)
        symbols = q.symbols(test)
        assert symbols.min() >= 0 and symbols.max() < 2 ** bits
        inside = (test > q.low) & (test < q.high)
        step = (q.high - q.low) / 2 ** bits
        assert np.all(np.abs(q.values(symbols) - test)[inside] <= np.broadcast_to(step / 2, test.shape)[inside] + 1e-6)
        errors.append(float(np.abs(q.values(symbols) - test)[inside].mean()))
    assert errors[0] > errors[1] > errors[2]


def test_jpeg_bytes_shrink_as_quality_falls_and_its_headers_are_shared():
    x = aeviz.load_dataset("mnist5k", "test").x[:50]
    images = (x * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    sizes = [codecs.run("jpeg", images, 1, q)[0] for q in (90, 50, 10, 1)]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] < sizes[0] / 3
    half = codecs.run("jpeg", images, 2, 50)
    assert half[0] < sizes[1] and half[1].shape == x.shape  # smaller, and back at full size
    import io

    from PIL import Image
    headers = set()
    for array in images[:5]:
        buf = io.BytesIO()
        Image.fromarray(array[..., 0]).save(buf, "JPEG", quality=50)
        header, scan = codecs.split_jpeg(buf.getvalue())
        headers.add(header)
        assert scan.endswith(b"\xff\xd9") and header + scan == buf.getvalue()
    assert len(headers) == 1, "every image of one size and quality has the same headers"


def test_the_baseline_at_as_many_bytes_is_the_best_that_does_not_spend_more():
    curve = np.array([[1, 10.0, 20.0, 0.5], [2, 5.0, 15.0, 0.4], [3, 20.0, 25.0, 0.6], [4, 12.0, 18.0, 0.3]])
    assert best_within(curve, 12.0) == 20.0 and best_within(curve, 4.9) is None
    assert frontier(curve)[:, 0].tolist() == [2, 1, 3]  # setting 4 spends more than 1 for less


def test_procrustes_puts_each_image_back_in_its_place_on_a_turned_mirrored_scaled_copy():
    rng = np.random.default_rng(2)
    reference = rng.standard_normal((300, 2)).astype(np.float32)
    angle = 1.1
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = (reference * [1, -1]) @ turn.T * 3.7 + [5.0, -2.0]
    np.testing.assert_allclose(align(reference, moved), reference, atol=1e-4)
    noisy = moved + rng.normal(0, 0.3, moved.shape)
    aligned = align_all([reference, moved, noisy])
    assert np.abs(aligned[2] - reference).mean() < 0.2 < np.abs(noisy - reference).mean()


# --- a trained model's report ------------------------------------------------------------------


def test_the_report_has_exactly_the_promised_keys_and_sensible_figures(digits_model):
    s = cached_report(digits_model).summary
    assert list(s) == KEYS and s["checkpoint"] == digits_model.checkpoint_id
    rows = s["compression"]
    assert [list(r) for r in rows] == [ROW_KEYS] * len(rows) and len(rows) >= 4
    assert [r["bits"] for r in rows] == sorted(r["bits"] for r in rows)
    sizes = [r["bytes_per_image"] for r in rows]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1] / 2, "more bits cost more bytes"
    assert rows[-1]["psnr"] > rows[0]["psnr"] and rows[-1]["ssim"] > rows[0]["ssim"]
    # 8 bits a dimension loses next to nothing of the model's own reconstructions.
    assert abs(rows[-1]["psnr"] - digits_model.meta["test"]["psnr"]) < 0.2
    assert list(s["clustering"]) == ["nmi", "ari"] and all(list(v) == SPACES for v in s["clustering"].values())
    assert list(s["probe"]) == ["10", "100", "all"] and all(list(v) == SPACES for v in s["probe"].values())
    assert list(s["retrieval"]) == ["p_at_10"] and list(s["retrieval"]["p_at_10"]) == SPACES
    assert s["anomaly"] is None
    json.loads(json.dumps(s))  # plain JSON: no numpy numbers


def test_codes_cluster_probe_and_retrieve_far_better_than_chance(digits_model):
    s = cached_report(digits_model).summary
    codes = cached_report(digits_model).curves["clusters"]
    labels = aeviz.load_dataset("digits", "test").y.numpy()
    from sklearn.metrics import normalized_mutual_info_score
    shuffled = normalized_mutual_info_score(np.random.default_rng(0).permutation(labels), codes)
    assert s["clustering"]["nmi"]["codes"] > 0.4 > 5 * shuffled  # the clusters are the codes', found again
    assert s["clustering"]["ari"]["codes"] > 0.2
    for space in SPACES:
        assert s["probe"]["10"][space] > 0.5 and s["probe"]["all"][space] >= s["probe"]["10"][space] - 0.02
        assert s["retrieval"]["p_at_10"][space] > 0.6  # chance is 0.1


def test_the_report_is_computed_once_then_read_from_disk(digits_model, monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("computed again instead of read from disk")
    monkeypatch.setattr(report_module, "compute", no_work)
    assert cached_report(digits_model).summary["checkpoint"] == digits_model.checkpoint_id


def test_a_model_trained_without_sevens_finds_them(without_sevens):
    assert without_sevens.meta["dataset"]["train"] < 1437 - 100  # the 7s were left out
    found = cached_report(without_sevens).summary["anomaly"]
    assert list(found) == ["classes", "auroc_error", "auroc_density"] and found["classes"] == [7]
    assert found["auroc_error"] > 0.75 and found["auroc_density"] > 0.6
    roc = cached_report(without_sevens).curves["roc_error"]
    assert roc[0].tolist() == [0, 0] and roc[-1].tolist() == [1, 1]


def test_the_table_holds_every_figure_of_every_checkpoint(digits_model, without_sevens):
    reports = [cached_report(m).summary for m in (digits_model, without_sevens)]
    rows = table(reports, [m.meta["test"] for m in (digits_model, without_sevens)])
    assert rows[0] == ["figure", digits_model.checkpoint_id, without_sevens.checkpoint_id]
    figures = {r[0]: r[1:] for r in rows[1:]}
    assert figures["anomaly: classes left out"] == ["-", "7"]
    assert figures["test MSE"][0] == f"{digits_model.meta['test']['mse']:.5f}"
    assert "k-means NMI: codes" in figures and "precision@10: pixels" in figures
    assert all(len(r) == 3 for r in rows)


def test_without_classes_to_use_only_compression_is_measured_and_a_note_says_why(digits_model, monkeypatch):
    from aeviz.applications import spaces
    monkeypatch.setattr(spaces, "label_problem", lambda train, test: "it has no labels")
    report = report_module.compute(digits_model, None, lambda fraction, what: None)
    assert len(report.summary["compression"]) >= 4
    assert [report.summary[k] for k in ("clustering", "probe", "retrieval", "anomaly")] == [None] * 4
    assert list(report.notes) == ["labels"] and report.notes["labels"].endswith("it has no labels.")


def test_a_model_without_a_code_vector_is_refused_in_one_sentence():
    colorizer = aeviz.load_checkpoint(shipped("colorizer"))
    with pytest.raises(aeviz.ConfigError, match="code vector"):
        cached_report(colorizer)


# --- leaving classes out, and ids that stay -----------------------------------------------------


def test_ids_of_configs_without_left_out_classes_are_unchanged():
    # the VAE's first recipe (two stages of the family's channels, two convs each, batch 128, lr 1e-3)
    cfg = aeviz.defaults_for("vae", dataset="mnist5k", latent_dim=16, epochs=30, hidden=(), stage_convs=2,
                             full_size_conv=True, batch_size=128, lr=1e-3)
    assert cfg.id == "vae-mnist5k-db5d8b57bb65"  # the id the 16-d VAE was shipped under until its recipe changed
    shipped = cfg.replace(epochs=60, batch_size=32, lr=2e-3, schedule="onecycle")
    assert shipped.id == "vae-mnist5k-e4fbd8312e88" and (SHIPPED_DIR / f"{shipped.id}.safetensors").is_file()
    assert "exclude_classes" not in json.loads(cfg.canonical_json())
    for e in aeviz.list_checkpoints([SHIPPED_DIR]):  # every shipped checkpoint keeps its id
        assert aeviz.TrainConfig.from_dict(e.meta["config"]).id == e.id
    left_out = cfg.replace(exclude_classes=(7,))
    assert left_out.id != cfg.id and left_out.id == cfg.replace(exclude_classes=[7, 7]).id
    assert aeviz.TrainConfig.from_dict(json.loads(left_out.canonical_json())) == left_out


@pytest.mark.parametrize("dataset, classes, words", [
    ("digits", (12,), ["no class 12", "0 to 9"]),
    ("digits", tuple(range(10)), ["nothing to train on"]),
    ("photos", (1,), ["No class can be left out of photos", "different classes"]),
])
def test_a_class_that_cannot_be_left_out_is_one_sentence(dataset, classes, words):
    train, test = aeviz.load_dataset(dataset, "train"), aeviz.load_dataset(dataset, "test")
    with pytest.raises(aeviz.DatasetError) as info:
        leave_out(train, test, classes)
    message = str(info.value)
    assert message.count(". ") == 0 and message.endswith(".") and all(w in message for w in words)


# --- the command line ----------------------------------------------------------------------------


def one_line_error(capsys, argv, *words):
    code = main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("aeviz: ") and "Traceback" not in err, err
    assert all(w in lines[0] for w in words), err


def test_eval_applications_json_prints_one_object_a_line_with_exactly_the_keys(digits_model, without_sevens, capsys):
    code = main(["eval", str(digits_model.path), str(without_sevens.path), "--applications", "--json"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    objects = [json.loads(line) for line in lines]
    assert [list(o) for o in objects] == [KEYS, KEYS]
    assert [o["checkpoint"] for o in objects] == [digits_model.checkpoint_id, without_sevens.checkpoint_id]
    assert objects[0]["anomaly"] is None and objects[1]["anomaly"]["classes"] == [7]
    assert objects[0] == cached_report(digits_model).summary


def test_eval_applications_prints_the_table(digits_model, capsys):
    assert main(["eval", str(digits_model.path), "--applications"]) == 0
    out = capsys.readouterr().out
    assert "k-means NMI: codes" in out and "JPEG PSNR at as many bytes" in out and "--exclude-classes" in out


def test_eval_applications_bad_input_is_one_sentence_and_exit_2(capsys):
    one_line_error(capsys, ["eval", shipped("colorizer"), "--applications"], "code vector")


def test_train_with_a_class_the_dataset_lacks_is_one_sentence_and_exit_2(capsys):
    argv = ["train", "--model", "vanilla", "--epochs", "1", "--exclude-classes"]
    one_line_error(capsys, argv + ["12", "--dataset", "digits"], "no class 12")
    one_line_error(capsys, argv + ["1", "--dataset", "photos"], "No class can be left out")
    with pytest.raises(SystemExit) as info:
        main(argv + ["seven"])
    assert info.value.code == 2 and "class numbers" in capsys.readouterr().err
