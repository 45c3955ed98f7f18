"""Data-parallel speed: one recipe trained by 1, 2, ... processes (`aeviz train --nproc N`),
at the same global batch, side by side (aeviz issue 12).

    python benchmarks/ddp_speed.py [--nproc 1,2] [--device cpu] [--set key=value ...] -- [aeviz train options]
    python benchmarks/ddp_speed.py --nproc 1,2 -- --model conv --dataset mnist5k --epochs 10

Each run trains afresh (--force) into its own folder. The table gives the training images
per second (the optimizer steps alone, rank 0's clock), the seconds until the test MSE first
reached the target (by default the 1-process run's final MSE plus 2%: time to quality, what
a user waits for), and the final test MSE. Run it on an idle machine: N processes on fewer
than N free cores measure the contention, not DDP."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, print_table

REPO = Path(__file__).resolve().parent.parent
DEFAULT = ["--model", "conv", "--dataset", "mnist5k", "--epochs", "10"]


def run(nproc: int, train_args: list[str], device: str, out: Path) -> dict:
    import aeviz

    cmd = [sys.executable, "-m", "aeviz", "train", *train_args, "--device", device, "--out", str(out), "--force",
           "--nproc", str(nproc)]
    env = {**os.environ, "TQDM_DISABLE": "1", "PYTHONPATH": str(REPO)}
    done = subprocess.run(cmd, env=env, text=True, capture_output=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    (path,) = out.glob("*.safetensors")
    return aeviz.load_checkpoint(path).meta


def seconds_to(history: list[dict], target: float) -> float | None:
    return next((h["seconds"] for h in history if h["test_mse"] <= target), None)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nproc", default="1,2", help="process counts to compare, e.g. 1,2,4")
    p.add_argument("--device", default="cpu")
    p.add_argument("--target", type=float, help="test MSE to time (default: the first run's final one + 2%%)")
    p.add_argument("train_args", nargs="*", help="aeviz train options, after --")
    args = p.parse_args()
    train_args = args.train_args or DEFAULT
    rows, target = [], args.target
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(c) for c in args.nproc.split(",")):
            meta = run(n, train_args, args.device, Path(tmp) / f"n{n}")
            history = meta["history"]
            target = target if target is not None else history[-1]["test_mse"] * 1.02
            images = meta["dataset"]["train"] * len(history)
            reached = seconds_to(history, target)
            rows.append((n, meta["world_size"], f"{images / history[-1]['train_seconds']:.0f}",
                         "-" if reached is None else f"{reached:.1f}", f"{history[-1]['test_mse']:.5f}",
                         f"{history[-1]['seconds']:.1f}"))
    print(machine_line())
    print(f"aeviz train {' '.join(train_args)} --device {args.device}; target test MSE {target:.5f}\n")
    print_table(("processes", "world size", "images/s", "s to target", "final test MSE", "s in all"), rows)


if __name__ == "__main__":
    main()
