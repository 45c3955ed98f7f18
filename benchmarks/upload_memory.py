"""What an upload costs in memory: a decompression bomb, the largest image allowed, and a
Denoise page run, each beside the bound it must stay under (RELIABILITY.md, hostile inputs).

    python benchmarks/upload_memory.py [--repeats 3]

Each measurement runs in a fresh Python process (one torch thread, the shipped checkpoints):
the peak RSS growth is the kernel's maximum resident set (getrusage ru_maxrss) after the one
call minus before it, so no short spike is missed. The bomb is a PNG whose header claims
100000 x 100000 pixels (30 GB decoded): decode_image refuses it from the header. The largest
image is 4000 x 4000 RGB (MAX_PIXELS). The page run is the Denoise page's apply_model on a
1000 x 1000 upload with the shipped fully convolutional denoiser, after a warm-up run on a
tiny image (the model loaded). Exits 1 if a bound is exceeded."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from report import machine_line, print_table  # noqa: E402

MIB = 2 ** 20
FLOAT_PIXEL = 3 * 4  # three float32 channels per pixel

CHILD = """
import json, logging, os, resource, sys, warnings
warnings.filterwarnings("ignore"); logging.disable(logging.WARNING)
import torch; torch.set_num_threads(1)
from PIL import Image
from support.files import encode, png_claiming
from aeviz.checkpoints import SHIPPED_DIR, list_checkpoints
from aeviz.images import ImageError, decode_image
from aeviz.dashboard import cache
peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
out = {}
if sys.argv[1] == "decode":
    bomb, big = png_claiming(100_000, 100_000), encode(Image.new("RGB", (4000, 4000), (10, 200, 30)), "PNG")
    base = peak()
    try:
        decode_image(bomb)
    except ImageError:
        out["bomb"] = peak() - base
    base = peak()
    out["16mp"] = peak() - base if decode_image(big).shape == (3, 4000, 4000) else None
else:
    shipped = [e for e in list_checkpoints([SHIPPED_DIR]) if e.meta]
    e = min((e for e in shipped if e.meta["config"]["model"] == "denoising" and e.meta["config"].get("fully_conv")),
            key=lambda e: e.id)  # what the Denoise page picks for an upload: the fully convolutional denoiser
    path, mtime = str(e.path), os.path.getmtime(e.path)
    cache.apply_model(path, mtime, encode(Image.new("RGB", (9, 9)), "PNG"), None, "gaussian", 0.3, 0)
    data = encode(Image.new("RGB", (1000, 1000), (10, 200, 30)), "PNG")
    base = peak()
    out["apply"] = peak() - base if cache.apply_model(path, mtime, data, None, "gaussian", 0.3, 0) else None
print(json.dumps(out))
"""


def bounds(max_pixels: int) -> dict:
    """name -> (what, bound in bytes, why)."""
    return {
        "bomb": ("decode the 100000x100000 bomb (refused)", 20 * MIB, "20 MiB; decoded it would be 30 GB"),
        "16mp": ("decode the largest allowed image, 4000x4000 RGB", 3 * max_pixels * FLOAT_PIXEL,
                 "3 float copies of MAX_PIXELS: the tensor, its transposed copy, one temporary"),
        "apply": ("a Denoise page run (apply_model) on 1000x1000", 24 * 1_000_000 * FLOAT_PIXEL + 150 * MIB,
                  "24 float copies (input, noisy, output, cached and returned copies, SSIM's temporaries) "
                  "+ 150 MiB for one 288x288 tile's activations; the whole image at once would need over 1 GB"),
    }


def measure(what: str) -> dict:
    """Peak RSS growth in bytes, by name, from one fresh child process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]), "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", CHILD, what], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    if proc.returncode:
        raise SystemExit(f"the {what} child failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3, help="fresh processes per measurement")
    args = ap.parse_args(argv)
    from aeviz.images import MAX_PIXELS

    found: dict[str, list] = {}
    for _ in range(args.repeats):
        for what in ("decode", "apply"):
            for name, value in measure(what).items():
                found.setdefault(name, []).append(value)
    rows, fails = [], []
    for name, (what, bound, why) in bounds(MAX_PIXELS).items():
        values = found.get(name, [])
        if len(values) < args.repeats or None in values:
            fails.append(f"{what}: no result (the call failed or returned the wrong shape)")
            continue
        worst = max(values)
        rows.append((what, " / ".join(f"{v / MIB:.0f}" for v in values), f"{bound / MIB:.0f}",
                     "yes" if worst < bound else "NO", why))
        if worst >= bound:
            fails.append(f"{what}: {worst / MIB:.0f} MiB, over the {bound / MIB:.0f} MiB bound")
    print(machine_line())
    print_table(("upload", "peak RSS growth (MiB), one fresh process per run", "bound (MiB)", "within",
                 "the bound"), rows)
    if fails:
        print("\nFAILED:\n" + "\n".join(f"- {f}" for f in fails))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
