"""Every registered model's default recipe against PCA on mnist5k (aeviz issue 10).

    python benchmarks/recipes.py [--models vanilla,deep] [--device cuda]
    python benchmarks/recipes.py --models sparse --set sparsity_weight=0.03 epochs=40   # a recipe tried

Each model that trains on mnist5k (not the colorizer, which takes color photos) is trained
with its registry defaults alone, epochs included: `aeviz.defaults_for(name,
dataset="mnist5k")`, exactly what `aeviz train --model NAME` and the Train page start from.
Its test MSE is set beside PCA's on the same split, fitted on the train split with as many
components as the code, or, for a sparse code, as many as the units an image uses on average
(`aeviz.evaluation.metrics.evaluate`). Seconds are the whole run: data, training, per-epoch test and
the final evaluation, what a user waits for. With --device cuda the same recipes train on the
GPU under bf16 autocast, aeviz's CUDA path; the 2-minute mark is this project's 2-core CPU's.
--set changes settings from the defaults for every model listed: how a recipe is tuned."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

import aeviz
from aeviz.training.loop import fit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import cpu_name, device_name, print_table, setting  # noqa: E402


def mnist_models() -> list[str]:
    return [n for n in sorted(aeviz.MODELS) if not aeviz.MODELS[n].abilities.colorizes]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=",".join(mnist_models()))
    ap.add_argument("--device", default="cpu", help="cpu or cuda (bf16 autocast there)")
    ap.add_argument("--set", nargs="*", type=setting, default=[],
                    help="settings changed from the defaults, e.g. epochs=40 lr=0.003")
    args = ap.parse_args(argv)
    print(f"{cpu_name()}, torch {torch.__version__}, {torch.get_num_threads()} threads, mnist5k, "
          f"device {device_name(torch.device(args.device))}")
    rows, missed = [], []
    for name in args.models.split(","):
        cfg = aeviz.defaults_for(name, **{"dataset": "mnist5k", **dict(args.set)})
        start = time.perf_counter()
        _, meta = fit(cfg, device=args.device)
        seconds = time.perf_counter() - start
        test = meta["test"]
        k = round(test["active_units"]) if "active_units" in test else cfg.latent_dim
        baseline = f"PCA-{k}" + (" (active units)" if "active_units" in test else "")
        rows.append((name, cfg.epochs, f"{cfg.lr:g}", f"{seconds:.0f}", f"{test['mse']:.5f}", baseline,
                     f"{test['pca_mse']:.5f}", f"{test['mse_vs_pca']:.2f}x"))
        print(rows[-1], file=sys.stderr, flush=True)
        if test["mse_vs_pca"] >= 1 or seconds > 120:
            missed.append(name)
    print_table(("model", "epochs", "lr", "seconds", "test MSE", "baseline", "baseline MSE", "ratio"), rows)
    print(f"\nBeats its PCA baseline within about 2 minutes: {len(rows) - len(missed)} of {len(rows)}"
          + (f"; not: {', '.join(missed)}" if missed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
