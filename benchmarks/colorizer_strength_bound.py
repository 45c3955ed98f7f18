"""Could a rule read a photo's color strength from what the gray photo shows? A bound, fit on
the held-out photos themselves, so it is an upper limit and never a way to choose anything.

    python benchmarks/colorizer_strength_bound.py [--checkpoint ID] [--penalties 5,30]

colorize_photos.py --best-strength shows that the shipped colorizer's guesses would meet the
targets if each photo were painted at its own best strength. This script asks whether that
strength can be told from what the colorizer sees: at each pixel the strength is
1.5 * sigmoid(w . f), one weight vector for a and one for b, over features a rule could
compute from the gray photo alone:

- at the pixel: the guessed chroma, how much the guesses for the photo and for its mirror
  image disagree, how much the guesses at 1 and 1.5 times the size disagree, the lightness;
- over the photo: the same three as root mean squares, and the spread of its lightness.

The weights are fit by Adam on the 51 held-out photos (at half size, for speed), to maximise
the mean gain over the gray image minus a penalty (--penalties) times the mean shortfall
below -0.5 dB, and scored at full size as colorize_photos.py scores them. A row with the
first feature alone is one strength for every photo and pixel."""
from __future__ import annotations

import argparse
import statistics

import torch
import torch.nn.functional as F
from colorize_photos import CHECKPOINT, debian_test_photos  # beside this script

import aeviz
from aeviz.color import gray_lightness, lab_to_rgb
from aeviz.metrics import psnr
from aeviz.models.colorizer import AB_SCALE, _resized

PIXEL = ["constant", "chroma", "mirror disagreement", "size disagreement", "lightness"]
PHOTO = ["photo chroma", "photo mirror disagreement", "photo size disagreement", "lightness spread"]
STEPS, FLOOR = 300, -0.5


def guesses(model, gray):
    """The guessed (a, b) for the photo and for its mirror image (flipped back), and the
    mirror-averaged guess at 1.5 times the size, all at the photo's full size."""
    with torch.no_grad():
        both = model.predict_ab(gray)  # the mirror-averaged guess, at the size the model sees
        seen = _resized(gray, tuple(both.shape[-2:]))
        own = model.decode(model.encode(seen))[..., : seen.shape[-2], : seen.shape[-1]].float() * AB_SCALE
        larger = model.predict_ab(gray, scales=(1.5,))
    up = lambda t: F.interpolate(t, size=gray.shape[-2:], mode="bilinear", align_corners=False)[0]
    return up(own), up(2 * both - own), up(larger)  # both = (own + mirror) / 2


def features(model, gray):
    """The guess (2, H, W) and the features (K, H, W) a rule could read from the gray photo."""
    own, mirror, larger = guesses(model, gray)
    guess = (own + mirror) / 2
    chroma = guess.norm(dim=0)
    mirror_dis = (own - mirror).norm(dim=0) / (chroma + 3)
    size_dis = (guess - larger).norm(dim=0) / (chroma + 3)
    lightness = gray_lightness(gray)[0, 0] / 100
    rms = lambda t: float(t.pow(2).mean().sqrt())
    ones = torch.ones_like(lightness)
    pixel = [ones, chroma / 30, mirror_dis.clamp(max=3), size_dis.clamp(max=3), lightness]
    photo = [rms(chroma) / 30, rms((own - mirror).norm(dim=0)) / (rms(chroma) + 1e-6),
             rms((guess - larger).norm(dim=0)) / (rms(chroma) + 1e-6), float(lightness.std())]
    return guess, torch.stack(pixel + [v * ones for v in photo])


class Photo:
    """One held-out photo with its guess and features; every(n) keeps every n-th pixel."""

    def __init__(self, x, gray, guess, feats):
        self.x, self.gray, self.guess, self.feats = x, gray, guess, feats
        self.lightness = gray_lightness(gray)
        self.gray_psnr = psnr(gray.expand(-1, 3, -1, -1), x).item()

    @classmethod
    def seen_by(cls, model, x):
        gray = aeviz.to_gray(x)
        return cls(x, gray, *features(model, gray))

    def every(self, n):
        sub = (..., slice(None, None, n), slice(None, None, n))
        return Photo(self.x[sub], self.gray[sub], self.guess[sub], self.feats[sub])

    def gain(self, weights):
        k = len(weights[0])
        strength = (weights @ self.feats[:k].reshape(k, -1)).sigmoid().reshape(2, *self.feats.shape[1:]) * 1.5
        out = lab_to_rgb(torch.cat([self.lightness, (strength * self.guess)[None]], 1)).clamp(0, 1)
        return -10 * torch.log10((out - self.x).pow(2).mean()) - self.gray_psnr


def fit(photos, k, penalty):
    weights = torch.zeros(2, k)
    weights[:, 0] = torch.logit(torch.tensor(0.4 / 1.5))  # start at the shipped strength
    weights.requires_grad_(True)
    opt = torch.optim.Adam([weights], lr=0.05)
    for _ in range(STEPS):
        g = torch.stack([p.gain(weights) for p in photos])
        loss = -g.mean() + penalty * F.relu(FLOOR - g).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return weights.detach()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", default=CHECKPOINT)
    ap.add_argument("--penalties", default="5,30", help="weights on the shortfall below -0.5 dB")
    args = ap.parse_args()
    model = aeviz.load_checkpoint(args.checkpoint).eval()
    full = [Photo.seen_by(model, x) for _, x in debian_test_photos()]
    half = [p.every(2) for p in full]
    print(f"{args.checkpoint}, {len(full)} held-out photos; rules fit on these photos (a bound)\n")
    print("| rule's features | penalty | median gain (dB) | mean gain (dB) | worst (dB) | photos that gain | below -0.5 dB |")
    print("|---|---|---|---|---|---|---|")
    for k, what in [(1, "one strength"), (len(PIXEL), "per pixel"), (len(PIXEL) + len(PHOTO), "per pixel and photo")]:
        for penalty in [float(v) for v in args.penalties.split(",")]:
            weights = fit(half, k, penalty)
            with torch.no_grad():
                g = [p.gain(weights).item() for p in full]
            print(f"| {what} | {penalty:g} | {statistics.median(g):+.2f} | {statistics.fmean(g):+.2f} | {min(g):+.2f} "
                  f"| {sum(v > 0 for v in g)} of {len(g)} | {sum(v < FLOOR for v in g)} |", flush=True)


if __name__ == "__main__":
    main()
