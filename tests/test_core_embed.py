"""`aeviz embed` at scale: a streamed split gives the in-memory codes, two processes the codes of
one (written once, by rank 0, atomically), and Parquet the columns npz and csv have."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import aeviz
from aeviz.checkpoints import load
from aeviz.cli import main
from aeviz.latent import encoding
from aeviz.training import distributed
from aeviz.training.runtime import Runtime
from support.fashion import fashion, needs_fashion  # noqa: F401  (fashion: a fixture)

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "aeviz" / "shipped"
MNIST5K_VAE = SHIPPED / "vae-mnist5k-e4fbd8312e88.safetensors"  # 16-d codes; its test split has 1,000 images
FASHION_VAE = SHIPPED / "vae-fashion-mnist-538c825c443e.safetensors"


def env() -> dict:
    return {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO), "TQDM_DISABLE": "1"}


def codes_of(path: Path) -> np.ndarray:
    with np.load(path) as f:
        return f["codes"]


@needs_fashion
def test_a_streamed_split_gives_the_in_memory_codes_without_loading_the_split(fashion, monkeypatch):
    model = load(FASHION_VAE)
    whole, labels = encoding.encode_split(model, "test", runtime=Runtime(stream=False))
    real = encoding.load_dataset

    def never(*args, **kwargs):
        raise AssertionError("the streamed split was loaded whole")

    monkeypatch.setattr(encoding, "load_dataset", never)
    # above a 1,000-byte budget, with a loader worker: streamed as training streams it
    streamed, streamed_labels = encoding.encode_split(model, "test", runtime=Runtime(memory_budget=1000, workers=1))
    assert streamed.shape == (10000, model.config.latent_dim) and streamed.dtype == np.float32
    assert np.array_equal(streamed, whole) and np.array_equal(streamed_labels, labels)
    monkeypatch.setattr(encoding, "load_dataset", real)
    part, part_labels = encoding.encode_split(model, "test", runtime=Runtime(stream=True, workers=0), limit=700)
    assert np.array_equal(part, whole[:700]) and np.array_equal(part_labels, labels[:700])


def test_parquet_has_the_columns_of_npz_and_csv(tmp_path):
    files = {s: tmp_path / f"embedding{s}" for s in (".parquet", ".npz", ".csv")}
    for out in files.values():  # the shipped PCA map holds the codes: nothing is encoded
        assert main(["embed", str(MNIST5K_VAE), "--out", str(out), "--method", "pca"]) == 0
    table = pq.read_table(files[".parquet"])
    dims = [f"z{i}" for i in range(16)]
    assert table.column_names == ["index", "label", "pca_x", "pca_y", *dims]
    assert str(table.schema.field("z0").type) == "float" and str(table.schema.field("label").type) == "int64"
    assert table["index"].to_pylist() == list(range(1000))
    with np.load(files[".npz"]) as f:
        codes, labels, coords = f["codes"], f["labels"], f["coords"]
    assert np.array_equal(np.stack([table[d].to_numpy() for d in dims], 1), codes)
    assert np.array_equal(table["label"].to_numpy(), labels)
    assert np.array_equal(np.stack([table["pca_x"].to_numpy(), table["pca_y"].to_numpy()], 1), coords)
    header = files[".csv"].read_text().splitlines()[0].split(",")
    assert header == table.column_names[1:]  # the row number is csv's index


def test_no_map_writes_codes_and_labels_only(tmp_path):
    out = tmp_path / "codes.parquet"
    assert main(["embed", str(MNIST5K_VAE), "--out", str(out), "--no-map", "--limit", "300"]) == 0
    table = pq.read_table(out)
    assert table.column_names == ["index", "label", *[f"z{i}" for i in range(16)]] and table.num_rows == 300


@pytest.mark.parametrize("argv", [["--out", "codes.txt"], ["--out", "codes.txt", "--nproc", "2"],
                                  ["--out", "codes", "--split", "train"]])
def test_a_bad_output_suffix_is_one_sentence_and_exit_2(capsys, tmp_path, argv):
    argv = [a if not a.startswith("codes") else str(tmp_path / a) for a in argv]
    assert main(["embed", str(MNIST5K_VAE), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("aeviz: --out must end in .parquet, .npz or .csv") and "\n" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_launcher_names_an_embedding_rank_that_died(capsys):
    from types import SimpleNamespace

    died = SimpleNamespace(exitcode=-9, timestamp=1, signal_name=lambda: "SIGKILL")
    assert distributed._report({0: SimpleNamespace(exitcode=distributed.EXIT_PEER_LOST, timestamp=1), 1: died},
                               nproc=2, command="embed") == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("aeviz: embedding process rank 1 of 2 was killed (SIGKILL)") and "\n" not in err


@pytest.mark.slow
@pytest.mark.timeout(200)
def test_two_processes_write_the_codes_of_one(tmp_path):
    alone, two = tmp_path / "alone" / "codes.npz", tmp_path / "two" / "codes.npz"
    for out, nproc in ((alone, "1"), (two, "2")):
        done = subprocess.run([sys.executable, "-m", "aeviz", "embed", str(MNIST5K_VAE), "--out", str(out),
                               "--no-map", "--nproc", nproc], env=env(), text=True, capture_output=True, timeout=150)
        assert done.returncode == 0 and done.stdout.strip() == str(out), done.stderr
    assert [p.name for p in two.parent.iterdir()] == ["codes.npz"]  # no temporary file left
    assert codes_of(two).shape == (1000, 16)
    np.testing.assert_allclose(codes_of(two), codes_of(alone), rtol=0, atol=1e-6)


WRITE_LOG_SCRIPT = """
import sys
from aeviz.latent import embedding
from aeviz.training import distributed

log, argv = sys.argv[1], sys.argv[2:]
real = embedding.write_atomic

def logged(*args, **kwargs):
    with open(log, "a") as f:
        f.write(f"rank {distributed.rank()} of {distributed.world_size()}\\n")
    return real(*args, **kwargs)

embedding.write_atomic = logged
from aeviz.cli import main
sys.exit(main(argv))
"""


@pytest.mark.slow
@pytest.mark.timeout(200)
def test_under_torchrun_rank_0_alone_writes_the_gathered_codes(tmp_path):
    script, log, out = tmp_path / "logged.py", tmp_path / "writes.log", tmp_path / "out" / "codes.npz"
    script.write_text(WRITE_LOG_SCRIPT)
    done = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                           str(script), str(log), "embed", str(MNIST5K_VAE), "--out", str(out), "--no-map"],
                          env=env(), text=True, capture_output=True, timeout=150)
    assert done.returncode == 0, done.stderr
    assert log.read_text().splitlines() == ["rank 0 of 2"]
    model = load(MNIST5K_VAE)
    ds = aeviz.load_dataset(model.config.dataset, "test", model.config.image_size, model.config.grayscale)
    np.testing.assert_allclose(codes_of(out), aeviz.latent.encode_all(model, ds.x), rtol=0, atol=1e-6)


@needs_fashion
@pytest.mark.slow
@pytest.mark.timeout(200)
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the rank's process through /proc")
def test_a_killed_rank_stops_the_run_in_one_sentence_and_nothing_is_written(fashion, tmp_path):
    from test_core_distributed import children, rank_of

    out = tmp_path / "codes.parquet"  # 60,000 images: the ranks are still encoding when one is killed
    proc = subprocess.Popen([sys.executable, "-m", "aeviz", "embed", str(FASHION_VAE), "--split", "train", "--no-map",
                             "--out", str(out), "--nproc", "2"], env=env(), text=True, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (victims := [pid for pid in children(proc.pid) if rank_of(pid) == 1]):
            assert time.monotonic() < deadline and proc.poll() is None, "rank 1 never started"
            time.sleep(0.2)
        time.sleep(0.5)  # started, not yet finished: any moment before the gather stops the run alike
        os.kill(victims[0], signal.SIGKILL)
        err = proc.communicate(timeout=120)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    assert err.strip() == ("aeviz: embedding process rank 1 of 2 was killed (SIGKILL), so the run stopped; "
                           "nothing was written, and the same command starts it again.")
    assert list(tmp_path.iterdir()) == []
