"""`aeviz` on the command line: exit codes, one-line errors, and what each command prints."""
from __future__ import annotations


import numpy as np
import pytest

import aeviz
import aeviz.training.loop
from aeviz.cli import main

TINY = ["train", "--model", "vanilla", "--dataset", "digits", "--epochs", "1", "--latent-dim", "4"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err, *words):
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("aeviz: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0], err


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A checkpoint the way the CLI makes one (a module-wide folder, trained once)."""
    folder = tmp_path_factory.mktemp("cli-checkpoints")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AEVIZ_CHECKPOINTS", str(folder))
        assert main(TINY) == 0
    return folder / f"{aeviz.defaults_for('vanilla', dataset='digits', epochs=1, latent_dim=4).id}.safetensors"


def test_models_and_datasets_list_their_names(capsys):
    code, out, _ = run(capsys, "models")
    assert code == 0 and all(name in out for name in aeviz.MODELS)
    code, out, _ = run(capsys, "datasets")
    assert code == 0
    for name in ("mnist5k", "digits", "photos", "mnist", "fashion-mnist", "kmnist", "cifar10", "svhn", "folder:PATH"):
        assert name in out


@pytest.mark.parametrize("flag, value, valid", [
    ("--model", "resnet", sorted(aeviz.MODELS)),
    ("--loss", "huber", ["mse", "bce", "l1"]),
    ("--noise", "poisson", ["gaussian", "salt-pepper", "mask"]),
])
def test_train_with_an_unknown_choice_exits_2_listing_the_valid_ones(capsys, flag, value, valid):
    argv = ["train", "--model", "vanilla", flag, value] if flag != "--model" else ["train", flag, value]
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert value in err and all(v in err for v in valid)


def test_train_with_an_unknown_dataset_exits_2_with_one_line(capsys, aeviz_dirs):
    code, out, err = run(capsys, "train", "--model", "vanilla", "--dataset", "imagenet")
    assert code == 2
    assert_one_line_error(err, "imagenet", "mnist5k", "digits")
    assert not list(aeviz_dirs.checkpoints.glob("*.safetensors"))


def test_train_with_an_invalid_value_exits_2_with_one_line(capsys):
    code, _, err = run(capsys, "train", "--model", "vanilla", "--latent-dim", "0")
    assert code == 2
    assert_one_line_error(err, "latent_dim")


@pytest.mark.slow
def test_train_prints_the_path_then_finds_it_cached(capsys, aeviz_dirs, monkeypatch):
    code, out, err = run(capsys, *TINY)
    assert code == 0
    path = out.strip().splitlines()[-1]
    assert path.endswith(".safetensors") and path.startswith(str(aeviz_dirs.checkpoints))
    assert "epoch 1" in err and "test:" in out

    def no_training(*args, **kwargs):
        raise AssertionError("trained again instead of using the cache")

    monkeypatch.setattr(aeviz.training.loop, "fit", no_training)
    code, out, err = run(capsys, *TINY)
    assert code == 0 and "Cached" in out and "epoch" not in err
    assert out.strip().splitlines()[-1] == path


def test_train_with_an_absurd_learning_rate_exits_1_and_saves_nothing(capsys, aeviz_dirs):
    code, _, err = run(capsys, "train", "--model", "vae", "--dataset", "digits", "--epochs", "1", "--lr", "1e6")
    assert code == 1
    assert "lr=1e+06" in err.strip().splitlines()[-1] and "Traceback" not in err
    assert not list(aeviz_dirs.checkpoints.glob("*.safetensors"))


def test_list_shows_the_checkpoint(capsys, trained, monkeypatch):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(trained.parent))
    code, out, _ = run(capsys, "list")
    assert code == 0 and trained.stem in out and str(trained) in out


def test_list_marks_a_broken_checkpoint_beside_good_ones(capsys, trained, tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / trained.name).write_bytes(trained.read_bytes())
    (folder / "broken.safetensors").write_bytes(b"garbage")
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(folder))
    code, out, _ = run(capsys, "list")
    assert code == 0 and trained.stem in out
    broken = [line for line in out.splitlines() if line.startswith("broken ")]
    assert len(broken) == 1 and "BROKEN" in broken[0]


def test_eval_prints_the_metrics_beside_pca(capsys, trained):
    code, out, _ = run(capsys, "eval", str(trained))
    assert code == 0
    metrics = {line.split()[0]: float(line.split()[1]) for line in out.splitlines()[3:] if line.strip()}
    assert {"mse", "psnr", "ssim", "pca_mse"} <= set(metrics)
    assert 0 < metrics["mse"] < 1 and metrics["psnr"] > 0 and -1 <= metrics["ssim"] <= 1
    assert metrics["mse"] == pytest.approx(aeviz.load_checkpoint(trained).meta["test"]["mse"], rel=1e-3)


def test_eval_by_id(capsys, trained, monkeypatch):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(trained.parent))
    code, out, _ = run(capsys, "eval", trained.stem)
    assert code == 0 and "pca_mse" in out


@pytest.mark.parametrize("suffix", [".npz", ".csv"])
def test_embed_writes_codes_labels_and_coordinates(capsys, trained, tmp_path, suffix):
    out_file = tmp_path / "out" / f"embedding{suffix}"
    code, out, _ = run(capsys, "embed", str(trained), "--out", str(out_file), "--method", "pca")
    assert code == 0 and out.strip().splitlines()[-1] == str(out_file)
    n_test = len(aeviz.load_dataset("digits", "test"))
    if suffix == ".npz":
        with np.load(out_file) as f:
            codes, labels, coords = f["codes"], f["labels"], f["coords"]
    else:
        header = out_file.read_text().splitlines()[0].split(",")
        assert header[:3] == ["label", "pca_x", "pca_y"] and header[3:] == ["z0", "z1", "z2", "z3"]
        table = np.loadtxt(out_file, delimiter=",", skiprows=1)
        labels, coords, codes = table[:, 0], table[:, 1:3], table[:, 3:]
    assert codes.shape == (n_test, 4) and coords.shape == (n_test, 2) and labels.shape == (n_test,)
    assert set(labels.astype(int).tolist()) == set(range(10))


def test_eval_of_a_corrupt_file_exits_1_with_one_line(capsys, trained, tmp_path):
    corrupt = tmp_path / trained.name
    blob = bytearray(trained.read_bytes())
    blob[-3] ^= 0xFF
    corrupt.write_bytes(bytes(blob))
    code, _, err = run(capsys, "eval", str(corrupt))
    assert code == 1
    assert_one_line_error(err, trained.name, "checksum")
    garbage = tmp_path / "garbage.safetensors"
    garbage.write_bytes(b"\x00" * 4)
    code, _, err = run(capsys, "eval", str(garbage))
    assert code == 1
    assert_one_line_error(err, "garbage.safetensors")


def test_eval_of_an_unknown_id_or_a_missing_file_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "eval", "no-such-checkpoint")
    assert code == 2
    assert_one_line_error(err, "no-such-checkpoint")
    code, _, err = run(capsys, "eval", str(tmp_path / "gone.safetensors"))
    assert code == 2
    assert_one_line_error(err, "gone.safetensors")


def test_embed_to_an_unsupported_suffix_exits_2(capsys, trained, tmp_path):
    code, _, err = run(capsys, "embed", str(trained), "--out", str(tmp_path / "x.txt"))
    assert code == 2
    assert_one_line_error(err, ".npz", ".csv")
    assert not (tmp_path / "x.txt").exists()


def test_a_transformer_width_its_attention_heads_cannot_split_exits_2(capsys):
    """Found by tests/test_fuzz_checkpoints.py: torch's AssertionError ("embed_dim must be
    divisible by num_heads") reached the user as a traceback once the data had loaded."""
    code, _, err = run(capsys, "train", "--model", "transformer", "--dataset", "digits", "--hidden", "10")
    assert code == 2
    assert_one_line_error(err, "multiple of its 4 attention heads", "not 10")
