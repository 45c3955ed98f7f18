"""TrainConfig's canonical id, the training cache, divergence, and two processes at once."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import aeviz
import aeviz.training.loop
from aeviz import ConfigError, TrainConfig, TrainingDiverged
from aeviz.config import OMITTED_AT_DEFAULT

REPO = Path(__file__).resolve().parent.parent
FIELDS = sorted(f.name for f in dataclasses.fields(TrainConfig))

# --- the config and its id -------------------------------------------------------------------


def test_default_config_id_is_pinned():
    # Shipped checkpoints and every user's cache are found by this id: a change to the
    # fields, their defaults or the hashing invalidates all of them, so make it on purpose.
    assert TrainConfig().id == "conv-mnist5k-b305e90d2747"
    assert aeviz.defaults_for("vae", dataset="digits").id.startswith("vae-digits-")
    assert TrainConfig(dataset="folder:/home/me/cats").id.startswith("conv-folder-")


def test_canonical_json_has_every_field_sorted_and_round_trips():
    cfg = aeviz.defaults_for("deep", dataset="digits", lr=3e-4)
    text = cfg.canonical_json()
    d = json.loads(text)
    # every field, defaults filled in, keys sorted; a field added later only when it is set
    assert list(d) == [f for f in FIELDS if f not in OMITTED_AT_DEFAULT]
    assert " " not in text
    again = TrainConfig.from_dict(d)
    assert again == cfg and again.id == cfg.id and again.canonical_json() == text


def test_equal_configs_get_one_id_however_they_were_written():
    base = TrainConfig(model="deep", hidden=(512, 256), beta=1.0, lr=0.001, epochs=10)
    same = [
        TrainConfig(model="deep", hidden=[512, 256], beta=1, lr=1e-3, epochs=10),  # list, int beta
        TrainConfig.from_dict(dict(reversed(list(base.to_dict().items())))),       # key order
        TrainConfig(model="deep", hidden=(512, 256), epochs=10.0),                  # whole float
    ]
    for cfg in same:
        assert cfg == base and cfg.id == base.id and cfg.canonical_json() == base.canonical_json()


def test_a_different_config_gets_a_different_id():
    base = TrainConfig()
    changed = [base.replace(seed=1), base.replace(lr=2e-3), base.replace(model="vae"),
               base.replace(hidden=(16,)), base.replace(fully_conv=True), base.replace(dataset="digits")]
    ids = {base.id} | {c.id for c in changed}
    assert len(ids) == len(changed) + 1


def test_unknown_field_raises_config_error_naming_the_valid_fields():
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict({"model": "vae", "latnet_dim": 8})
    message = str(info.value)
    assert "latnet_dim" in message
    assert all(name in message for name in FIELDS)


@pytest.mark.parametrize("field, value, valid", [
    ("model", "resnet", sorted(aeviz.MODELS)),
    ("loss", "huber", ["mse", "bce", "l1"]),
    ("noise", "poisson", ["none", "gaussian", "salt-pepper", "mask"]),
    ("sparsity", "l2", ["l1", "kl"]),
])
def test_unknown_value_raises_config_error_naming_the_valid_values(field, value, valid):
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict({field: value})
    assert value in str(info.value)
    assert all(v in str(info.value) for v in valid)


def test_defaults_for_an_unknown_model_names_the_models():
    with pytest.raises(ConfigError) as info:
        aeviz.defaults_for("resnet")
    assert all(name in str(info.value) for name in aeviz.MODELS)


@pytest.mark.parametrize("changes", [
    {"latent_dim": 0}, {"lr": 0.0}, {"lr": -1e-3}, {"epochs": 0}, {"noise_level": 1.5},
    {"sparsity_target": 1.0}, {"hidden": (64, 0)}, {"image_size": -1},
    # wrong types are a ConfigError too, not a TypeError from deep inside
    {"latent_dim": "16"}, {"latent_dim": 16.5}, {"lr": "fast"}, {"fully_conv": "yes"},
    {"hidden": "wide"}, {"epochs": True},
])
def test_invalid_values_raise_config_error(changes):
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict(changes)
    assert str(info.value).endswith(".") and "\n" not in str(info.value)


# --- training and its cache --------------------------------------------------------------------


def tiny(name="vanilla", **overrides):
    return aeviz.defaults_for(name, dataset="digits", epochs=2, batch_size=32, **overrides)


def test_second_train_returns_the_cached_checkpoint_without_training(small_data, tmp_path, monkeypatch):
    cfg = tiny()
    epochs, batches = [], []
    path = aeviz.train(cfg, lambda e, logs: epochs.append(e), lambda *a: batches.append(a), ckpt_dir=tmp_path)
    assert path == tmp_path / f"{cfg.id}.safetensors" and path.is_file()
    assert epochs == [1, 2] and len(batches) == 2 * 3  # 96 images in batches of 32
    stamp = path.stat().st_mtime_ns

    def no_training(*args, **kwargs):
        raise AssertionError("trained again instead of using the cache")

    monkeypatch.setattr(aeviz.training.loop, "fit", no_training)
    epochs.clear()
    batches.clear()
    again = aeviz.train(cfg, lambda e, logs: epochs.append(e), lambda *a: batches.append(a), ckpt_dir=tmp_path)
    assert again == path and epochs == [] and batches == [] and path.stat().st_mtime_ns == stamp
    model = aeviz.load_checkpoint(again)
    assert model.config == cfg and model.meta["history"][-1]["epoch"] == 2


def test_cache_is_found_in_the_user_folder_by_default(small_data, aeviz_dirs):
    cfg = tiny()
    path = aeviz.train(cfg)
    assert path.parent == aeviz_dirs.checkpoints
    assert aeviz.checkpoints.find(cfg.id) == path
    assert aeviz.load_checkpoint(cfg.id).config == cfg  # loads by id as well as by path


def test_a_different_config_trains_its_own_checkpoint(small_data, tmp_path):
    first = aeviz.train(tiny(), ckpt_dir=tmp_path)
    calls = []
    second = aeviz.train(tiny(seed=1), lambda e, logs: calls.append(e), ckpt_dir=tmp_path)
    assert second != first and calls == [1, 2]
    assert {p.name for p in tmp_path.glob("*.safetensors")} == {first.name, second.name}


def test_force_trains_again(small_data, tmp_path):
    cfg = tiny()
    aeviz.train(cfg, ckpt_dir=tmp_path)
    calls = []
    aeviz.train(cfg, lambda e, logs: calls.append(e), ckpt_dir=tmp_path, force=True)
    assert calls == [1, 2]


# --- a run that blows up ---------------------------------------------------------------------


@pytest.mark.parametrize("lr", [1e3, 1e6])
@pytest.mark.parametrize("name", ["vae", "sparse", "transformer"])
def test_absurd_learning_rate_raises_training_diverged_and_saves_nothing(name, lr, small_data, tmp_path):
    cfg = tiny(name, lr=lr)
    with pytest.raises(TrainingDiverged) as info:
        aeviz.train(cfg, ckpt_dir=tmp_path)
    message = str(info.value)
    assert f"lr={lr:g}" in message and "\n" not in message
    assert list(tmp_path.glob("*.safetensors")) == [] and list(tmp_path.glob("*.tmp")) == []
    assert aeviz.checkpoints.find(cfg.id) is None


# Models whose loss is bounded (a sigmoid output under MSE, the colorizer's tanh) never go NaN:
# at an absurd learning rate their loss sits on a plateau. The weight check catches them.
@pytest.mark.parametrize("name", sorted(aeviz.MODELS))
def test_every_model_reports_divergence_at_an_absurd_learning_rate(name, small_data, tmp_path):
    overrides = {"lr": 1e6, "dataset": "photos" if name == "colorizer" else "digits"}
    cfg = aeviz.defaults_for(name, epochs=2, batch_size=32, **overrides)
    with pytest.raises(TrainingDiverged):
        aeviz.train(cfg, ckpt_dir=tmp_path)
    assert list(tmp_path.glob("*.safetensors")) == []


# --- two processes asking for the same run -----------------------------------------------------

TRAIN_SCRIPT = """
import sys, aeviz
cfg = aeviz.defaults_for("vanilla", dataset="digits", epochs=3, batch_size=16)
path = aeviz.train(cfg, on_epoch_end=lambda epoch, logs: print("epoch", epoch, flush=True))
print("PATH", path, flush=True)
"""


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_two_processes_training_the_same_config_train_once(aeviz_dirs):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", TRAIN_SCRIPT], cwd=REPO, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        outputs.append(out)
    paths = {line.split(" ", 1)[1] for out in outputs for line in out.splitlines() if line.startswith("PATH ")}
    assert len(paths) == 1
    path = Path(paths.pop())
    assert path.parent == aeviz_dirs.checkpoints
    epoch_lines = sum(line.startswith("epoch ") for out in outputs for line in out.splitlines())
    assert epoch_lines == 3, outputs  # one process trained its 3 epochs; the other waited and took its file
    assert aeviz.load_checkpoint(path).config.epochs == 3  # the file loads and verifies
    assert [p.name for p in aeviz_dirs.checkpoints.iterdir() if not p.name.endswith(".lock")] == [path.name]
