"""One training run of a model with some settings changed, and how it compares with PCA:
the command behind the tuning figures in BENCHMARKS.md (aeviz issue 10).

    python benchmarks/try_recipe.py MODEL [key=value ...] [--fd]
    python benchmarks/try_recipe.py sparse sparsity_weight=0.03 epochs=40 lr=0.003
    python benchmarks/try_recipe.py aae epochs=60 --fd

Trains `aeviz.defaults_for(MODEL, **settings)` on the CPU (nothing is saved) and prints its
seconds, test MSE, PCA's MSE at the code size (at the active units for a sparse code), the
ratio, and the test MSE along the run. --fd also scores 1,000 samples (the prior, or a
Gaussian fitted to the train codes) with benchmarks/sample_quality.py's protocol."""
from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

import aeviz
from aeviz.training import fit

sys.path.insert(0, str(Path(__file__).resolve().parent))


def setting(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    try:
        return key, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return key, value  # a word: a loss or noise name


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("settings", nargs="*", type=setting, help="key=value, e.g. epochs=40 lr=0.002")
    ap.add_argument("--fd", action="store_true", help="also the samples' Frechet distance")
    args = ap.parse_args(argv)
    cfg = aeviz.defaults_for(args.model, **dict(args.settings))
    start = time.perf_counter()
    model, meta = fit(cfg, device="cpu")
    seconds = time.perf_counter() - start
    test = meta["test"]
    print(f"{args.model} {dict(args.settings)}: {seconds:.1f} s, test MSE {test['mse']:.5f}, "
          f"PCA {test.get('pca_mse', float('nan')):.5f}, ratio {test.get('mse_vs_pca', float('nan')):.3f}"
          + (f", {test['active_units']:.1f} active units" if "active_units" in test else ""))
    print("test MSE by epoch:", " ".join(f"{h['test_mse']:.4f}" for h in meta["history"]))
    if "test_neg_elbo" in meta["history"][0]:
        print("test -ELBO by epoch:", " ".join(f"{h['test_neg_elbo']:.1f}" for h in meta["history"]))
    if args.fd:
        from quality import samples_of, splits
        from sample_quality import Judge

        train, test_split = splits("mnist5k")
        images, how = samples_of(model, 1000, train.x)
        fd, confident = Judge(train, test_split).score(images)
        print(f"samples ({how}): Frechet distance {fd:.1f}, share confident {confident:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
