"""A colorizer on whole photos: PSNR of its output and of the gray image itself against the
true colors, through aeviz.apply.run_on_image (tiled, any size).

    python benchmarks/colorize_photos.py                       # the shipped colorizer, scikit-image photos
    python benchmarks/colorize_photos.py --checkpoint ID --debian-test [--grid out.png] [--saturation 1]
    python benchmarks/colorize_photos.py --debian-test --best-strength   # each photo's own best strength

--debian-test runs on every held-out photo of the debian-photos dataset (whole packages and
series no training photo comes from), each shrunk as the dataset's patches are (long side
256 px), and prints the median gain over the gray image and the worst photo; --grid writes
gray | colorized | original rows of some of them, to look at. --best-strength also finds each
photo's own best color strength (0 to 1.5, by 0.05) and the gains if every photo were painted
at its own: how far a rule that picked the strength per photo could go with this model's guesses."""
from __future__ import annotations

import argparse
import statistics

import skimage.data
import torch
from sklearn.datasets import load_sample_image

import aeviz
from aeviz.apply import run_on_image
from aeviz.evaluation.metrics import psnr

CHECKPOINT = "colorizer-debian-scenes-3b75cee6977c"
PHOTOS = {
    # None of them is among the debian-scenes photos the shipped colorizer learned from.
    "astronaut": skimage.data.astronaut,
    "flower": lambda: load_sample_image("flower.jpg"),
    "chelsea, the cat": skimage.data.chelsea,
}
LONG_SIDE = 256  # the debian-photos patches are cut from photos of this long side
STRENGTHS = [i / 20 for i in range(31)]  # --best-strength's grid: 0 to 1.5 by 0.05


def shrunk(pixels) -> torch.Tensor:
    """A debian-photos photo ((H, W, 3) uint8) as a (1, 3, h, w) tensor, long side LONG_SIDE."""
    x = torch.from_numpy(pixels.copy()).permute(2, 0, 1).float()[None] / 255.0
    h, w = x.shape[-2:]
    f = LONG_SIDE / max(h, w)
    return torch.nn.functional.interpolate(x, size=(round(h * f), round(w * f)), mode="bilinear",
                                           antialias=True, align_corners=False).clamp(0, 1)


def debian_test_photos():
    from aeviz.datasets import debian_photos

    for p in debian_photos.photos("test"):
        yield p.key, shrunk(p.pixels)


def skimage_photos():
    for name, load in PHOTOS.items():
        yield name, torch.from_numpy(load().copy()).permute(2, 0, 1).float()[None] / 255.0


def colorized(model, x: torch.Tensor, saturation: float | None) -> torch.Tensor:
    """The colorizer's output for the (1, 3, H, W) photo x, as the Colorize page gives it:
    saturation times its guessed a and b (None: the model's default, the page's)."""
    return run_on_image(model, x[0], saturation=saturation)[None]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", default=CHECKPOINT)
    ap.add_argument("--debian-test", action="store_true", help="the held-out photos of debian-photos")
    ap.add_argument("--saturation", type=float,
                    help="how much of its guessed a and b the colorizer paints (default: its own, "
                         "aeviz.models.colorizer.SATURATION; 1: the whole guess)")
    ap.add_argument("--grid", help="write gray | colorized | original rows of 8 photos to this PNG")
    ap.add_argument("--best-strength", action="store_true",
                    help="also each photo's own best color strength, and the gains at it")
    args = ap.parse_args()
    model = aeviz.load_checkpoint(args.checkpoint)
    from aeviz.models.colorizer import SATURATION

    strength = SATURATION if args.saturation is None else args.saturation
    print(f"{args.checkpoint}, color strength {strength:g}\n\n| photo | colorized PSNR (dB) | gray image PSNR (dB) | gain (dB) |\n|---|---|---|---|")
    gains, shown, best = [], [], []
    for name, x in (debian_test_photos() if args.debian_test else skimage_photos()):
        out = colorized(model, x, args.saturation)
        gray = aeviz.to_gray(x).expand(-1, 3, -1, -1)
        ours, base = psnr(out, x).item(), psnr(gray, x).item()
        gains.append((ours - base, name))
        print(f"| {name} | {ours:.2f} | {base:.2f} | {ours - base:+.2f} |")
        shown.append((gray[0], out[0], x[0]))
        if args.best_strength:
            best.append(max((psnr(colorized(model, x, s), x).item() - base, s) for s in STRENGTHS))
    median = statistics.median(g for g, _ in gains)
    worst = min(gains)
    print(f"\n{len(gains)} photos: median gain over the gray image {median:+.2f} dB; "
          f"worst {worst[0]:+.2f} dB ({worst[1]}); {sum(g > 0 for g, _ in gains)} of {len(gains)} gain.")
    if best:
        print(f"Each photo at its own best strength: median gain {statistics.median(g for g, _ in best):+.2f} dB; "
              f"those strengths from {min(s for _, s in best):g} to {max(s for _, s in best):g} "
              f"(median {statistics.median(s for _, s in best):g}); {sum(s == 0 for _, s in best)} photos best left gray.")
    if args.grid:
        from aeviz.images import encode_png

        step = max(1, len(shown) // 8)
        rows = []
        for gray, out, orig in shown[::step][:8]:
            row = torch.cat([gray, torch.ones(3, gray.shape[1], 4), out, torch.ones(3, gray.shape[1], 4), orig], 2)
            rows.append(torch.nn.functional.pad(row, (0, 3 * LONG_SIDE + 8 - row.shape[2], 0, 4), value=1.0))
        with open(args.grid, "wb") as f:
            f.write(encode_png(torch.cat(rows, 1)))
        print(f"grid: {args.grid}")


if __name__ == "__main__":
    main()
