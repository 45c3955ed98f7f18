"""How a reference photo's colors are read (aeviz/color.py: the lightness x texture table, and
aeviz/models/colorizer.py: REFERENCE_TRUST), tried on training photos: chosen there, never on the
held-out photos that benchmarks/colorize_photos.py scores.

    python benchmarks/colorizer_reference.py

For each setting below, with the shipped colorizer, on every 7th training photo of debian-photos
(41) at their full cached size, the median gain over the gray image (and the worst photo):
- "itself": the photo is its own reference (the oracle colorize_photos.py reports);
- "another": the next photo of the list is the reference, a different scene (most often of the
  same package and kind): how much an unrelated reference costs."""
from __future__ import annotations

import statistics

import torch

import aeviz
from aeviz import color
from aeviz.apply import run_on_image
from aeviz.datasets import debian_photos
from aeviz.evaluation.metrics import psnr
from aeviz.models import colorizer

from colorize_photos import CHECKPOINT

# (lightness levels, their sigma, texture levels, the top one, their sigma, REFERENCE_TRUST)
SETTINGS = [(24, .03, 8, .7, .05, .003), (16, .04, 8, .7, .05, .003), (32, .02, 8, .7, .05, .003),
            (24, .03, 6, .7, .07, .003), (24, .03, 10, .7, .04, .003), (32, .02, 10, .7, .04, .003),
            (24, .03, 12, .7, .033, .003), (24, .03, 10, .6, .035, .003), (24, .03, 10, .8, .045, .003),
            (24, .03, 10, .7, .04, 0.0), (24, .03, 10, .7, .04, .001), (24, .03, 10, .7, .04, .01)]


def use(levels, level_spread, textures, top, texture_spread, trust) -> None:
    """Make the package read references by this setting (module constants, as the code reads them)."""
    color.LEVELS, color.LEVEL_SPREAD, color.TEXTURES, color.TEXTURE_TOP, color.TEXTURE_SPREAD = (
        levels, level_spread, textures, top, texture_spread)
    colorizer.LEVELS, colorizer.TEXTURES = levels, textures
    color.CELLS = levels * textures
    color.PALETTE_SIZE = color.HISTOGRAM_SIZE + 3 * color.CELLS
    colorizer.REFERENCE_TRUST = trust


def gains(model, photos, shift: int) -> list[float]:
    """Each photo's gain over gray, colorized with the photo `shift` places on as its reference."""
    out = []
    for i, (_, x) in enumerate(photos):
        ref = photos[(i + shift) % len(photos)][1]
        got = run_on_image(model, x[0], palette=color.palette(ref[0], model.image_shape[-1]))
        out.append(psnr(got[None], x).item() - psnr(aeviz.to_gray(x).expand(-1, 3, -1, -1), x).item())
    return out


def summary(g: list[float]) -> str:
    return f"{statistics.median(g):+.2f} ({min(g):+.2f})"


def main() -> None:
    photos = [(p.key, torch.from_numpy(p.pixels.copy()).permute(2, 0, 1).float()[None] / 255.0)
              for p in debian_photos.photos("train")[::7]]
    model = aeviz.load_checkpoint(CHECKPOINT)
    print(f"{CHECKPOINT}, {len(photos)} training photos (every 7th); median gain over gray, dB (worst)\n")
    print("| lightness levels | sigma | texture levels | top | sigma | trust | itself | another |")
    print("|---|---|---|---|---|---|---|---|")
    for setting in SETTINGS:
        use(*setting)
        print("| " + " | ".join(f"{v:g}" for v in setting) +
              f" | {summary(gains(model, photos, 0))} | {summary(gains(model, photos, 1))} |", flush=True)


if __name__ == "__main__":
    main()
