"""How a hint's color is spread (aeviz/models/colorizer.py, SPREAD and LIGHTNESS_SPREAD), tried on
training photos: the rule is chosen there, never on the held-out photos that
benchmarks/colorize_photos.py scores.

    python benchmarks/colorizer_hint_spread.py

For each (spatial spread, lightness spread) below, with the shipped colorizer, the protocol of
colorize_photos.py (hints_for: seeded pixels, each hint the true mean color of a small patch) on
every 7th training photo of debian-photos (41), at their full cached size: the median gain over
the gray image (and the worst photo) at 1, 2, 5 and 10 hints. A lightness spread of 0 is the
spatial Gaussian alone (the rule before 2026-12-05's second session).

A second table, at the shipped spread: HINT_TRUST, how readily a pixel the spread does not reach
takes the color of hints at pixels of its lightness and texture anywhere in the photo; "off" is
the rule before 2026-12-05's third session."""
from __future__ import annotations

import statistics

import torch

import aeviz
from aeviz.datasets import debian_photos
from aeviz.models import colorizer

from colorize_photos import CHECKPOINT, steered_gains

RULES = [(0.25, 0.0), (0.5, 0.0), (0.25, 0.1), (0.5, 0.1), (0.5, 0.15), (0.5, 0.07), (0.5, 0.05), (0.75, 0.07),
         (0.4, 0.07)]
HINTS = (1, 2, 5, 10)
TRUSTS = (None, 0.003, 0.01, 0.03, 0.1)  # None: off


def row(model, photos) -> str:
    rows, _ = steered_gains(model, photos, HINTS)
    return " | ".join(f"{statistics.median(v for v, _ in rows[k]):+.2f} ({min(rows[k])[0]:+.2f})" for k in HINTS)


def main() -> None:
    photos = [(p.key, torch.from_numpy(p.pixels.copy()).permute(2, 0, 1).float()[None] / 255.0)
              for p in debian_photos.photos("train")[::7]]
    print(f"{CHECKPOINT}, {len(photos)} training photos (every 7th)\n")
    print("| spatial spread | lightness spread | " + " | ".join(f"{k} hints" for k in HINTS) + " |")
    print("|---|---|" + "---|" * len(HINTS))
    shipped = colorizer.SPREAD, colorizer.LIGHTNESS_SPREAD
    colorizer.HINT_TRUST = 1e9  # the spread alone, as it was chosen
    for spread, lightness in RULES:
        colorizer.SPREAD, colorizer.LIGHTNESS_SPREAD = spread, lightness or 1e6  # 1e6: every lightness alike
        model = aeviz.load_checkpoint(CHECKPOINT)  # its Gaussian is built from SPREAD
        print(f"| {spread:g} | {lightness:g} | {row(model, photos)} |", flush=True)
    colorizer.SPREAD, colorizer.LIGHTNESS_SPREAD = shipped
    model = aeviz.load_checkpoint(CHECKPOINT)
    print(f"\nAt the shipped spread ({shipped[0]:g}, {shipped[1]:g}):\n")
    print("| hint trust | " + " | ".join(f"{k} hints" for k in HINTS) + " |")
    print("|---|" + "---|" * len(HINTS))
    for trust in TRUSTS:
        colorizer.HINT_TRUST = 1e9 if trust is None else trust  # 1e9: no pixel trusts the hints' table
        print(f"| {'off' if trust is None else f'{trust:g}'} | {row(model, photos)} |", flush=True)


if __name__ == "__main__":
    main()
