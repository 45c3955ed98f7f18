"""Decoding a latent walk's strips (401 codes: the code itself and 16 dimensions x 25
steps) with the shipped 16-d VAE, at several batch sizes: the server does this on every
slider release, for every user.

    python benchmarks/decode_batch.py [--repeats 15]

Milliseconds per 401 codes, median and fastest over --repeats, the batch sizes interleaved
so a busy moment hits all of them."""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import aeviz
from aeviz import latent
from aeviz.checkpoints import SHIPPED_DIR

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, print_table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 32, 64, 128, 256, 512)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args(argv)
    path = next(p for p in sorted(SHIPPED_DIR.glob("vae-mnist5k-*.safetensors"))
                if aeviz.load_checkpoint(p).config.latent_dim == 16)
    model = aeviz.load_checkpoint(path)
    z = np.random.default_rng(0).standard_normal((401, 16)).astype(np.float32)
    times = {b: [] for b in SIZES}
    for b in SIZES:
        latent.decode(model, z, batch=b)  # warm-up
    for _ in range(args.repeats):
        for b in SIZES:
            t = time.perf_counter()
            latent.decode(model, z, batch=b)
            times[b].append(time.perf_counter() - t)
    print(machine_line())
    rows = [(b, f"{statistics.median(times[b]) * 1e3:.0f}", f"{min(times[b]) * 1e3:.0f}") for b in SIZES]
    print_table(["batch", "ms per 401 codes (median)", "fastest"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
