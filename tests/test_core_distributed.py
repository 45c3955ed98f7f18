"""Data-parallel training: each process's share of a batch, the noise it draws, the launcher's
report of a process that died; and, in real gloo processes, the same result as one process,
one whole checkpoint that records the world size, and a killed rank that fails cleanly."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

import aeviz
from aeviz.training import distributed, feed, resume
from aeviz.cli import main
from aeviz.config import NOISES
from aeviz.datasets import corrupt

REPO = Path(__file__).resolve().parent.parent


def as_rank(monkeypatch, rank: int, world: int) -> None:
    monkeypatch.setattr(distributed, "rank", lambda: rank)
    monkeypatch.setattr(distributed, "world_size", lambda: world)


@pytest.mark.parametrize("batch, world", [(32, 2), (29, 2), (7, 3), (128, 4), (3, 3)])
def test_the_shares_of_all_ranks_are_the_batch_once_in_order(monkeypatch, batch, world):
    rows = []
    for r in range(world):
        as_rank(monkeypatch, r, world)
        rows.append(distributed.share(batch))
    assert [i for s in rows for i in range(s.start, s.stop)] == list(range(batch))
    sizes = [s.stop - s.start for s in rows]
    assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1


@pytest.mark.parametrize("noise", [n for n in NOISES if n != "none"])
def test_each_rank_draws_the_noise_one_process_draws_for_its_rows(monkeypatch, noise):
    cfg = aeviz.TrainConfig(noise=noise, noise_level=0.4)
    x = torch.rand(10, 3, 6, 6)
    whole = corrupt(x, noise, 0.4, torch.Generator().manual_seed(5))
    parts = []
    for r in range(3):
        as_rank(monkeypatch, r, 3)
        rows = distributed.share(len(x))
        parts.append(feed.corrupt_rows(x[rows], rows, len(x), cfg, torch.Generator().manual_seed(5)))
    assert torch.equal(torch.cat(parts), whole)


def test_ranks_together_take_the_steps_of_one_process(monkeypatch):
    cfg = aeviz.TrainConfig(batch_size=4, noise="gaussian", noise_level=0.2)
    x, perm = torch.rand(10, 1, 4, 4), torch.randperm(10, generator=torch.Generator().manual_seed(1))
    as_rank(monkeypatch, 0, 1)
    alone = list(feed.in_memory(x, perm, cfg, torch.Generator().manual_seed(2), lambda t: t))
    per_rank = []
    for r in range(2):
        as_rank(monkeypatch, r, 2)
        per_rank.append(list(feed.in_memory(x, perm, cfg, torch.Generator().manual_seed(2), lambda t: t)))
    assert len(alone) == len(per_rank[0]) == len(per_rank[1]) == 3  # 4 + 4 + 2 images
    for step, (clean, noisy) in enumerate(alone):
        assert torch.equal(torch.cat([per_rank[r][step][0] for r in range(2)]), clean)
        assert torch.equal(torch.cat([per_rank[r][step][1] for r in range(2)]), noisy)


def test_a_last_batch_smaller_than_the_world_still_feeds_every_rank(monkeypatch):
    as_rank(monkeypatch, 0, 4)
    idx = feed.global_batch(torch.arange(9), step=2, batch_size=4)  # one image left for 4 processes
    assert idx.tolist() == [8, 8, 8, 8]


def failure(exitcode: int, timestamp: int = 1, signal_name: str = "SIGKILL"):
    return SimpleNamespace(exitcode=exitcode, timestamp=timestamp, signal_name=lambda: signal_name)


def test_the_launcher_names_the_rank_that_died_not_the_ones_that_followed(capsys):
    # rank 0 stopped because rank 1 vanished: both are reported in the same second
    code = distributed._report({0: failure(distributed.EXIT_PEER_LOST), 1: failure(-9)}, nproc=2)
    err = capsys.readouterr().err.strip()
    assert code == 1 and "rank 1 of 2" in err and "SIGKILL" in err and "\n" not in err
    # ... or that torchrun stopped with SIGTERM once it saw rank 2 go
    code = distributed._report({0: failure(-15, signal_name="SIGTERM"), 1: failure(-15, signal_name="SIGTERM"),
                                2: failure(-9)}, nproc=3)
    assert code == 1 and "rank 2 of 3 was killed (SIGKILL)" in capsys.readouterr().err
    # ... or that gloo aborted when its peer went in the middle of a collective (seen in CI)
    code = distributed._report({0: failure(-6, signal_name="SIGABRT"), 1: failure(-9)}, nproc=2)
    assert code == 1 and "rank 1 of 2 was killed (SIGKILL)" in capsys.readouterr().err
    # an abort alone is named
    distributed._report({0: failure(-6, signal_name="SIGABRT"), 1: failure(distributed.EXIT_PEER_LOST)}, nproc=2)
    assert "rank 0 of 2 was killed (SIGABRT)" in capsys.readouterr().err


def test_the_launcher_adds_nothing_to_a_reason_a_process_gave(capsys):
    assert distributed._report({0: failure(2), 1: failure(2)}, nproc=2) == 2
    assert capsys.readouterr().err == ""


def test_the_launched_processes_run_the_command_less_nproc():
    argv = ["train", "--model", "vae", "--nproc", "2", "--epochs", "3", "--nproc=4", "--out", "x"]
    assert distributed.without_nproc(argv) == ["train", "--model", "vae", "--epochs", "3", "--out", "x"]


@pytest.mark.parametrize("nproc", ["0", "-2"])
def test_a_bad_nproc_is_one_sentence(capsys, nproc):
    assert main(["train", "--model", "vanilla", "--dataset", "digits", "--nproc", nproc]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("aeviz: --nproc") and err.count("\n") == 0


def test_world_size_and_launch_options_leave_the_config_id_alone():
    # how many processes train a run is not part of its recipe: the checkpoint records it
    assert aeviz.TrainConfig().id == "conv-mnist5k-b305e90d2747"
    assert "world_size" not in aeviz.TrainConfig().to_dict()


def test_one_process_records_a_world_of_one(small_data, tmp_path):
    path = aeviz.train(aeviz.defaults_for("vanilla", dataset="digits", epochs=1, batch_size=32), ckpt_dir=tmp_path)
    assert aeviz.load_checkpoint(path).meta["world_size"] == 1


# --- real processes over gloo --------------------------------------------------------------------

RECIPES = {  # small and quick; the AAE brings its own two-optimizer step
    "vanilla": ["--model", "vanilla", "--dataset", "digits", "--epochs", "3", "--batch-size", "32"],
    "aae": ["--model", "aae", "--dataset", "digits", "--epochs", "3", "--batch-size", "32", "--hidden", "64"],
}
# How far apart the two may end. The vanilla model sees the same batches in the same order and
# draws nothing, so only the order of float sums differs: a rank that trained on its half-batches
# alone (no gradient sync) would miss this by far more. The AAE's processes draw their own
# prior samples, so its adversarial game plays out differently: 6% apart was seen.
TOLERANCE = {"vanilla": 0.01, "aae": 0.15}


def env(**extra) -> dict:
    return {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(REPO),
            "TQDM_DISABLE": "1", **extra}


def aeviz_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "aeviz", "train", "--device", "cpu", *args]


def read_meta(folder: Path) -> dict:
    (path,) = folder.glob("*.safetensors")
    return aeviz.load_checkpoint(path).meta


@pytest.mark.slow
@pytest.mark.timeout(400)
@pytest.mark.parametrize("name", sorted(RECIPES))
def test_two_gloo_processes_reach_the_test_mse_of_one(name, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for out, extra in ((one, []), (two, ["--nproc", "2"])):
        done = subprocess.run(aeviz_cmd(*RECIPES[name], "--out", str(out), *extra), env=env(), text=True, check=False,
                              capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr
    alone, together = read_meta(one), read_meta(two)
    assert alone["id"] == together["id"]  # one recipe, one id
    assert (alone["world_size"], together["world_size"]) == (1, 2)
    assert together["test"]["mse"] == pytest.approx(alone["test"]["mse"], rel=TOLERANCE[name])
    assert sorted(p.name for p in two.iterdir() if not p.name.endswith(".lock")) == [f"{together['id']}.safetensors"]


@pytest.mark.slow
@pytest.mark.timeout(200)
def test_a_mistake_every_process_meets_is_said_once(tmp_path):
    done = subprocess.run(aeviz_cmd("--model", "vanilla", "--dataset", f"folder:{tmp_path / 'none'}", "--nproc", "2"),
                          env=env(), text=True, capture_output=True, timeout=180, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"aeviz: Folder '{tmp_path / 'none'}' does not exist or is not a folder."]


def test_more_processes_than_gpus_is_one_sentence(capsys, monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert main(["train", "--model", "vanilla", "--dataset", "digits", "--device", "cuda", "--nproc", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "aeviz: --nproc 2 on CUDA needs a GPU per process and this machine has 1; ask for at most 1, " \
                  "or add --device cpu."


REPLICA_SCRIPT = """
import hashlib, sys
import aeviz
from aeviz.training import distributed
from aeviz.training.loop import fit

device = distributed.device_for("cpu")
with distributed.process_group(device):
    extra = {"hidden": (64,)} if sys.argv[1] == "aae" else {}
    model, _ = fit(aeviz.defaults_for(sys.argv[1], dataset="digits", epochs=1, batch_size=32, **extra), device=device)
    weights = b"".join(t.detach().contiguous().numpy().tobytes() for t in model.state_dict().values())
    print("RANK", distributed.rank(), distributed.world_size(), hashlib.sha256(weights).hexdigest(), flush=True)
"""


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", sorted(RECIPES))
def test_under_torchrun_every_rank_ends_with_the_same_weights(name, tmp_path):
    # Each rank trains on its own rows: only DDP's gradient averaging (both AAE steps included)
    # keeps the replicas equal, to the bit.
    script = tmp_path / "replica.py"
    script.write_text(REPLICA_SCRIPT)
    done = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                           str(script), name], env=env(), text=True, capture_output=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    ranks = sorted(line.split()[1:] for line in done.stdout.splitlines() if line.startswith("RANK "))
    assert [r[:2] for r in ranks] == [["0", "2"], ["1", "2"]]
    assert ranks[0][2] == ranks[1][2]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def rank_of(pid: int) -> int | None:
    try:
        env_vars = dict(v.split("=", 1) for v in (Path("/proc") / str(pid) / "environ").read_text().split("\0") if "=" in v)
    except OSError:
        return None
    return int(env_vars["RANK"]) if "RANK" in env_vars else None


@pytest.mark.slow
@pytest.mark.timeout(400)
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the rank's process through /proc")
def test_a_killed_rank_fails_the_run_in_one_sentence_and_the_next_run_resumes(tmp_path):
    args = [*RECIPES["vanilla"][:-4], "--epochs", "25", "--batch-size", "32", "--out", str(tmp_path), "--nproc", "2"]
    proc = subprocess.Popen(aeviz_cmd(*args), env=env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines, second_epoch = [], threading.Event()

    def read_stderr():
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("epoch 2:"):
                second_epoch.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        assert second_epoch.wait(240), "".join(lines)
        (victim,) = [pid for pid in children(proc.pid) if rank_of(pid) == 1]
        os.kill(victim, signal.SIGKILL)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(30)
    err = "".join(lines)
    assert proc.returncode == 1, err
    assert lines[-1].startswith("aeviz: ") and "rank 1 of 2 was killed" in lines[-1]
    assert "Traceback" not in err and all(line.startswith(("epoch ", "aeviz: ")) for line in lines), err
    # nothing half-written: no checkpoint, no temporary file; a whole resume state of rank 0's epochs
    names = {p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")}
    cfg = aeviz.defaults_for("vanilla", dataset="digits", epochs=25, batch_size=32)
    assert names == {resume.path_for(tmp_path, cfg.id).name}
    kept = resume.load(resume.path_for(tmp_path, cfg.id), cfg)
    assert kept is not None and kept["epoch"] >= 2

    again = subprocess.run(aeviz_cmd(*args), env=env(), text=True, capture_output=True, timeout=300, check=False)
    assert again.returncode == 0, again.stderr
    assert f"Resuming {cfg.id} after epoch {kept['epoch']}" in again.stderr
    meta = read_meta(tmp_path)
    assert meta["world_size"] == 2 and meta["resumed_from_epoch"] == kept["epoch"]
    assert [h["epoch"] for h in meta["history"]] == list(range(1, 26))
    assert json.loads(json.dumps(meta["config"])) == cfg.to_dict()
