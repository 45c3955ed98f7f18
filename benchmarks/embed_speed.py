"""Encoding speed: a split's codes written by `aeviz embed --no-map` in 1, 2, ... processes
(`--nproc N`), side by side (aeviz issue 28).

    python benchmarks/embed_speed.py [--nproc 1,2] [--repeat 3] [--limit N] [--device cpu] [-- embed options]
    python benchmarks/embed_speed.py                 # Fashion-MNIST's 60,000 training images

By default it encodes Fashion-MNIST's training split (Debian's dataset-fashion-mnist, or
torchvision's download) with the shipped VAE vae-fashion-mnist-538c825c443e into a Parquet
file. Each figure is the whole command, as a user waits for it: process start, the checkpoint
and the split loaded, every image encoded, the codes gathered and written; the median of
--repeat runs, after one untimed run that unpacks the dataset into the data folder. Run it on
an idle machine: N processes on fewer than N free cores measure the contention."""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, print_table

REPO = Path(__file__).resolve().parent.parent
CHECKPOINT = REPO / "aeviz" / "shipped" / "vae-fashion-mnist-538c825c443e.safetensors"


def embed(nproc: int, out: Path, args, extra: list[str]) -> float:
    """Seconds from the command's start to its exit, the file written."""
    cmd = [sys.executable, "-m", "aeviz", "embed", str(args.checkpoint), "--split", args.split, "--no-map",
           "--out", str(out), "--nproc", str(nproc), "--device", args.device, *extra]
    if args.limit:
        cmd += ["--limit", str(args.limit)]
    env = {**os.environ, "TQDM_DISABLE": "1", "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, text=True, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return seconds


def rows_in(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(path).num_rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nproc", default="1,2", help="process counts to compare, e.g. 1,2,4")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per process count (the median is shown)")
    p.add_argument("--limit", type=int, help="only the split's first N images (a quick check that it runs)")
    p.add_argument("--checkpoint", default=str(CHECKPOINT))
    p.add_argument("--split", default="train", choices=("train", "test"))
    p.add_argument("--device", default="cpu")
    p.add_argument("embed_args", nargs="*", help="more aeviz embed options, after --: --stream, --workers 4")
    args = p.parse_args()
    rows, first = [], None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "codes.parquet"
        embed(1, out, args, args.embed_args)  # untimed: the dataset unpacked, the files in the page cache
        for n in (int(c) for c in args.nproc.split(",")):
            times = [embed(n, out, args, args.embed_args) for _ in range(args.repeat)]
            seconds, images = statistics.median(times), rows_in(out)
            first = first or images / seconds
            rows.append((n, images, f"{seconds:.2f}", f"{images / seconds:.0f}", f"{images / seconds / first:.2f}x"))
    print(machine_line())
    command = ["aeviz embed", Path(args.checkpoint).stem, "--split", args.split, "--no-map", "--device", args.device]
    print(f"{' '.join(command + args.embed_args)}; median of {args.repeat}\n")
    print_table(("processes", "images", "s in all", "images/s", "vs 1 process"), rows)


if __name__ == "__main__":
    main()
