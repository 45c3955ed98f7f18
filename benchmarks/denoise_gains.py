"""Photo denoisers against the classical ones: the gain in PSNR over the noisy input on every
held-out debian-photos photo, at several Gaussian noise levels.

    python benchmarks/denoise_gains.py                         # the residual photo denoiser the Denoise page picks
    python benchmarks/denoise_gains.py --checkpoint ID_OR_PATH --checkpoint OTHER --crops /tmp/crops.png

The photos are the held-out ones (whole packages and series no training photo comes from),
each whole, shrunk as the dataset's patches are (long side 256 px). The noise is Gaussian of
standard deviation sigma, clipped to [0, 1] as aeviz.corrupt (and the Denoise page) adds it,
drawn with a seed per photo and level. Against:
- scikit-image's denoise_nl_means (fast mode) given the true sigma, with h (as a multiple of
  sigma) and the patch size and search distance tuned per sigma on training photos;
- denoise_tv_chambolle, its weight tuned per sigma on the same training photos;
- BM3D from the `bm3d` package, only where it is installed (its licence allows non-commercial
  use only: a reference here, never a dependency of aeviz), at BM3D_SIGMAS, where it is slow.
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import time

import numpy as np
import torch
from skimage.restoration import denoise_tv_chambolle

import aeviz
from aeviz.apply import run_on_image
from aeviz.datasets import debian_photos
from aeviz.evaluation.classical import NLM_DISTANCE, NLM_H, NLM_PATCH, nl_means
from colorize_photos import LONG_SIDE, shrunk  # the photos as the colorizer's benchmark sees them
from report import machine_line

CHECKPOINT = "residual-debian-photos-97573982fc41"  # the photo denoiser the Denoise page picks for photos
SIGMAS = (0.05, 0.1, 0.2, 0.3)
BM3D_SIGMAS = (0.1, 0.3)   # BM3D takes ~10 s a photo here: the two levels the targets name
COUNT_SIGMAS = (0.1, 0.3)  # where every photo, not only the median, should beat non-local means
TUNE_PHOTOS = 8            # training photos the classical methods are tuned on (seeded choice)
NLM_H = (0.3, 0.4, 0.5, 0.65, 0.8, 1.0)  # h / sigma
NLM_PATCHES = ((5, 6), (7, 9), (7, 13))  # (patch_size, patch_distance)
TV_WEIGHTS = (0.3, 0.45, 0.6, 0.8, 1.0, 1.3)  # weight / sigma


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / np.mean((a.astype(np.float64) - b) ** 2)))


def noisy(clean: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(clean + sigma * rng.standard_normal(clean.shape), 0, 1).astype(np.float32)


def nlm(x: np.ndarray, sigma: float, h: float = NLM_H, patch: tuple[int, int] = (NLM_PATCH, NLM_DISTANCE)) -> np.ndarray:
    return as_array(nl_means(torch.from_numpy(x).permute(2, 0, 1), sigma, h, *patch)[None])


def tv(x: np.ndarray, sigma: float, weight: float = 0.6) -> np.ndarray:
    return denoise_tv_chambolle(x, weight=weight * sigma, channel_axis=-1)


def tuned(method, grid: dict, photos: list[np.ndarray], sigma: float) -> dict:
    """The settings of `method` (one value per key of grid) with the best mean PSNR on the
    photos at this sigma."""
    best, best_score = None, -np.inf
    for values in itertools.product(*grid.values()):
        settings = dict(zip(grid, values))
        score = np.mean([psnr(method(noisy(p, sigma, 1000 + i), sigma, **settings), p) for i, p in enumerate(photos)])
        if score > best_score:
            best, best_score = settings, score
    return best


def as_array(x: torch.Tensor) -> np.ndarray:
    return x[0].permute(1, 2, 0).numpy().astype(np.float32)


def model_method(model):
    def run(x, sigma):
        return run_on_image(model, torch.from_numpy(x).permute(2, 0, 1)).permute(1, 2, 0).numpy()
    return run


def bm3d_method():
    try:
        import bm3d
    except ImportError:
        return None
    return lambda x, sigma: bm3d.bm3d_rgb(x, sigma)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", action="append", help="a denoiser's id or path (repeat for several; "
                    "default: the residual photo denoiser, the one the Denoise page picks for photos)")
    ap.add_argument("--crops", help="write noisy | non-local means | model | clean crops of some photos to this PNG")
    ap.add_argument("--no-bm3d", action="store_true", help="leave BM3D out even where it is installed")
    args = ap.parse_args()
    torch.manual_seed(0)
    print(machine_line())
    test = [(p.key, as_array(shrunk(p.pixels))) for p in debian_photos.photos("test")]
    train = debian_photos.photos("train")
    chosen = np.random.default_rng(0).choice(len(train), TUNE_PHOTOS, replace=False)
    tune = [as_array(shrunk(train[i].pixels)) for i in sorted(chosen)]
    print(f"{len(test)} held-out photos, long side {LONG_SIDE} px; classical settings tuned on {len(tune)} "
          "training photos")

    methods = {}
    for ref in args.checkpoint or [CHECKPOINT]:
        model = aeviz.load_checkpoint(ref)
        methods[model.checkpoint_id] = ({s: {} for s in SIGMAS}, model_method(model))
    nlm_settings = {s: tuned(nlm, {"h": NLM_H, "patch": NLM_PATCHES}, tune, s) for s in SIGMAS}
    tv_settings = {s: tuned(tv, {"weight": TV_WEIGHTS}, tune, s) for s in SIGMAS}
    for name, settings in (("non-local means", nlm_settings), ("TV (Chambolle)", tv_settings)):
        print(f"{name}, tuned: " + "; ".join(f"sigma {s:g}: {settings[s]}" for s in SIGMAS))
    methods["non-local means"] = (nlm_settings, nlm)
    methods["TV (Chambolle)"] = (tv_settings, tv)
    bm3d = None if args.no_bm3d else bm3d_method()
    if bm3d is None:
        print("bm3d not installed" if not args.no_bm3d else "bm3d left out (--no-bm3d)")
    else:
        methods["BM3D"] = ({s: {} for s in BM3D_SIGMAS}, bm3d)

    gains = {name: {s: [] for s in settings} for name, (settings, _) in methods.items()}
    outputs = {}
    for i, (key, clean) in enumerate(test):
        for s in SIGMAS:
            x = noisy(clean, s, i * 100 + round(s * 100))
            base = psnr(x, clean)
            for name, (settings, method) in methods.items():
                if s in settings:
                    out = np.clip(method(x, s, **settings[s]), 0, 1)
                    gains[name][s].append(psnr(out, clean) - base)
                    outputs[key, s, name] = out
            outputs[key, s, "noisy"] = x
    print_table(gains, [k for k, _ in test])
    first = next(iter(methods))
    for s in COUNT_SIGMAS:
        wins = sum(m > n for m, n in zip(gains[first][s], gains["non-local means"][s]))
        print(f"sigma {s:g}: {first} beats non-local means on {wins} of {len(test)} photos")
    if args.crops:
        write_crops(args.crops, test, outputs, first)


def print_table(gains: dict, keys: list[str]) -> None:
    print("\nGain in PSNR over the noisy input (dB): median, and the worst photo\n")
    print("| denoiser | " + " | ".join(f"sigma {s:g}" for s in SIGMAS) + " |")
    print("|---|" + "---|" * len(SIGMAS))
    for name, by_sigma in gains.items():
        cells = []
        for s in SIGMAS:
            g = by_sigma.get(s)
            cells.append(f"{statistics.median(g):+.2f} (worst {min(g):+.2f})" if g else "—")
        print(f"| {name} | " + " | ".join(cells) + " |")
    worst = {name: keys[int(np.argmin(by_sigma[0.1]))] for name, by_sigma in gains.items() if 0.1 in by_sigma}
    print("\nworst photo at sigma 0.1: " + "; ".join(f"{n}: {k}" for n, k in worst.items()))


def write_crops(path: str, test, outputs, model_name: str, size: int = 96) -> None:
    """Rows of noisy | non-local means | model | clean, a centre crop of 4 photos at sigma 0.1 and 0.3."""
    from PIL import Image

    rows = []
    for key, clean in test[:: max(1, len(test) // 4)][:4]:
        for s in COUNT_SIGMAS:
            h, w = clean.shape[:2]
            top, left = (h - size) // 2, (w - size) // 2
            cells = [outputs[key, s, "noisy"], outputs[key, s, "non-local means"], outputs[key, s, model_name], clean]
            rows.append(np.concatenate([c[top:top + size, left:left + size] for c in cells], 1))
    grid = (np.concatenate(rows, 0) * 255).round().astype(np.uint8)
    Image.fromarray(grid).resize((grid.shape[1] * 2, grid.shape[0] * 2), Image.Resampling.NEAREST).save(path)
    print(f"crops: {path} (rows: 4 photos x sigma {COUNT_SIGMAS}; noisy | non-local means | {model_name} | clean)")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"\n({time.perf_counter() - started:.0f} s, shared machine)")
