"""How well aeviz places a new code on a map (aeviz issue 26): each image of a split placed as
if new (left out of the codes it is placed among, latent.placement), and how often the labels
of its 10 nearest map points match its own, against the same figure for the map's own points.

    python benchmarks/placement_quality.py [--checkpoint ID] [--split test]

Prints a markdown table."""
from __future__ import annotations

import argparse

import aeviz
from aeviz import latent
from aeviz.latent import placement


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", default="vae-mnist5k-e4fbd8312e88")
    ap.add_argument("--split", default="test")
    args = ap.parse_args()
    model = aeviz.load_checkpoint(args.checkpoint)
    proj = latent.cached_projection(model, args.split, "umap", 2)
    own = placement.label_agreement(proj.coords, proj.labels)
    placed = placement.label_agreement(proj.coords, proj.labels, placement.place_left_out(proj.coords, proj.codes))
    print(f"{args.checkpoint}, {args.split} split, UMAP map, {len(proj.coords)} points\n")
    print("| points | labels of the 10 nearest map points that match |\n|---|---|")
    print(f"| the map's own | {own:.1%} |\n| placed as if new ({placement.K} nearest codes) | {placed:.1%} |")
    print(f"\ngap: {100 * (own - placed):.1f} percentage points (target: at most 5)")


if __name__ == "__main__":
    main()
