"""A denoiser's PSNR gain over its noisy input at fixed Gaussian levels, on its own test
split: what "never makes an image worse" is judged on (aeviz issue 10).

    python benchmarks/denoise_gains.py CHECKPOINT [CHECKPOINT ...]

The same figures as the gain columns of benchmarks/quality.py (noise seed 0), for any
checkpoint, shipped or not."""
from __future__ import annotations

import sys
from pathlib import Path

import aeviz

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import SIGMAS, denoise_gains  # noqa: E402
from report import print_table  # noqa: E402


def main(argv=None) -> int:
    paths = (argv if argv is not None else sys.argv[1:]) or sys.exit(__doc__)
    rows = []
    for path in paths:
        model = aeviz.load_checkpoint(path)
        cfg = model.config
        test = aeviz.load_dataset(cfg.dataset, "test", cfg.image_size, cfg.grayscale).x
        rows.append((model.checkpoint_id, cfg.dataset, f"{cfg.noise} {cfg.noise_level:g}",
                     "fully conv" if not model.abilities.vector_code else f"{cfg.latent_dim}-d code",
                     *denoise_gains(model, test)))
    print_table(("checkpoint", "dataset", "trained on", "code", *(f"gain at sigma {s:g} (dB)" for s in SIGMAS)), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
