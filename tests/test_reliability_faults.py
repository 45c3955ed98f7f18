"""Faults a training run must survive (issue 5): SIGKILL at random moments, two processes
training one configuration, a folder that refuses writes, a diverging loss, and a resume
state that is corrupt. The faults are injected into real `aeviz train` processes on real
files; the in-process tests cover what needs a finer hand (an interruption at a chosen epoch)."""
from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

import aeviz
import aeviz.training.loop
from aeviz import checkpoints
from aeviz.training import resume

REPO = Path(__file__).resolve().parent.parent
EPOCHS = 16
ARGS = ["--model", "vanilla", "--dataset", "digits", "--epochs", str(EPOCHS), "--batch-size", "64",
        "--latent-dim", "4"]
EPOCH_LINE = re.compile(r"epoch (\d+): train loss")
pytestmark = pytest.mark.timeout(300)


def config(**changes):
    """The configuration ARGS asks the CLI for."""
    return aeviz.defaults_for("vanilla", **{"dataset": "digits", "epochs": EPOCHS, "batch_size": 64,
                                            "latent_dim": 4, **changes})


def cli(out: Path, *args, max_file_size: int | None = None, logs: Path | None = None,
        slow_fsync: str | None = None) -> subprocess.Popen:
    """`aeviz train` in its own process, its stdout and stderr in files beside out (pipes
    when its file size is limited, since the limit would cut those files short too).
    slow_fsync: a glob of file names whose fsync takes half a second (support/slow_fsync)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(REPO),
           "PYTHONDONTWRITEBYTECODE": "1"}
    if slow_fsync:
        env["PYTHONPATH"] += os.pathsep + str(REPO / "tests" / "support" / "slow_fsync")
        env["AEVIZ_TEST_SLOW_FSYNC"] = slow_fsync
    logs = logs or out.parent / "logs"
    logs.mkdir(exist_ok=True)
    n = len(list(logs.glob("*.err")))
    files = {"stdout": logs / f"{n}.out", "stderr": logs / f"{n}.err"}
    with contextlib.ExitStack() as opened:  # the child keeps its own copies of the files
        streams = {k: subprocess.PIPE if max_file_size else opened.enter_context(open(f, "w"))
                   for k, f in files.items()}
        # preexec_fn only sets a limit and a signal disposition: nothing that takes a lock.
        proc = subprocess.Popen([sys.executable, "-m", "aeviz.cli", "train", *ARGS, *args, "--out", str(out)],
                                cwd=REPO, env=env, text=True, **streams,
                                preexec_fn=max_file_size and limit_file_size(max_file_size))  # noqa: PLW1509
    proc.out, proc.err = files["stdout"], files["stderr"]
    return proc


def finish(proc, timeout=120) -> tuple[int, str, str]:
    """Wait for the process; its exit code, stdout and stderr."""
    if proc.stdout is not None:  # pipes
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    proc.wait(timeout=timeout)
    return proc.returncode, proc.out.read_text(), proc.err.read_text()


def limit_file_size(limit: int):
    """In the child: writes past limit bytes fail with EFBIG, as on a full disk (and the
    signal that would kill the process instead is ignored, as Python does anyway)."""
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return apply


def epochs_reported(proc) -> int:
    return len(EPOCH_LINE.findall(proc.err.read_text()))


def poll(proc, condition, interval=0.002, timeout=90.0) -> bool:
    """Wait until condition() holds (True) or the process has ended (False). Interval 0 spins,
    for a window of a few milliseconds (a file being written)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the training process made no progress"
        time.sleep(interval)
    return True


def temporary(folder: Path, pattern="*.tmp") -> list[Path]:
    return list(folder.glob(pattern))


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def assert_one_line_error(err: str, *words):
    """stderr, the progress bar aside, is one sentence: no traceback, no warning."""
    lines = [line for line in re.split(r"[\r\n]+", err) if line.strip() and "%|" not in line]
    assert len(lines) == 1 and lines[0].startswith("aeviz: ") and "Traceback" not in err, err
    assert all(w in lines[0] for w in words), lines[0]


def assert_only_finished_checkpoints(folder: Path, cfg):
    """Whatever list_checkpoints shows verifies and holds a whole run; hidden files are never shown."""
    for entry in aeviz.list_checkpoints([folder]):
        assert entry.meta is not None and not entry.path.name.startswith("."), entry
        assert checkpoints.verify(entry.path)
        assert len(entry.meta["history"]) == cfg.epochs


def weights(path: Path) -> dict[str, torch.Tensor]:
    return aeviz.load_checkpoint(path).state_dict()


# --- SIGKILL -------------------------------------------------------------------------------------

# Where each kill lands: a seeded delay into an epoch, while the resume state is being written
# (its temporary file exists), and while the finished checkpoint itself is being written.
KILLS = ["timed", "resume-save", "timed", "resume-save", "final-save"]


def kill_at(mode: str, proc, out: Path, cfg, rng: random.Random) -> None:
    """SIGKILL proc at the moment mode names; fails if the run ended first."""
    if mode == "final-save":
        landed = poll(proc, lambda: f"epoch {cfg.epochs}:" in proc.err.read_text()) and \
            poll(proc, lambda: temporary(out, f".{cfg.id}.safetensors.*.tmp"), interval=0)
    else:  # after 1 or 2 epochs and a bit, so the fifth run still has epochs to go
        k = rng.randint(1, 2)
        landed = poll(proc, lambda: epochs_reported(proc) >= k)
        if mode == "timed":
            time.sleep(rng.uniform(0.0, 0.1))
        else:
            landed = landed and poll(proc, lambda: temporary(out), interval=0)
    assert landed, f"the process ended before the {mode} kill: {proc.err.read_text()[-500:]}"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_old_state_or_none_and_the_rerun_matches(tmp_path):
    cfg, out, rng = config(), tmp_path / "checkpoints", random.Random(5)
    kept_epochs, mid_write = [0], 0
    for mode in KILLS:
        # The finished checkpoint is written once, at the end: its fsync is slowed so that the
        # final-save kill can find its temporary file (a fast disk writes it in a millisecond).
        kill_at(mode, cli(out, slow_fsync=f".{cfg.id}.safetensors.*.tmp"), out, cfg, rng)
        mid_write += bool(temporary(out))  # a writer killed between open and rename left its file
        assert_only_finished_checkpoints(out, cfg)
        state = resume.load(resume.path_for(out, cfg.id), cfg)  # the previous complete state, or none
        kept_epochs.append(state["epoch"] if state else 0)
        assert kept_epochs[-1] >= kept_epochs[-2], kept_epochs  # no finished epoch is ever lost

    assert mid_write >= 1, "no kill landed during a write; the test did not test that"
    code, stdout, err = finish(cli(out))
    assert code == 0, err
    path = Path(stdout.strip().splitlines()[-1])
    meta = aeviz.load_checkpoint(path).meta
    assert meta["resumed_from_epoch"] == kept_epochs[-1] > 0 and len(meta["history"]) == EPOCHS
    if kept_epochs[-1] < EPOCHS:
        assert f"Resuming {cfg.id} after epoch {kept_epochs[-1]} of {EPOCHS}." in err
    assert [p.name for p in out.iterdir() if p.name != f".{cfg.id}.lock"] == [path.name]  # no state or temp left

    # Five kills later, the same weights as a run never interrupted (CPU, one thread, same seed).
    # (force: out is also the user folder, where train() would find this very file.)
    reference = aeviz.train(cfg, ckpt_dir=tmp_path / "reference", force=True)
    assert reference.parent == tmp_path / "reference"
    expected, got = weights(reference), weights(path)
    assert all(torch.equal(expected[k], got[k]) for k in expected)


# --- two processes, one configuration ---------------------------------------------------------


@pytest.mark.slow
def test_two_processes_training_one_config_train_once_and_share_the_checkpoint(tmp_path):
    out = tmp_path / "checkpoints"
    procs = [cli(out), cli(out)]
    results = [finish(p) for p in procs]
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    paths = {stdout.strip().splitlines()[-1] for _, stdout, _ in results}
    assert len(paths) == 1
    epoch_lines = [EPOCH_LINE.findall(err) for _, _, err in results]
    assert sorted(len(lines) for lines in epoch_lines) == [0, EPOCHS]  # one trained, the other waited
    path = Path(paths.pop())
    assert checkpoints.verify(path) and len(aeviz.load_checkpoint(path).meta["history"]) == EPOCHS
    assert [p.name for p in out.iterdir() if not p.name.endswith(".lock")] == [path.name]


# --- a folder that refuses writes -----------------------------------------------------------------


class Stop(Exception):
    pass


def stop_after(epoch):
    def on_epoch_end(e, logs):
        if e == epoch:
            raise Stop
    return on_epoch_end


@pytest.mark.slow
def test_a_full_disk_while_saving_exits_1_and_keeps_the_earlier_files(tmp_path):
    out, cfg = tmp_path / "checkpoints", config()
    earlier = aeviz.train(config(epochs=2), ckpt_dir=out)
    with pytest.raises(Stop):  # the run stopped after its last epoch, before the checkpoint
        aeviz.train(cfg, stop_after(EPOCHS), ckpt_dir=out)
    before = digests(out)
    assert f".{cfg.id}.resume.safetensors" in before

    code, _, err = finish(cli(out, max_file_size=1024))
    assert code == 1
    assert_one_line_error(err, "Could not write the checkpoint", str(out), "File too large")
    assert digests(out) == before and temporary(out) == []  # byte for byte, nothing half-written
    assert checkpoints.verify(earlier)

    # With room again, the same run finishes from the state the full disk did not take.
    path = aeviz.train(cfg, ckpt_dir=out)
    assert aeviz.load_checkpoint(path).meta["resumed_from_epoch"] == EPOCHS


@pytest.mark.slow
def test_a_full_disk_at_the_first_epoch_exits_1_before_training_on(tmp_path):
    out = tmp_path / "checkpoints"
    earlier = aeviz.train(config(epochs=2), ckpt_dir=out)
    before = digests(out)
    code, _, err = finish(cli(out, max_file_size=1024))
    assert code == 1
    assert_one_line_error(err, "Could not write the resume state", "File too large")
    assert len(EPOCH_LINE.findall(err)) == 0  # it stopped at the first save, not hours later
    assert {k: v for k, v in digests(out).items() if k in before} == before and temporary(out) == []
    assert [e.path for e in aeviz.list_checkpoints([out])] == [earlier]


def test_a_checkpoint_folder_under_a_file_exits_1_with_one_sentence(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the checkpoint folder's parent should be")
    code, stdout, err = finish(cli(blocker / "checkpoints", logs=tmp_path / "logs"))
    assert code == 1 and stdout == ""
    assert_one_line_error(err, "Could not write to the checkpoint folder", "Not a directory")
    assert blocker.read_text().startswith("a file")


@contextlib.contextmanager
def read_only(folder: Path):
    """The folder made read-only for real; yields the error the kernel will give. A user
    gets chmod 0o555; root writes regardless of modes, so for root the folder is bind-mounted
    read-only onto itself (where mounting is not allowed, the test is skipped)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "Permission denied"
        finally:
            folder.chmod(0o755)
        return
    mount = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mount.returncode != 0:
        pytest.skip("root, and no bind mount allowed here: no way to make a folder read-only")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("root, and no read-only remount allowed here")
        yield "Read-only file system"
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_read_only_checkpoint_folder_exits_1_and_keeps_the_earlier_files(tmp_path):
    out = tmp_path / "checkpoints"
    earlier = aeviz.train(config(epochs=2), ckpt_dir=out)
    before = digests(out)
    with read_only(out) as refusal:
        code, _, err = finish(cli(out))
    assert code == 1
    assert_one_line_error(err, str(out), refusal)
    assert digests(out) == before and checkpoints.verify(earlier)


# --- a loss that explodes ------------------------------------------------------------------------


@pytest.mark.slow
def test_an_absurd_learning_rate_exits_1_naming_it_and_saves_nothing(tmp_path):
    out = tmp_path / "checkpoints"
    code, stdout, err = finish(cli(out, "--lr", "1e6"))
    assert code == 1 and stdout == ""
    assert_one_line_error(err, "learning rate", "lr=1e+06", "Nothing was saved")
    assert aeviz.list_checkpoints([out]) == []
    assert [p.name for p in out.iterdir() if not p.name.endswith(".lock")] == []  # no resume state either


def test_a_run_diverging_after_a_saved_epoch_drops_its_resume_state(tmp_path, small_data):
    good, bad = config(epochs=3), config(epochs=3, lr=1e6)

    def keep_the_first_epoch(state):  # as if the absurd run had lived through its first epoch
        if state["epoch"] == 1:
            for opt in state["optimizers"]:
                for group in opt["param_groups"]:
                    group["lr"] = bad.lr
            resume.save(state, bad, resume.path_for(tmp_path, bad.id))

    aeviz.training.loop.fit(good, save_state=keep_the_first_epoch)
    seen = []
    with pytest.raises(aeviz.TrainingDiverged, match="lr=1e"):
        aeviz.train(bad, lambda e, logs: seen.append(e), ckpt_dir=tmp_path)
    assert seen == []  # it resumed at epoch 2 and diverged there
    assert aeviz.list_checkpoints([tmp_path]) == [] and not resume.path_for(tmp_path, bad.id).exists()


# --- resume state, in process ---------------------------------------------------------------------


@pytest.mark.parametrize("name, schedule", [("vae", "constant"), ("aae", "onecycle"), ("conv", "constant"),
                                            ("conv", "onecycle")])  # the global RNG; two optimizers; plain
def test_an_interrupted_run_resumes_to_the_same_weights(name, schedule, tmp_path, small_data):
    cfg = aeviz.defaults_for(name, dataset="digits", epochs=4, batch_size=32, noise="gaussian", noise_level=0.2,
                             schedule=schedule)
    reference = aeviz.train(cfg, ckpt_dir=tmp_path / "reference")
    with pytest.raises(Stop):
        aeviz.train(cfg, stop_after(2), ckpt_dir=tmp_path)
    state = resume.path_for(tmp_path, cfg.id)
    assert state.is_file() and aeviz.list_checkpoints([tmp_path]) == []
    assert checkpoints.find(cfg.id) is None and aeviz.training.loop.cached(cfg, tmp_path) is None
    with pytest.raises(aeviz.CheckpointError):  # never loaded as a finished checkpoint
        aeviz.load_checkpoint(state)
    seen = []
    path = aeviz.train(cfg, lambda e, logs: seen.append(e), ckpt_dir=tmp_path)
    assert seen == [3, 4] and not state.exists()
    meta = aeviz.load_checkpoint(path).meta
    assert meta["resumed_from_epoch"] == 2 and [h["epoch"] for h in meta["history"]] == [1, 2, 3, 4]
    expected, got = weights(reference), weights(path)
    assert all(torch.equal(expected[k], got[k]) for k in expected)


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "other-config"])
def test_a_damaged_resume_state_is_ignored_and_the_run_starts_afresh(damage, tmp_path, small_data, caplog):
    cfg = aeviz.defaults_for("vanilla", dataset="digits", epochs=3, batch_size=32)
    state = resume.path_for(tmp_path, cfg.id)
    if damage == "other-config":
        other = cfg.replace(seed=1)
        with pytest.raises(Stop):
            aeviz.train(other, stop_after(2), ckpt_dir=tmp_path)
        resume.path_for(tmp_path, other.id).rename(state)
    else:
        with pytest.raises(Stop):
            aeviz.train(cfg, stop_after(2), ckpt_dir=tmp_path)
        blob = bytearray(state.read_bytes())
        if damage == "truncated":
            blob = blob[: len(blob) // 2]
        elif damage == "flipped":
            blob[-5] ^= 0xFF
        else:
            blob = bytearray(b"\x00" * 8 + b"not a safetensors file")
        state.write_bytes(bytes(blob))
    seen = []
    path = aeviz.train(cfg, lambda e, logs: seen.append(e), ckpt_dir=tmp_path)
    assert seen == [1, 2, 3] and aeviz.load_checkpoint(path).meta["resumed_from_epoch"] is None
    assert "Ignoring the resume state" in caplog.text and not state.exists()
