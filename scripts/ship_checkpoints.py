"""Train the small checkpoints shipped in aeviz/shipped/, and their latent maps, so the
dashboard opens on working models with nothing to train first.

    python scripts/ship_checkpoints.py          # train what is missing (cached ones are kept)

The exact commands are the COMMANDS list below; aeviz/shipped/MANIFEST.md records them with
each checkpoint's test figures."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "aeviz" / "shipped"

COMMANDS = [
    # The VAEs were trained on the VAE's first recipe, which their commands now spell out:
    # `--hidden ''` is the conv family's own channels (32, 64), two convs a stage.
    # Batches of 32, a one-cycle rate and 60 epochs: its prior samples' Frechet distance 99.6
    # against 199.7 for the registry's 30-epoch recipe, and a lower test MSE (BENCHMARKS.md's log at 695848e).
    # Trained with OMP_NUM_THREADS=1, as the figure was measured.
    "aeviz train --model vae --dataset mnist5k --latent-dim 16 --hidden '' --stage-convs 2 --full-size-conv --batch-size 32 --lr 2e-3 --schedule onecycle --epochs 60",
    # With the map as it learned (the Latent map page plays it): recording changes no weight.
    "aeviz train --model vae --dataset mnist5k --latent-dim 2 --hidden '' --stage-convs 2 --full-size-conv --batch-size 128 --lr 1e-3 --epochs 30 --record-learning",
    # The heavier conv (32, 64 channels, two convs a stage), longer, batches of 32 and a one-cycle rate:
    # 0.32x PCA-16's test MSE, where the 10-epoch default recipe gets 0.39x.
    "aeviz train --model conv --dataset mnist5k --latent-dim 16 --hidden 32,64 --stage-convs 2 --batch-size 32 --lr 2e-3 --schedule onecycle --epochs 30",
    # Blind denoisers: every Gaussian level from 0 to the level in training, so light noise is not
    # made worse. The MNIST one keeps a 14x14 map (one stage): at 7x7 a digit's strokes blurred.
    "aeviz train --model denoising --dataset mnist5k --fully-conv --hidden 32 --latent-dim 32 --noise gaussian-range --noise-level 0.35 --loss bce --epochs 20",
    "aeviz train --model denoising --dataset debian-photos --fully-conv --latent-dim 48 --noise gaussian-range --noise-level 0.5 --epochs 12",
    # The residual denoiser, the registry's recipe (each image's error through its log, told the noise
    # level, 120 epochs): better than the one above at every level on the held-out photos (BENCHMARKS.md,
    # photo denoisers against the classical ones); the Denoise page's choice for photos.
    "aeviz train --model residual",
    # The colorizer the user steers with hints (a U-Net with a global-hint branch): the registry's recipe.
    "aeviz train --model colorizer --dataset debian-scenes --image-size 32 --hidden 16,32,64 --batch-size 32 --lr 2e-3 --schedule onecycle --epochs 60",
    # The VAE's schedule, twice as long: prior samples at a Frechet distance of 65 (BENCHMARKS.md).
    "aeviz train --model aae --dataset mnist5k --batch-size 32 --lr 2e-3 --schedule onecycle --epochs 120",
    "aeviz train --model vae --dataset fashion-mnist --latent-dim 16 --hidden 16,32 --stage-convs 2 --full-size-conv --batch-size 128 --lr 1e-3 --epochs 5",
]
# Datasets whose train split's map ships too: the big real map a first launch can show.
TRAIN_MAPS = ("fashion-mnist",)


def main() -> int:
    env = {**os.environ, "AEVIZ_CHECKPOINTS": str(OUT)}  # the cache *is* the shipped folder
    paths = []
    for command in COMMANDS:
        print(f"$ {command}", flush=True)
        args = [sys.executable, "-m", "aeviz.cli", *shlex.split(command)[1:], "--out", str(OUT)]
        done = subprocess.run(args, env=env, check=True, stdout=subprocess.PIPE, text=True)
        print(done.stdout, end="")
        paths.append(Path(done.stdout.strip().splitlines()[-1]))
    write_projections(paths)  # and the errors
    write_manifest(paths)
    return 0


def write_projections(paths) -> None:
    """Ship the test split's UMAP and PCA maps beside each checkpoint (read before any cache),
    the per-image errors and reconstructions the Reconstructions page opens on (its first
    page, drawn from them without torch), and the applications report the Applications and
    Compare pages draw (half a minute each to compute)."""
    import shutil

    from aeviz import artifacts, datasets, latent
    from aeviz.applications import report
    from aeviz.evaluation import per_image
    from aeviz.checkpoints import load

    def ship(model, kind, split, compute) -> None:
        """The artifact beside the checkpoint, computed through the user's cache when missing."""
        beside, cached = artifacts.places(model, kind, split)
        target = OUT / beside.name
        if not target.exists():
            compute()
            shutil.copyfile(cached, target)
        print(f"{kind.name}: {target.name}")

    for p in paths:
        model = load(p)
        splits = ("test", "train") if model.config.dataset in TRAIN_MAPS else ("test",)
        noisy = per_image.noisy_by_default(model)
        for split in splits:
            ship(model, per_image.kind(noisy), split, lambda: per_image.cached_errors(model, split, noisy))
        # What that page draws beside them, without torch: where its dataset reads without torch too.
        if per_image.shows_clean(model) and datasets.find(model.config.dataset)[0].arrays is not None:
            ship(model, per_image.RECONSTRUCTIONS, "test", lambda: per_image.cached_reconstructions(model, "test"))
        if not model.abilities.vector_code:
            continue
        for split in splits:
            for method in ("umap", "pca"):
                ship(model, latent.projection_kind(method, 2), split,
                     lambda: latent.cached_projection(model, split, method, 2))
        ship(model, report.KIND, "test", lambda: report.cached_report(model))


def write_manifest(paths) -> None:
    from aeviz.checkpoints import read_meta
    from aeviz.safefile import write_atomic

    lines = ["# Shipped checkpoints", "",
             "Made by `python scripts/ship_checkpoints.py`, which ran these commands (with `--out aeviz/shipped`).",
             "Test figures on each dataset's test split; `psnr_gain` is the PSNR over the noisy input",
             "(gaussian sigma 0.3), `mse_vs_pca` the MSE relative to PCA with as many components as the code.", "",
             "| command | id | test MSE | PSNR (dB) | SSIM | PCA MSE | MSE / PCA | PSNR gain (dB) | -ELBO | size |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for command, p in zip(COMMANDS, paths):
        t = read_meta(p)["test"]

        def f(key, fmt):
            return format(t[key], fmt) if key in t else ""
        lines.append(f"| `{command}` | `{p.stem}` | {f('mse', '.5f')} | {f('psnr', '.2f')} | {f('ssim', '.3f')} | "
                     f"{f('pca_mse', '.5f')} | {f('mse_vs_pca', '.2f')} | {f('psnr_gain', '.2f')} | "
                     f"{f('neg_elbo', '.1f')} | {p.stat().st_size / 1e6:.2f} MB |")
    write_atomic(OUT / "MANIFEST.md", ("\n".join(lines) + "\n").encode(), "the manifest")
    print((OUT / "MANIFEST.md").read_text())


if __name__ == "__main__":
    sys.exit(main())
