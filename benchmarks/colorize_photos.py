"""The shipped colorizer on whole photos: PSNR of its output and of the gray image itself
against the true colors, through aeviz.apply.run_on_image (tiled, any size).

    python benchmarks/colorize_photos.py"""
import skimage.data
import torch
from sklearn.datasets import load_sample_image

import aeviz
from aeviz.apply import run_on_image
from aeviz.metrics import psnr

CHECKPOINT = "colorizer-photos-035a342c1d8d"
PHOTOS = {
    "astronaut (a training photo)": skimage.data.astronaut,
    "flower (unseen)": lambda: load_sample_image("flower.jpg"),
    "chelsea, the cat (unseen)": skimage.data.chelsea,
}


def main():
    model = aeviz.load_checkpoint(CHECKPOINT)
    print("| photo | colorized PSNR (dB) | gray image PSNR (dB) |")
    print("|---|---|---|")
    for name, load in PHOTOS.items():
        x = torch.from_numpy(load().copy()).permute(2, 0, 1).float()[None] / 255.0
        out = run_on_image(model, x[0])[None]
        gray = aeviz.to_gray(x).expand(-1, 3, -1, -1)
        print(f"| {name} | {psnr(out, x).item():.2f} | {psnr(gray, x).item():.2f} |")


if __name__ == "__main__":
    main()
