"""A million real codes mapped (aeviz issue 28, item 2): aeviz's map against umap-learn's at
200,000 codes, aeviz's alone at all of them, and the neighbour searches it could use.

    python benchmarks/million_map.py                 # build the codes once (cached), then every table
    python benchmarks/million_map.py --skip-search   # without the search table (pynndescent compiles for minutes)
    python benchmarks/million_map.py --dashboard     # save the map for the dashboard's sidebar (its augmented split)

The set: Fashion-MNIST's augmented split (aeviz/datasets/augmented.py): its 70,000 images (train
and test, Debian's dataset-fashion-mnist), each as itself and in 14 seeded augmentations (shifts
of up to 2 px, rotations of up to 10 degrees, a left-right flip half the time: garments look
alike mirrored), 1,050,000 images in all, encoded by the shipped Fashion-MNIST VAE (its 16-d means). The codes are cached in --cache;
the encoding rate is printed when they are made.

Each map is made in a fresh Python process, one after the other: its time is the user's
wait, from the process's start (imports included, umap-learn's numba compilation too) to
the map in memory; its memory is the process's peak resident size (its VmHWM as it ends).
aeviz: latent.project(codes, "umap"), the dashboard's and `aeviz embed`'s call (past 50,000
codes: a sample's UMAP, the rest placed and settled on it, aeviz/latent/large.py). umap-learn:
umap.UMAP(n_neighbors=15, min_dist=0.1).fit_transform(codes) with no random_state, so it runs
its layout in parallel, its fastest. The 200,000 codes are a seeded sample of the million.
Trustworthiness: sklearn.manifold.trustworthiness (10 neighbours) on the same 5,000 random
points of each map.

The search table: the search a map of many codes needs beyond its sample (every other code's
8 nearest among 50,000 sampled codes, 150,000 queries), each library in a fresh process, its
import counted; recall against the exact answer on 5,000 of the queries."""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, print_table  # noqa: E402

CHECKPOINT = "vae-fashion-mnist-538c825c443e"
AUGMENTED = "augmented"  # the split (aeviz/datasets/augmented.py): 70,000 images in 15 versions
SAMPLE_SEED = 0


def build(cache: Path) -> None:
    """The codes and labels of the augmented set's 1,050,000 images, written to cache; prints
    the rates of making the images and of encoding them."""
    import numpy as np

    import aeviz
    from aeviz import latent

    model = aeviz.load_checkpoint(CHECKPOINT)
    cfg = model.config
    ds = aeviz.load_dataset(cfg.dataset, AUGMENTED, cfg.image_size, cfg.grayscale)
    codes, made, encoded = [], 0.0, 0.0
    for start in range(0, len(ds), 10_000):
        t = time.perf_counter()
        images = ds.x[start:start + 10_000]
        made += time.perf_counter() - t
        t = time.perf_counter()
        codes.append(latent.encode_all(model, images))
        encoded += time.perf_counter() - t
        if start % 100_000 == 0:
            print(f"{start:,} of {len(ds):,} encoded", file=sys.stderr, flush=True)
    codes = np.concatenate(codes)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(cache / "codes.npy", codes)
    np.save(cache / "labels.npy", ds.y.numpy())
    n = len(codes)
    print(f"\nEncoding: {n:,} images by {CHECKPOINT} (its 16-d means), one process, batches of 512\n")
    print_table(("step", "s", "images/s"), [("making the augmented images", f"{made:.1f}", f"{n / made:,.0f}"),
                                            ("encoding", f"{encoded:.1f}", f"{n / encoded:,.0f}")])


def for_dashboard(cache: Path) -> None:
    """The Fashion-MNIST VAE's augmented map and per-image errors, saved where the dashboard
    looks (aeviz/artifacts.py): its sidebar then offers the augmented split. The map is made
    from the cached codes, as `aeviz embed CKPT --split augmented` would make it."""
    import numpy as np

    import aeviz
    from aeviz import artifacts, latent
    from aeviz.evaluation import per_image

    model = aeviz.load_checkpoint(CHECKPOINT)
    codes, labels = np.load(cache / "codes.npy"), np.load(cache / "labels.npy")
    t = time.perf_counter()
    artifacts.get(model, latent.projection_kind("umap", 2), AUGMENTED,
                  lambda: latent.make_projection(model, codes, labels, "umap", 2))
    mapped = time.perf_counter() - t
    t = time.perf_counter()
    per_image.cached_errors(model, AUGMENTED)
    print(f"\nThe dashboard's augmented map of {CHECKPOINT}: map and its inverse {mapped:.1f} s, "
          f"per-image errors {time.perf_counter() - t:.1f} s (saved in {artifacts.cache_dir()})")


# --- each map in a process of its own -----------------------------------------------------------

CHILD_MAPS = {
    "aeviz": "from aeviz import latent\ncoords = latent.project(codes, 'umap', 2, seed=0)",
    "umap-learn": "import umap\ncoords = umap.UMAP(n_neighbors=15, min_dist=0.1).fit_transform(codes)",
}


def child_map(which: str, codes_file: str, out: str) -> None:
    import numpy as np

    codes = np.load(codes_file)
    scope = {"codes": codes}
    exec(CHILD_MAPS[which], scope)  # noqa: S102 - the two calls above, nothing a user gives
    np.save(out, np.asarray(scope["coords"], np.float32))
    write_peak(out)


def fresh(args: list[str]) -> tuple[float, float]:
    """Runs this file with args in a new process: (wall seconds, peak resident GiB). The peak
    is the child's own VmHWM, which it writes before it exits: wait4's ru_maxrss would also
    count this process's resident pages, which the child shares from its fork until its exec."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, __file__, *args])
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed (exit {result.returncode})")
    peak = Path(args[-1] + ".peak")
    return seconds, int(peak.read_text()) / 2 ** 20


def write_peak(out: str) -> None:
    """The process's peak resident memory in KiB (VmHWM), beside its output."""
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            Path(out + ".peak").write_text(line.split()[1])


def trust(codes, coords) -> float:
    import numpy as np
    from sklearn.manifold import trustworthiness

    some = np.random.default_rng(0).permutation(len(codes))[:5000]
    return trustworthiness(codes[some], coords[some], n_neighbors=10)


def maps(cache: Path, small: int) -> None:
    import numpy as np

    codes = np.load(cache / "codes.npy")
    subset = cache / f"codes{small}.npy"
    np.save(subset, codes[np.sort(np.random.default_rng(SAMPLE_SEED).permutation(len(codes))[:small])])
    rows = []
    for which, path in (("aeviz", subset), ("umap-learn", subset), ("aeviz", cache / "codes.npy")):
        out = cache / f"map-{which}-{path.stem}.npy"
        seconds, peak = fresh(["--child", which, str(path), str(out)])
        points = np.load(path)
        rows.append((which, f"{len(points):,}", f"{seconds:.1f}", f"{peak:.2f}", f"{trust(points, np.load(out)):.3f}"))
        print(rows[-1], file=sys.stderr, flush=True)
    print(f"\nMaps: each in a fresh process, process start to the map in memory\n")
    print_table(("map", "codes", "s", "peak GiB", "trustworthiness"), rows)


# --- the search beyond the sample, per library --------------------------------------------------

SEARCHES = {
    "exact (scikit-learn)": "from aeviz.latent import neighbours\nd, i = neighbours.nearest(db, q, 8)",
    "faiss IVF (aeviz)": "from aeviz.latent import neighbours\nd, i = neighbours.Approximate(db).search(q, 8)",
    "pynndescent": "import pynndescent\ni, d = pynndescent.NNDescent(db, n_neighbors=15, random_state=0).query(q, k=8)",
}


def child_search(which: str, codes_file: str, out: str) -> None:
    import numpy as np

    codes = np.load(codes_file)
    scope = {"db": codes[:50_000], "q": codes[50_000:]}
    exec(SEARCHES[which], scope)  # noqa: S102 - the calls above
    np.save(out, scope["i"])
    write_peak(out)


def searches(cache: Path, small: int) -> None:
    import numpy as np

    from aeviz.latent import neighbours

    subset = cache / f"codes{small}.npy"
    codes = np.load(subset)
    truth = neighbours.nearest(codes[:50_000], codes[50_000:55_000], 8)[1]
    rows = []
    for which in SEARCHES:
        out = cache / "found.npy"
        seconds, peak = fresh(["--search", which, str(subset), str(out)])
        found = np.load(out)[:5000]
        hit = np.mean([len(set(a) & set(b)) / 8 for a, b in zip(found, truth)])
        rows.append((which, f"{seconds:.1f}", f"{peak:.2f}", f"{hit:.3f}"))
        print(rows[-1], file=sys.stderr, flush=True)
    print(f"\nSearch: the 8 nearest of {len(codes) - 50_000:,} codes among 50,000, fresh process, imports counted\n")
    print_table(("search", "s", "peak GiB", "recall"), rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "aeviz" / "million")
    ap.add_argument("--small", type=int, default=200_000, help="the codes mapped by both libraries")
    ap.add_argument("--rebuild", action="store_true", help="encode the set again")
    ap.add_argument("--skip-search", action="store_true")
    ap.add_argument("--dashboard", action="store_true",
                    help="only save the augmented map and errors where the dashboard finds them (no tables)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--search", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_map(*args.child)
        return 0
    if args.search:
        child_search(*args.search)
        return 0
    print(machine_line())
    if args.rebuild or not (args.cache / "codes.npy").exists():
        build(args.cache)
    if args.dashboard:
        for_dashboard(args.cache)
        return 0
    maps(args.cache, args.small)
    if not args.skip_search:
        searches(args.cache, args.small)
    return 0


if __name__ == "__main__":
    sys.exit(main())
