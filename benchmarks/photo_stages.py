"""A phone-sized photo on the Denoise page, split by stage (aeviz issue 12, item 7).

    python benchmarks/photo_stages.py [--megapixels 12] [--threads 0] [--repeats 1] [--checkpoint ID_OR_PATH]

A 4:3 photo of the given size (an example photo enlarged, saved as a JPEG of quality 90 as
a phone would) goes through what cache.apply_model and ui.image_result do, each stage timed:
decode the upload, add Gaussian noise (0.3), the shipped photo denoiser (or --checkpoint's) over its tiles,
PSNR and SSIM (noisy and denoised, against the clean photo), the three shown PNGs (shrunk
to 1,024 px), and the full-size PNG for the download (made only when the download is
asked for; at zlib level 1 as encode_png does above a megapixel, and at Pillow's default 6
for comparison). Total: what the user waits for after the upload (every stage but the
download's PNG). --threads 0 leaves torch's own count (the cores). Prints a table."""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, print_table  # noqa: E402

DENOISER = "residual-debian-photos-97573982fc41"  # the Denoise page's choice for photos (views/denoise.py)


def photo_bytes(megapixels: float) -> bytes:
    import numpy as np
    import torch
    from PIL import Image

    import aeviz
    w = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    h = w * 3 // 4
    photo = aeviz.datasets.example_photo(aeviz.datasets.EXAMPLE_PHOTOS[0])
    big = torch.nn.functional.interpolate(photo[None], size=(h, w), mode="bicubic")[0].clamp(0, 1)
    buf = io.BytesIO()
    Image.fromarray((big.permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def stages(data: bytes, denoiser: str = DENOISER) -> list[tuple[str, float, str]]:
    import torch
    from PIL import Image

    import aeviz
    from aeviz.evaluation import metrics
    from aeviz.apply import run_on_image, tiles
    from aeviz.dashboard.ui import display_png
    from aeviz.images import decode_image, to_uint8

    model = aeviz.load_checkpoint(denoiser)
    run_on_image(model, torch.rand(3, 64, 64))  # warm: the page's model is loaded and has run
    rows = []

    def timed(what, fn, note=""):
        start = time.perf_counter()
        out = fn()
        rows.append((what, time.perf_counter() - start, note))
        return out

    image = timed("decode the upload", lambda: decode_image(data))
    fed = timed("add noise", lambda: aeviz.corrupt(image[None], "gaussian", 0.3, torch.Generator().manual_seed(0))[0])
    n_tiles = len(tiles(*image.shape[-2:]))
    out = timed("the model", lambda: run_on_image(model, fed), f"{n_tiles} tiles")
    timed("PSNR (2)", lambda: (metrics.psnr(fed[None], image[None]), metrics.psnr(out[None], image[None])))
    timed("SSIM (2), as the page: photo_ssim", lambda: (metrics.photo_ssim(fed[None], image[None]),
                                                      metrics.photo_ssim(out[None], image[None])))
    timed("SSIM (2) at full size (not used)", lambda: (metrics.ssim(fed[None], image[None]),
                                                       metrics.ssim(out[None], image[None])))
    timed("shown PNGs (3)", lambda: [display_png(t.numpy()) for t in (fed, out, image)])
    for level in (1, 6):
        def png(level=level):
            buf = io.BytesIO()
            Image.fromarray(to_uint8(out)).save(buf, format="PNG", compress_level=level)
            return buf.getvalue()
        size = len(timed(f"download PNG, zlib {level}", png))
        rows[-1] = (*rows[-1][:2], f"{size / 1e6:.1f} MB" + (" (encode_png)" if level == 1 else " (not used)"))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--megapixels", type=float, default=12)
    ap.add_argument("--threads", type=int, default=0, help="torch threads; 0 leaves torch's own count")
    ap.add_argument("--repeats", type=int, default=1, help="the fastest of this many runs of each stage")
    ap.add_argument("--checkpoint", default=DENOISER, help="the denoiser's id or path (default: the shipped photo denoiser)")
    args = ap.parse_args(argv)
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    data = photo_bytes(args.megapixels)
    runs = [stages(data, args.checkpoint) for _ in range(args.repeats)]
    best = [(what, min(r[i][1] for r in runs), note) for i, (what, _, note) in enumerate(runs[0])]
    waited = sum(t for what, t, _ in best if not what.startswith("download") and "not used" not in what)
    print(machine_line())
    print(f"{args.megapixels:g} MP photo, {len(data) / 1e6:.1f} MB JPEG, torch threads {torch.get_num_threads()}, "
          f"denoiser {args.checkpoint}")
    print_table(("stage", "seconds", "note"), [(w, f"{t:.2f}", n) for w, t, n in best]
                + [("total the user waits for", f"{waited:.2f}", "all but the download and what is not used")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
