"""Quality of every shipped checkpoint and of every model trained with the standard recipe.

    python benchmarks/quality.py [--epochs 10] [--models vae,aae] [--cache-dir DIR] [--samples 1000]

The recipe: aeviz.defaults_for(model, epochs=--epochs) for every registered model whose
default dataset is mnist5k (all but the colorizer, which is photos-only: its row is the
shipped one), trained with aeviz.train into --cache-dir (default: a temporary folder;
give a folder to reuse the checkpoints on a rerun, since a config is trained once).

Table 1, on each checkpoint's own test split (mnist5k: 1,000 digits; photos: patches of
two unseen photos), through aeviz.evaluation.metrics.evaluate: test MSE, PSNR, SSIM, PCA's MSE with as
many components as the code (fitted on the train split) and the ratio; -ELBO per image for
the VAE (recon + KL with the mean code, in the loss's units: BCE summed over pixels). For
the denoisers, the PSNR gain over the noisy input at gaussian sigma 0.1, 0.3 and 0.5 (noise
seed 0, whatever level the model was trained at). For the colorizer, the PSNR of its
output and of the gray input itself, both against the color image.

Table 2, sample quality (the protocol is in benchmarks/sample_quality.py): a small CNN is
trained on mnist5k train (seed 0, 8 epochs; its test accuracy is printed); --samples
images (seed 0) of each source are scored by the Frechet distance between that CNN's
penultimate features of the images and of the 1,000 real test images, and by the share
the CNN labels with max softmax > 0.9. Sources: the VAE and AAE from their N(0, I) prior
(model.sample), every other mnist5k model with a vector code from a Gaussian fitted to its
train codes (what the dashboard's Sampling page does); the floor is --samples real train
images; the baselines are a Gaussian over 16 PCA coefficients of the train images, and
uniform noise."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import torch

import aeviz
from aeviz import latent
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.evaluation.metrics import evaluate, psnr, reconstruct_all

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, print_table  # noqa: E402
from sample_quality import Judge, pca_gaussian_samples  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIGMAS = (0.05, 0.1, 0.3, 0.5)


def recipe_models() -> list[str]:
    return [name for name in sorted(aeviz.MODELS) if aeviz.defaults_for(name).dataset == "mnist5k"]


def splits(dataset: str):
    return aeviz.load_dataset(dataset, "train"), aeviz.load_dataset(dataset, "test")


@torch.no_grad()
def denoise_gains(model, test_x) -> list[str]:
    if model.config.noise == "none":
        return [""] * len(SIGMAS)
    gains = []
    for sigma in SIGMAS:
        noisy = aeviz.corrupt(test_x, "gaussian", sigma, torch.Generator().manual_seed(0))
        out = reconstruct_all(model, model.prepare(noisy))
        gains.append(f"{float(psnr(out, test_x).mean() - psnr(noisy, test_x).mean()):.2f}")
    return gains


def quality_row(source: str, model) -> tuple:
    cfg = model.config
    train, test = splits(cfg.dataset)
    m = evaluate(model, test.x, train.x, seed=0)

    def fmt(key, spec):
        return format(m[key], spec) if key in m else ""

    colorizer = [fmt("psnr", ".2f"), fmt("psnr_gray", ".2f")] if "psnr_gray" in m else ["", ""]
    return (source, f"`{model.checkpoint_id}`", cfg.model, cfg.dataset, cfg.latent_dim, fmt("mse", ".5f"),
            fmt("psnr", ".2f"), fmt("ssim", ".3f"), fmt("pca_mse", ".5f"), fmt("mse_vs_pca", ".2f"),
            fmt("neg_elbo", ".1f"), *denoise_gains(model, test.x), *colorizer)


@torch.no_grad()
def samples_of(model, n: int, train_x) -> tuple[torch.Tensor, str]:
    if model.abilities.prior:
        return model.sample(n, generator=torch.Generator().manual_seed(0)), "N(0, I) prior"
    codes, _ = latent.sample_codes(model, n, seed=0, train_codes=latent.encode_all(model, train_x))
    return latent.decode(model, codes), "Gaussian fitted to train codes"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10, help="epochs of the recipe (default 10)")
    ap.add_argument("--models", default=",".join(recipe_models()), help="recipe models to train ('' for none)")
    ap.add_argument("--cache-dir", type=Path, help="where recipe checkpoints are trained, or found from a rerun")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--classifier-epochs", type=int, default=8)
    args = ap.parse_args(argv)
    names = [n for n in args.models.split(",") if n]
    wrong = sorted(set(names) - set(recipe_models()))
    if wrong:
        ap.error(f"not a recipe model: {', '.join(wrong)}; choose from {', '.join(recipe_models())}")

    models = [("shipped", aeviz.load_checkpoint(p)) for p in sorted(SHIPPED_DIR.glob("*.safetensors"))]
    with tempfile.TemporaryDirectory(prefix="aeviz-quality-") as tmp:
        out_dir = args.cache_dir or Path(tmp)
        for name in names:
            print(f"training {name} ({args.epochs} epochs) into {out_dir}", file=sys.stderr, flush=True)
            path = aeviz.train(aeviz.defaults_for(name, epochs=args.epochs), ckpt_dir=out_dir)
            models.append((f"recipe, {args.epochs} epochs", aeviz.load_checkpoint(path)))

    rows = []
    for source, model in models:
        rows.append(quality_row(source, model))
        print(rows[-1], file=sys.stderr, flush=True)

    train, test = splits("mnist5k")
    judge = Judge(train, test, epochs=args.classifier_epochs)
    n = args.samples
    pick = torch.randperm(len(train.x), generator=torch.Generator().manual_seed(0))[:n]
    scored = [("real train images (the floor)", "", train.x[pick]),
              ("PCA Gaussian, 16 components (baseline)", "", pca_gaussian_samples(train.x, n)),
              ("uniform noise (baseline)", "", torch.rand((n, *train.x.shape[1:]), generator=torch.Generator().manual_seed(0)))]
    for source, model in models:
        if model.config.dataset == "mnist5k" and model.abilities.vector_code:
            images, how = samples_of(model, n, train.x)
            scored.append((f"{model.config.model}, {source}: {how}", f"`{model.checkpoint_id}`", images))
    sample_rows = [(what, ckpt, *(f"{v:.3f}" for v in judge.score(images))) for what, ckpt, images in scored]

    print(machine_line())
    print_table(("source", "checkpoint", "model", "dataset", "code", "test MSE", "PSNR (dB)", "SSIM", "PCA MSE",
                 "MSE / PCA", "-ELBO", *(f"gain s={s:g} (dB)" for s in SIGMAS),
                 "colorized PSNR (dB)", "gray PSNR (dB)"), rows)
    print()
    print(f"Sample quality: classifier test accuracy {judge.test_accuracy:.4f} on mnist5k test; "
          f"{n} images per row, Frechet distance to the 1,000 real test images.")
    print()
    print_table(("images", "checkpoint", "Frechet distance", "share confident (p > 0.9)"), sample_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
