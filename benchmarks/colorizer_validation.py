"""Choose a colorizer recipe without looking at the test photos: hold whole groups of the
training photos out as a validation split, train on the rest, and print the gain over the
gray image on the validation photos, as colorize_photos.py does on the test ones.

    python benchmarks/colorizer_validation.py                        # the registry's recipe
    python benchmarks/colorizer_validation.py --zooms 1 --epochs 30  # whole-photo squares only, as before
    python benchmarks/colorizer_validation.py --log-error            # each photo's error through its log
    python benchmarks/colorizer_validation.py --set schedule=onecycle lr=2e-3   # any recipe setting
    python benchmarks/colorizer_validation.py --best-strength        # and each photo at its own best strength
    python benchmarks/colorizer_validation.py --hints 0,1,10 --steered-strength 1,0.8   # steered, as the test
    python benchmarks/colorizer_validation.py --epochs 60 --hints 0,1,2,5,10 --own-strength 0.4,0.6   # the shipped rule
    python benchmarks/colorizer_validation.py --photos-share 0.25 --epochs 240 --hints 0,1,2,5,10 --own-strength 0.4
                                             # a quarter of the training photos, as many steps: the learning curve

The validation groups are drawn from the train split's groups the way the test split's are
drawn from all of them (aeviz.datasets.debian_photos.held_out_groups, seed 3: GCompris' household
objects and music, MATE's nature photos and Palapeli's), so, like the test photos, they
show subjects the model never saw. Nothing is written: the model lives in this process."""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from colorize_photos import (  # beside this script: scored as the test photos are
    STRENGTHS,
    colorized,
    print_steered,
    shrunk,
    steered_gains,
)
from report import setting

import aeviz
from aeviz.training import loop
from aeviz.datasets import debian_photos
from aeviz.evaluation.metrics import psnr
from aeviz.models import colorizer

VAL_SEED = 3
SHARE_SEED = 4  # --photos-share: draws the training photos kept


def hold_out_validation(share: float = 1.0) -> list[debian_photos.Photo]:
    """Make debian_photos' "train" the train photos outside the validation groups, and its
    "test" the validation photos (for this process only); returns the validation photos.
    share < 1 keeps that share of the training photos, drawn by SHARE_SEED (the validation
    photos stay whole): how the gains grow with the number of photos."""
    train = debian_photos.photos("train")
    val = debian_photos.held_out_groups(debian_photos._group_sizes(train), seed=VAL_SEED)
    print(f"validation groups: {', '.join(sorted(val))}")
    fit, held = [p for p in train if p.group not in val], [p for p in train if p.group in val]
    if share < 1:
        keep = np.random.default_rng(SHARE_SEED).permutation(len(fit))[:max(1, round(share * len(fit)))]
        fit = [fit[i] for i in sorted(keep)]
    print(f"{len(fit)} training photos")
    debian_photos.photos = lambda split=None: list({None: fit + held, "train": fit, "test": held}[split])
    return held


def gains(model, photos, saturation: float) -> list[tuple[float, str]]:
    out = []
    for p in photos:
        x = shrunk(p.pixels)
        gray = aeviz.to_gray(x).expand(-1, 3, -1, -1)
        out.append((psnr(colorized(model, x, saturation), x).item() - psnr(gray, x).item(), p.key))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zooms", default=",".join(map(str, debian_photos.TRAIN_ZOOMS)),
                    help="the train split's views of each photo (short side 64 x zoom)")
    ap.add_argument("--epochs", type=int, help="default: the registry's")
    ap.add_argument("--saturation", default="1,0.75,0.5", help="scales of the predicted a and b to report")
    ap.add_argument("--log-error", action="store_true", help="train with each photo's error through its log "
                    "(TrainConfig.log_error)")
    ap.add_argument("--hints", help="also the gains with that many simulated hints and with the photo as its own "
                                    "reference, on the validation photos at full size (colorize_photos.py's protocol)")
    ap.add_argument("--steered-strength", default="1", help="--hints: the color strengths to report")
    ap.add_argument("--own-strength", help="--hints: instead, the shipped rule (the guess painted at SATURATION "
                    "unsteered; steered, its own share at SATURATION and the hints' at full strength) for each "
                    "SATURATION given")
    ap.add_argument("--set", nargs="*", type=setting, default=[],
                    help="recipe settings changed from the registry's, e.g. schedule=onecycle lr=2e-3")
    ap.add_argument("--photos-share", type=float, default=1.0,
                    help="train on this share of the training photos (give --epochs for as many steps)")
    ap.add_argument("--best-strength", action="store_true",
                    help="also the gains with each photo at its own best color strength (0 to 1.5)")
    args = ap.parse_args()
    debian_photos.TRAIN_ZOOMS = tuple(float(z) for z in args.zooms.split(","))
    if not 0 < args.photos_share <= 1:
        ap.error("--photos-share is a share of the training photos, above 0 and at most 1.")
    val = hold_out_validation(args.photos_share)
    colorizer.SATURATION = 1.0  # the validation MSE after each epoch is that of its whole guess
    chosen = {"log_error": args.log_error, **({"epochs": args.epochs} if args.epochs else {}), **dict(args.set)}
    cfg = aeviz.defaults_for("colorizer", **chosen)
    started = time.perf_counter()
    model, _ = loop.fit(cfg, on_epoch_end=lambda e, logs: print(
        f"epoch {e}: train loss {logs['train_loss']:.1f}, validation MSE {logs['test_mse']:.4f}, "
        f"{time.perf_counter() - started:.0f} s", flush=True))
    model.eval()
    print(f"\nzooms {args.zooms}, {cfg.epochs} epochs{''.join(f', {k}={v}' for k, v in args.set)}; "
          f"{len(debian_photos.photos('train'))} training photos, {len(val)} validation photos\n")
    print("| saturation | median gain (dB) | mean gain (dB) | worst (dB) | photos that gain |\n"
          "|---|---|---|---|---|")
    for s in (float(v) for v in args.saturation.split(",")):
        g = gains(model, val, s)
        worst = min(g)
        print(f"| {s:g} | {statistics.median(v for v, _ in g):+.2f} | "
              f"{np.mean([v for v, _ in g]):+.2f} | {worst[0]:+.2f} ({worst[1].rsplit('/', 1)[-1]}) | "
              f"{sum(v > 0 for v, _ in g)} of {len(g)} |", flush=True)
    if args.best_strength:  # the ceiling of any rule that picks a strength per photo
        best = [max(gains(model, [p], s)[0][0] for s in STRENGTHS) for p in val]
        print(f"\neach photo at its own best strength: median gain {statistics.median(best):+.2f} dB, "
              f"mean {np.mean(best):+.2f}", flush=True)
    if args.hints:
        photos = [(p.key, torch.from_numpy(p.pixels.copy()).permute(2, 0, 1).float()[None] / 255.0) for p in val]
        ks = [int(k) for k in args.hints.split(",")]
        for s in (float(v) for v in (args.own_strength or args.steered_strength).split(",")):
            if args.own_strength:
                colorizer.SATURATION = s
                print(f"\nthe shipped rule with SATURATION {s:g}, the validation photos at full size:\n")
            else:
                print(f"\nsteered, at strength {s:g}, the validation photos at full size:\n")
            print_steered(steered_gains(model, photos, ks, None if args.own_strength else s)[0])


if __name__ == "__main__":
    main()
