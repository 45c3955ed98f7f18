"""The 60,000 Fashion-MNIST training codes mapped by aeviz's own UMAP and by umap-learn
(aeviz issue 12, item 5).

    python benchmarks/fashion_map.py [--checkpoint PATH] [--n 60000] [--skip-umap-learn]

The codes: a checkpoint trained on fashion-mnist (--checkpoint), else a conv autoencoder
with a 16-d code trained here for one epoch (its time is printed, not counted). Both maps
get the same codes, 15 neighbours, min_dist 0.1, seed 0 and umap-learn's epoch count for
the size (200 above 10,000 points). aeviz: latent.project, which the dashboard calls;
umap-learn: umap.UMAP(...).fit_transform in this process, its import (numba compiling) timed
apart. Trustworthiness: sklearn.manifold.trustworthiness (10 neighbours) on one random
2,000-point subsample (seed 0), as benchmarks/latent_map.py; label agreement: the share of
each point's 10 nearest neighbours on the whole map with its class. Prints a table."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, print_table  # noqa: E402


def fashion_codes(checkpoint: str | None, n: int):
    import tempfile

    import aeviz
    from aeviz import latent
    trained = ""
    if checkpoint is None:
        cfg = aeviz.defaults_for("conv", dataset="fashion-mnist", latent_dim=16, epochs=1)
        start = time.perf_counter()
        checkpoint = aeviz.train(cfg, ckpt_dir=tempfile.mkdtemp(prefix="aeviz-fashion-"))
        trained = f"; trained here in {time.perf_counter() - start:.0f} s"
    model = aeviz.load_checkpoint(checkpoint)
    ds = aeviz.load_dataset(model.config.dataset, "train", model.config.image_size, model.config.grayscale)
    codes = latent.encode_all(model, ds.x[:n])
    return codes, ds.y[:n].numpy(), f"{model.checkpoint_id}{trained}"


def quality(codes, coords, labels) -> tuple[str, str]:
    import numpy as np
    from scipy.spatial import cKDTree
    from sklearn.manifold import trustworthiness

    idx = np.random.default_rng(0).permutation(len(codes))[:2000]
    near = cKDTree(coords).query(coords, k=11)[1][:, 1:]
    return (f"{trustworthiness(codes[idx], coords[idx], n_neighbors=10):.3f}",
            f"{(labels[near] == labels[:, None]).mean():.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", help="a checkpoint trained on fashion-mnist (default: train one here)")
    ap.add_argument("--n", type=int, default=60000, help="the first n training images")
    ap.add_argument("--skip-umap-learn", action="store_true")
    args = ap.parse_args(argv)
    from aeviz import latent

    codes, labels, source = fashion_codes(args.checkpoint, args.n)
    epochs = 500 if len(codes) <= 10_000 else 200  # what latent.project uses
    rows = []
    start = time.perf_counter()
    coords = latent.project(codes, "umap", 2, seed=0)
    rows.append(("aeviz (latent.umap)", "", f"{time.perf_counter() - start:.1f}", *quality(codes, coords, labels)))
    print(rows[-1], file=sys.stderr, flush=True)
    if not args.skip_umap_learn:
        start = time.perf_counter()
        import umap
        imported = time.perf_counter() - start
        start = time.perf_counter()
        coords = umap.UMAP(n_neighbors=15, min_dist=0.1, n_epochs=epochs, random_state=0).fit_transform(codes)
        rows.append(("umap-learn", f"{imported:.1f}", f"{time.perf_counter() - start:.1f}",
                     *quality(codes, coords, labels)))
    print(machine_line())
    print(f"{len(codes)} fashion-mnist training codes ({codes.shape[1]}-d) of {source}; {epochs} epochs")
    print_table(("map", "import (s)", "map (s)", "trustworthiness", "label agreement"), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
