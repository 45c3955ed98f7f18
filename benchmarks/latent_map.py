"""Time to a latent map: how long from a fresh process until the 2D UMAP map of N codes is
ready, for aeviz and for plain umap-learn, and how faithful each map is.

    python benchmarks/latent_map.py [--sizes 1000,5000,60000] [--modes ...]

Every measurement runs in a fresh Python process (this script started again with --child).
Times are wall-clock from just before the parent starts the child, so they include the
interpreter's start and every import a user would wait for (`import aeviz`, which imports
torch; or `import numpy, umap`):

- imports: process start until the imports are done;
- call: after the imports until the map is ready;
- total: process start until the map is ready.

The codes: N = 1000 is the test split of the shipped 16-d VAE, mapped through
aeviz.latent.cached_projection itself (load the checkpoint, encode, UMAP, fit the inverse
network, write the .npz), the checkpoint copied to a temporary folder so no shipped map
lies beside it. Other N are given as an array (the child loads a .npy): N <= 5000 the
codes of the same VAE for mnist5k train+test; larger N real codes drawn with replacement,
plus Gaussian noise of 0.1 of each dimension's spread (no 60,000-image dataset is needed);
aeviz then does what cached_projection does after encoding (project, fit_inverse, write).

Modes, each in its own process:
- aeviz cold: empty NUMBA_CACHE_DIR and AEVIZ_CACHE. Since aeviz's UMAP became its own
  (aeviz/latent/umap.py, no numba), cold and fresh measure the same thing: a new server
  process's first map, the issue-12 target (10 s or less at N = 1000);
- aeviz fresh: the numba disk cache the cold run left, an empty AEVIZ_CACHE: a user's
  second session;
- aeviz warm: the same process first maps the shipped conv AE's codes (other codes of
  the same size), then this map is timed: call is the second map alone;
- aeviz cached: the map read from disk (the .npz the cold run wrote); for N = 1000
  through cached_projection after loading the checkpoint;
- umap cold / umap warm: `umap.UMAP().fit_transform(codes)` with an empty numba cache,
  then a second call in the same process (call is the second call alone).

Quality: sklearn.manifold.trustworthiness (10 neighbours) of each map against its codes,
on the same random subsample of at most 2,000 points (seed 0) for every row of one N; label
agreement, the share of each point's 10 nearest neighbours on the map with its digit (for
the synthetic codes, the digit of the real code each was drawn from); for
aeviz, the error of the map's inverse network on the data (mean distance between
inverse(coords) and the codes, over the codes' mean distance from their mean)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAE = "vae-mnist5k-e4fbd8312e88"
CONV = "conv-mnist5k-b0399f799bd2"
MODES = ("aeviz-cold", "aeviz-fresh", "aeviz-warm", "aeviz-cached", "umap")


# --- the child: one measurement in a fresh process ---------------------------------------------

def child(mode: str, n: int, work: Path) -> dict:
    import numpy as np

    stamps = {}
    if mode == "umap":
        import umap
        stamps["imports"] = time.time()
        codes = np.load(work / f"codes-{n}.npy")
        coords = umap.UMAP().fit_transform(codes)
        stamps["ready"] = time.time()
        np.save(work / f"coords-{n}-umap-cold.npy", coords)
        coords = umap.UMAP().fit_transform(codes)
        stamps["warm_ready"] = time.time()
        np.save(work / f"coords-{n}-umap-warm.npy", coords)
        return stamps

    import aeviz
    from aeviz import latent
    stamps["imports"] = time.time()
    if mode == "aeviz-cached":
        if n == 1000:
            proj = latent.cached_projection(aeviz.load_checkpoint(work / "ckpt" / f"{VAE}.safetensors"))
        else:
            proj = latent.read_projection(work / "cache-cold" / f"bench-{n}.npz", "umap")
    else:
        if mode == "aeviz-warm":
            _aeviz_map(n, work, CONV)
            stamps["second_start"] = time.time()
        proj = _aeviz_map(n, work, VAE)
    stamps["ready"] = time.time()
    np.save(work / f"coords-{n}-{mode}.npy", proj.coords)
    # The inverse network's error on the data itself, relative to the codes' spread.
    spread = np.linalg.norm(proj.codes - proj.codes.mean(0), axis=1).mean()
    stamps["inverse_error"] = float(np.linalg.norm(proj.inverse(proj.coords) - proj.codes, axis=1).mean() / spread)
    return stamps


def _aeviz_map(n: int, work: Path, checkpoint: str):
    import numpy as np

    import aeviz
    from aeviz import artifacts, latent
    from aeviz.safefile import write_atomic
    if n == 1000:
        return latent.cached_projection(aeviz.load_checkpoint(work / "ckpt" / f"{checkpoint}.safetensors"))
    codes = np.load(work / f"codes-{n}{'' if checkpoint == VAE else '-second'}.npy")
    coords = latent.project(codes, "umap", 2)
    proj = latent.Projection(coords, codes, None, "umap")
    proj.inverse_weights, proj.center, proj.scale = latent.fit_inverse(coords, codes)
    write_atomic(artifacts.cache_dir() / f"bench-{n}.npz", lambda f: latent.write_projection(f, proj))
    return proj


# --- the parent: prepare codes, run the children, print the table ------------------------------

def prepare(work: Path, sizes: list[int]) -> None:
    """Copies of the two checkpoints with no maps beside them, and the codes for each N."""
    import numpy as np
    import torch

    import aeviz
    from aeviz import latent
    from aeviz.checkpoints import SHIPPED_DIR
    (work / "ckpt").mkdir()
    real = {}
    train, test = aeviz.load_dataset("mnist5k", "train"), aeviz.load_dataset("mnist5k", "test")
    labels = torch.cat([test.y, train.y]).numpy()
    for ckpt, suffix in ((VAE, ""), (CONV, "-second")):
        shutil.copy(SHIPPED_DIR / f"{ckpt}.safetensors", work / "ckpt")
        model = aeviz.load_checkpoint(work / "ckpt" / f"{ckpt}.safetensors")
        real[suffix] = latent.encode_all(model, torch.cat([test.x, train.x]))  # test first: N=1000 is the test split
    rng = np.random.default_rng(0)
    for n in sizes:
        for suffix, codes in real.items():
            if n <= len(codes):
                pick = np.arange(n)
                out = codes[:n]
            else:
                pick = rng.integers(0, len(codes), n)
                out = codes[pick] + 0.1 * codes.std(0) * rng.standard_normal((n, codes.shape[1]))
            np.save(work / f"codes-{n}{suffix}.npy", out.astype(np.float32))
            if not suffix:
                np.save(work / f"labels-{n}.npy", labels[pick])


def run_child(mode: str, n: int, work: Path, numba_dir: Path, cache: Path, timeout: int) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(numba_dir), "AEVIZ_CACHE": str(cache),
           "AEVIZ_CHECKPOINTS": str(work / "ckpt")}
    out = work / f"stamps-{mode}-{n}.json"
    start = time.time()
    subprocess.run([sys.executable, __file__, "--child", mode, "--n", str(n), "--work", str(work), "--out", str(out)],
                   cwd=ROOT, env=env, check=True, timeout=timeout, stdout=subprocess.DEVNULL)
    stamps = json.loads(out.read_text())
    return {k: v if k == "inverse_error" else v - start for k, v in stamps.items()}


def trust(codes, coords, idx) -> str:
    from sklearn.manifold import trustworthiness
    return f"{trustworthiness(codes[idx], coords[idx], n_neighbors=10):.3f}"


def agreement(coords, labels) -> str:
    """The share of each point's 10 nearest neighbours on the map that show the same digit:
    how well the map keeps the classes together, as a user reads it."""
    from scipy.spatial import cKDTree
    near = cKDTree(coords).query(coords, k=11)[1][:, 1:]
    return f"{(labels[near] == labels[:, None]).mean():.3f}"


def measure(n: int, modes: list[str], work: Path, timeout: int) -> list[tuple]:
    import numpy as np

    numba_dir = work / f"numba-{n}"
    codes = np.load(work / f"codes-{n}.npy")
    labels = np.load(work / f"labels-{n}.npy")
    idx = np.random.default_rng(0).permutation(n)[:2000]
    rows = []

    def row(what, t_imports, t_call, t_total, coords_name, inverse_error=None):
        coords = np.load(work / f"coords-{n}-{coords_name}.npy")
        rows.append((n, what, f"{t_imports:.2f}", f"{t_call:.2f}", f"{t_total:.2f}", trust(codes, coords, idx),
                     agreement(coords, labels), "" if inverse_error is None else f"{inverse_error:.3f}"))
        print(rows[-1], file=sys.stderr, flush=True)

    for mode in modes:
        if mode == "umap":
            s = run_child("umap", n, work, work / f"numba-umap-{n}", work / "cache-umap", timeout)
            row("umap cold", s["imports"], s["ready"] - s["imports"], s["ready"], "umap-cold")
            row("umap warm (2nd call)", s["imports"], s["warm_ready"] - s["ready"], s["warm_ready"], "umap-warm")
            continue
        if mode == "aeviz-cached" and not (work / "cache-cold").exists():
            continue  # reads what the cold run wrote
        cache = work / ("cache-cold" if mode in ("aeviz-cold", "aeviz-cached") else f"cache-{mode}-{n}")
        s = run_child(mode, n, work, numba_dir, cache, timeout)
        begin = s.get("second_start", s["imports"])
        row(mode.replace("-", " "), s["imports"], s["ready"] - begin, s["ready"], mode, s["inverse_error"])
    shutil.rmtree(work / "cache-cold", ignore_errors=True)  # the next N starts cold again
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,5000,60000")
    ap.add_argument("--modes", default=",".join(MODES), help=f"any of {', '.join(MODES)}")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds allowed to one child process")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        args.out.write_text(json.dumps(child(args.child, args.n, args.work)))
        return 0

    from report import machine_line, print_table
    sizes = [int(s) for s in args.sizes.split(",")]
    modes = args.modes.split(",")
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        ap.error(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    with tempfile.TemporaryDirectory(prefix="aeviz-latent-bench-") as tmp:
        work = Path(tmp)
        prepare(work, sizes)
        rows = [r for n in sizes for r in measure(n, modes, work, args.timeout)]
    print(machine_line())
    print_table(("N", "what", "imports (s)", "call (s)", "total (s)", "trustworthiness", "label agreement", "inverse error"),
                rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
