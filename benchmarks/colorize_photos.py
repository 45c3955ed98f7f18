"""A colorizer on whole photos: PSNR of its output and of the gray image itself against the
true colors, through aeviz.apply.run_on_image (tiled, any size).

    python benchmarks/colorize_photos.py                       # the shipped colorizer, scikit-image photos
    python benchmarks/colorize_photos.py --checkpoint ID --debian-test [--grid out.png] [--saturation 1]
    python benchmarks/colorize_photos.py --debian-test --best-strength   # each photo's own best strength
    python benchmarks/colorize_photos.py --hints 0,1,2,5,10 [--grid docs/colorizer_hints.jpg]  # steered

--debian-test runs on every held-out photo of the debian-photos dataset (whole packages and
series no training photo comes from), each shrunk as the dataset's patches are (long side
256 px), and prints the median gain over the gray image and the worst photo; --grid writes
gray | colorized | original rows of some of them, to look at. --best-strength also finds each
photo's own best color strength (0 to 1.5, by 0.05) and the gains if every photo were painted
at its own: how far a rule that picked the strength per photo could go with this model's guesses.

--hints K,... scores the colorizer steered as a user would, on the held-out photos at their full
(cached) size, through aeviz.apply as the CLI runs it. The protocol (hints_for): for each photo,
HINT_SEED and its place in the list seed one draw of max(K) pixels, uniform over the photo;
k hints are the first k of them (so the 2 include the 1), each the photo's true mean color
(rounded to 0..255) over a square patch around its pixel whose side is 1% of the photo's short
side (at least one pixel). One more row gives the photo itself as the reference (the oracle, as
Zhang et al. 2017's global histogram is measured). Each row: the median gain over the gray
image and the worst photo; --grid then writes gray | 0 hints | 1 hint | 10 hints | the photo as
its own reference | truth rows, the hints marked, as a small JPEG."""
from __future__ import annotations

import argparse
import statistics

import numpy as np
import skimage.data
import torch
from sklearn.datasets import load_sample_image

import aeviz
from aeviz.apply import run_on_image
from aeviz.evaluation.metrics import psnr

CHECKPOINT = "colorizer-debian-scenes-e6437e22e69b"
PHOTOS = {
    # None of them is among the debian-scenes photos the shipped colorizer learned from.
    "astronaut": skimage.data.astronaut,
    "flower": lambda: load_sample_image("flower.jpg"),
    "chelsea, the cat": skimage.data.chelsea,
}
LONG_SIDE = 256  # the debian-photos patches are cut from photos of this long side
HINT_SEED = 25   # --hints: seeds each photo's draw of hinted pixels (with the photo's place in the list)
PATCH_SHARE = 0.01  # --hints: a hint's patch side, as a share of the photo's short side
STRENGTHS = [i / 20 for i in range(31)]  # --best-strength's grid: 0 to 1.5 by 0.05


def shrunk(pixels) -> torch.Tensor:
    """A debian-photos photo ((H, W, 3) uint8) as a (1, 3, h, w) tensor, long side LONG_SIDE."""
    x = torch.from_numpy(pixels.copy()).permute(2, 0, 1).float()[None] / 255.0
    h, w = x.shape[-2:]
    f = LONG_SIDE / max(h, w)
    return torch.nn.functional.interpolate(x, size=(round(h * f), round(w * f)), mode="bilinear",
                                           antialias=True, align_corners=False).clamp(0, 1)


def debian_test_photos(full: bool = False):
    """(key, (1, 3, h, w) photo) of each held-out photo: shrunk to LONG_SIDE, or at its full size."""
    from aeviz.datasets import debian_photos

    for p in debian_photos.photos("test"):
        yield p.key, (torch.from_numpy(p.pixels.copy()).permute(2, 0, 1).float()[None] / 255.0 if full
                      else shrunk(p.pixels))


def hints_for(x: torch.Tensor, k: int, seed) -> list[tuple[int, int, tuple[int, int, int]]]:
    """The protocol's k hints for the (1, 3, H, W) photo x (see the module's docstring)."""
    h, w = x.shape[-2:]
    rng = np.random.default_rng(seed)
    side = max(1, round(PATCH_SHARE * min(h, w)))
    hints = []
    for y, px in zip(rng.integers(0, h, k), rng.integers(0, w, k)):
        top, left = max(0, y - side // 2), max(0, px - side // 2)
        mean = x[0, :, top:top + side, left:left + side].mean((1, 2))
        hints.append((int(px), int(y), tuple(int(v) for v in (mean * 255).round().tolist())))
    return hints


def steered_gains(model, photos, ks, strength: float | None = None, keep: bool = False):
    """{row: [(gain in dB, key), ...]} and the grid's tiles: each photo colorized with k protocol
    hints for each k in ks, and with itself as the reference ("reference"); strength: the color
    strength (None: the model's default for what it was given)."""
    from aeviz.apply import check_hints
    from aeviz.color import palette

    rows = {**{k: [] for k in ks}, "reference": []}
    tiles = []
    for i, (name, x) in enumerate(photos):
        gray = aeviz.to_gray(x).expand(-1, 3, -1, -1)
        base = psnr(gray, x).item()
        drawn = hints_for(x, max(ks), (HINT_SEED, i))
        shown = {"gray": gray[0], "truth": x[0]}
        for k in ks:
            out = run_on_image(model, x[0], saturation=strength, hints=check_hints(drawn[:k], x.shape[-1], x.shape[-2]))
            rows[k].append((psnr(out[None], x).item() - base, name))
            shown[k] = (out, drawn[:k])
        out = run_on_image(model, x[0], saturation=strength, palette=palette(x[0], model.image_shape[-1]))
        rows["reference"].append((psnr(out[None], x).item() - base, name))
        shown["reference"] = out
        if keep:
            tiles.append(shown)
    return rows, tiles


def print_steered(rows) -> None:
    print("| hints | median gain over the gray image (dB) | mean (dB) | worst photo (dB) | photos that gain |\n"
          "|---|---|---|---|---|")
    for row, g in rows.items():
        worst = min(g)
        what = "the true photo as the reference" if row == "reference" else row
        print(f"| {what} | {statistics.median(v for v, _ in g):+.2f} | {np.mean([v for v, _ in g]):+.2f} | "
              f"{worst[0]:+.2f} ({worst[1].rsplit('/', 1)[-1]}) | {sum(v > 0 for v, _ in g)} of {len(g)} |", flush=True)


def steered_grid(tiles, path: str, ks=(0, 1, 10), photos: int = 5, side: int = 176) -> None:
    """gray | k hints for each k | itself as the reference | truth, for a few photos spread over the list, each tile's long
    side `side` px, each hint a small square of its color in a white frame; a JPEG."""
    from PIL import Image

    from aeviz.images import to_uint8

    step = max(1, len(tiles) // photos)
    rows = []
    for shown in tiles[::step][:photos]:
        row = []
        for what in ("gray", *ks, "reference", "truth"):
            img, hints = shown[what] if what in ks else (shown[what], [])
            h, w = img.shape[-2:]
            f = side / max(h, w)
            small = torch.nn.functional.interpolate(img[None], size=(round(h * f), round(w * f)), mode="area")[0]
            for x, y, color in hints:
                cy, cx = min(round(y * f), small.shape[1] - 1), min(round(x * f), small.shape[2] - 1)
                small[:, max(0, cy - 3):cy + 4, max(0, cx - 3):cx + 4] = 1.0
                small[:, max(0, cy - 2):cy + 3, max(0, cx - 2):cx + 3] = torch.tensor(color).view(3, 1, 1) / 255
            tile = torch.ones(3, side, side)
            tile[:, :small.shape[1], :small.shape[2]] = small
            row.append(torch.nn.functional.pad(tile, (0, 4, 0, 4), value=1.0))
        rows.append(torch.cat(row, 2))
    Image.fromarray(to_uint8(torch.cat(rows, 1))).save(path, quality=82)
    print(f"grid: {path} (columns: gray, {', '.join(f'{k} hints' for k in ks)}, itself as the reference, truth)")


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
    ap.add_argument("--hints", help="comma-separated numbers of hints, e.g. 0,1,2,5,10: the held-out photos at "
                                    "full size, steered by that many simulated hints, and by themselves as the reference")
    args = ap.parse_args()
    model = aeviz.load_checkpoint(args.checkpoint)
    if args.hints:
        ks = [int(k) for k in args.hints.split(",")]
        print(f"{args.checkpoint}: the held-out debian-photos at full size (long side 512), hints seeded by "
              f"{HINT_SEED}, patch side {PATCH_SHARE:.0%} of the short side\n")
        rows, tiles = steered_gains(model, debian_test_photos(full=True), ks, args.saturation, bool(args.grid))
        print_steered(rows)
        if args.grid:
            steered_grid(tiles, args.grid)
        return
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
