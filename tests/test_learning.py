"""The map as it learns (aeviz/latent/learning.py): which epochs are recorded, the frames'
alignment, a record kept across a killed run, its size, and `aeviz train --record-learning`."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import aeviz
from aeviz import cli
from aeviz.checkpoints import load
from aeviz.latent import learning
from aeviz.training.loop import train


@pytest.mark.parametrize("epochs", [1, 5, 24, 30, 60, 200])
def test_recorded_epochs_run_from_the_untrained_model_to_the_last_log_spaced(epochs):
    when = learning.record_epochs(epochs)
    assert when[0] == 0 and when[-1] == epochs
    assert when == sorted(set(when)) and len(when) <= learning.MAX_FRAMES + 1
    if epochs <= learning.MAX_FRAMES:
        assert when == list(range(epochs + 1))
    else:  # log-spaced: the early epochs, where the map moves most, are recorded more densely
        gaps = np.diff(when[1:])
        assert gaps[0] <= gaps[-1] and gaps[-1] > 1


def test_procrustes_undoes_a_rotation_a_reflection_a_scale_and_a_shift():
    rng = np.random.default_rng(0)
    fixed = rng.normal(size=(200, 2)).astype(np.float32)
    angle = 1.1
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) @ np.diag([1, -1])
    moving = 3.5 * fixed @ turn + np.array([7.0, -2.0])
    np.testing.assert_allclose(learning.procrustes(moving, fixed), fixed, atol=1e-4)
    noisy = moving + rng.normal(scale=0.1, size=moving.shape)
    assert np.abs(learning.procrustes(noisy, fixed) - fixed).mean() < 0.1


def test_the_frames_of_a_slowly_changing_code_move_little_from_one_to_the_next():
    """Codes that drift a little between frames: each frame's places stay near the next's
    (no frame turns or flips the map), and the last frame is the codes' own UMAP map."""
    rng = np.random.default_rng(1)
    centres = rng.normal(scale=4, size=(5, 8))
    base = (centres[rng.integers(0, 5, 300)] + rng.normal(size=(300, 8))).astype(np.float32)
    codes = np.stack([base + 0.05 * k * rng.normal(size=base.shape).astype(np.float32) for k in range(3)])
    places = learning.layout(codes)
    assert places.shape == (3, 300, 2) and np.isfinite(places).all()
    spread = places[-1].std()
    for f in range(2):
        assert np.abs(places[f] - places[f + 1]).mean() < 0.5 * spread


def tiny(epochs=3, **kw):
    return aeviz.defaults_for("vae", dataset="digits", latent_dim=4, epochs=epochs, batch_size=32, **kw)


def test_a_recorded_run_trains_the_same_weights_and_keeps_every_frame(small_data, aeviz_dirs, tmp_path):
    cfg = tiny()
    plain = train(cfg, ckpt_dir=tmp_path / "plain")
    recorder = learning.Recorder(cfg.epochs)
    watched = train(cfg, ckpt_dir=tmp_path / "watched", watch=recorder)
    # Recording reads the model in eval mode and draws no random number the run uses.
    a, b = load(plain).state_dict(), load(watched).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    record = recorder.finish()
    assert list(record.epochs) == learning.record_epochs(cfg.epochs)
    n = 48  # small_data's test split
    assert record.codes.shape == (4, n, 4) and record.positions.shape == (4, n, 2)
    assert record.recon.shape == (4, learning.SHOWN, 1, 8, 8) and record.recon.dtype == np.uint8
    assert record.test_mse[-1] < record.test_mse[0], "the trained model reconstructs better than the untrained one"


def test_a_killed_run_keeps_its_frames_and_records_again_from_where_it_resumes(small_data, tmp_path):
    cfg = tiny(epochs=4)
    partial = tmp_path / "partial.npz"
    first = learning.Recorder(cfg.epochs, partial)
    ds = aeviz.load_dataset("digits", "test")
    model = aeviz.build(cfg, ds.image_shape)
    for epoch in (0, 1, 2):
        first(epoch, model, ds)
    resumed = learning.Recorder(cfg.epochs, partial)  # a new process after the kill
    assert [fr["epoch"] for fr in resumed.frames] == [0, 1, 2]
    resumed(2, model, ds)  # the run resumed after epoch 1: epoch 2 is trained (and recorded) again
    assert [fr["epoch"] for fr in resumed.frames] == [0, 1, 2]
    resumed(3, model, ds)
    resumed(4, model, ds)
    assert list(resumed.finish().epochs) == [0, 1, 2, 3, 4]
    resumed.discard()
    assert not partial.exists()


def test_thirty_epochs_of_a_16_d_code_of_digits_fit_in_five_megabytes():
    frames = len(learning.record_epochs(30))
    rng = np.random.default_rng(0)
    record = learning.Learning(
        epochs=np.arange(frames), positions=rng.normal(size=(frames, learning.SUBSET, 2)).astype(np.float32),
        codes=rng.normal(size=(frames, learning.SUBSET, 16)).astype(np.float16),
        labels=rng.integers(0, 10, learning.SUBSET), index=np.arange(learning.SUBSET),
        recon=rng.integers(0, 256, (frames, learning.SHOWN, 1, 28, 28), dtype=np.uint8),
        originals=rng.integers(0, 256, (learning.SHOWN, 1, 28, 28), dtype=np.uint8),
        test_mse=np.ones(frames, np.float32))
    assert learning.nbytes(record) <= 5_000_000


def test_record_learning_keeps_the_record_beside_the_checkpoint(small_data, aeviz_dirs, capsys):
    args = ["train", "--model", "vae", "--dataset", "digits", "--latent-dim", "4", "--epochs", "2",
            "--batch-size", "32", "--record-learning"]
    assert cli.main(args) == 0
    path = capsys.readouterr().out.strip().splitlines()[-1]
    model = load(path)
    record = learning.find(model)
    assert record is not None and list(record.epochs) == [0, 1, 2]
    assert not list(aeviz_dirs.checkpoints.glob(".*learning*")), "the partial record is gone once kept"
    # Asked again, the cached checkpoint is returned, and the record is found with it.
    assert cli.main(args) == 0
    assert "--force" not in capsys.readouterr().err


def test_the_replay_payload_is_plain_json_with_one_strip_per_frame():
    from aeviz.dashboard.components import replay

    frames, n = 3, 20
    record = learning.Learning(
        epochs=np.arange(frames), positions=np.zeros((frames, n, 2), np.float32),
        codes=np.zeros((frames, n, 4), np.float16), labels=np.arange(n) % 10, index=np.arange(n),
        recon=np.zeros((frames, learning.SHOWN, 1, 8, 8), np.uint8),
        originals=np.zeros((learning.SHOWN, 1, 8, 8), np.uint8), test_mse=np.ones(frames, np.float32))
    data = replay.payload(record, "id")
    json.dumps(data)
    assert len(data["recon"]) == frames and data["n"] == n and data["labels"] is not None
    assert torch.frombuffer(bytearray(__import__("base64").b64decode(data["positions"])), dtype=torch.float32).numel() \
        == frames * n * 2


def shipped_record_model():
    from support.pages import shipped

    return load(shipped("vae", dataset="mnist5k", latent_dim=2))


def test_the_shipped_2d_vae_ships_its_map_as_it_learned():
    model = shipped_record_model()
    record = learning.find(model)
    assert record is not None, "scripts/ship_checkpoints.py trains the 2-d VAE with --record-learning"
    assert list(record.epochs) == learning.record_epochs(model.config.epochs)
    assert record.positions.shape[1] == learning.SUBSET
    assert record.test_mse[-1] < record.test_mse[0] / 2
    # A 2-d code is its own map: the last frame is the codes as the checkpoint encodes them.
    ds = aeviz.load_dataset("mnist5k", "test")
    from aeviz.latent import encode_all
    np.testing.assert_allclose(record.positions[-1], encode_all(model, ds.x[record.index]), atol=2e-2)


@pytest.mark.slow
def test_the_latent_map_page_plays_the_record():
    from support.pages import open_page
    from aeviz.dashboard.ui import CHECKPOINT_KEY

    at = open_page("views/latent_map.py", **{CHECKPOINT_KEY: shipped_record_model().checkpoint_id})
    assert any("The map as it learned" in h.value for h in at.subheader)
    assert any("2-d codes themselves" in c.value for c in at.caption)
