"""How much of the noise it predicts the residual denoiser takes away (aeviz/models/residual.py,
SHRINK: sigma^2 / (sigma^2 + SHRINK^2) of it, sigma the photo's own noise level; SHRINK_TOLD
for a network told the noise level), tried on training photos: the rule is chosen there, never
on the held-out photos that benchmarks/denoise_gains.py scores.

    python benchmarks/denoiser_shrink.py                    # the shipped one, told the level
    python benchmarks/denoiser_shrink.py --checkpoint ID    # another (the blind one: SHRINK)
    python benchmarks/denoiser_shrink.py --no-mirror        # the network on the photo alone (MIRROR off)

On every 14th training photo of debian-photos (21), shrunk as denoise_gains.py shrinks them,
with Gaussian noise of each sigma below (clipped to [0, 1], seeded per photo): what
aeviz.datasets.corruptions.noise_level reads (median over the photos), and for each SHRINK the
median gain over the noisy input (and the worst photo); at sigma 0, the PSNR of the clean photo
that comes back. SHRINK 0 takes all of the predicted noise away (the network alone)."""
from __future__ import annotations

import argparse

import numpy as np
import torch

import aeviz
from aeviz.datasets import debian_photos
from aeviz.datasets.corruptions import noise_level
from aeviz.models import residual

from denoise_gains import CHECKPOINT, as_array, model_method, noisy, psnr, shrunk  # the shipped denoiser

SIGMAS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3)
SHRINKS = (0.0, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.07)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", default=CHECKPOINT, help="a residual denoiser's id or path")
    ap.add_argument("--no-mirror", action="store_true", help="the noise read on the photo alone, not also on "
                    "its mirror image (residual.MIRROR)")
    args = ap.parse_args()
    residual.MIRROR = not args.no_mirror
    torch.manual_seed(0)
    train = debian_photos.photos("train")
    photos = [as_array(shrunk(p.pixels)) for p in train[::14]]
    model = aeviz.load_checkpoint(args.checkpoint)
    run = model_method(model)
    rule = "SHRINK_TOLD" if model.told else "SHRINK"  # the constant this network's share is read from
    print(f"{model.checkpoint_id} ({rule}, MIRROR {residual.MIRROR}), {len(photos)} training photos (every 14th)\n")
    print("| sigma | level read | " + " | ".join(f"SHRINK {s:g}" for s in SHRINKS) + " |")
    print("|---|---|" + "---|" * len(SHRINKS))
    for sigma in SIGMAS:
        gains = {s: [] for s in SHRINKS}
        read = []
        for i, clean in enumerate(photos):
            x = noisy(clean, sigma, 5000 + i)
            read.append(float(noise_level(torch.from_numpy(x).permute(2, 0, 1)[None])[0]))
            base = psnr(x, clean) if sigma else 0.0
            for s in SHRINKS:
                setattr(residual, rule, s or 1e-9)  # read at each call: 1e-9 takes all of it away
                gains[s].append(psnr(np.clip(run(x, sigma), 0, 1), clean) - base)
        print(f"| {sigma:g} | {np.median(read):.3f} | " + " | ".join(
            f"{np.median(g):+.2f} ({min(g):+.2f})" for g in gains.values()) + " |", flush=True)


if __name__ == "__main__":
    main()
