"""Exact nearest neighbours, the one place aeviz finds them: UMAP's graph, the map's hover
and click, the nearest real image, retrieval and the density score, and a map's spacing.

scikit-learn's NearestNeighbors picks the search by the data: a k-d tree for map
coordinates, blocks of matrix products (computed in float64) for codes and pixels. On
60,000 16-d codes, their 15 nearest each took 18 s at 0.7 GB peak where aeviz.latent.umap's own
torch blocks took 51 s at 2.4 GB (one run each on a 2-core AMD EPYC busy with other work:
the ratio is the point, not the seconds), and it found the truly nearer of
two neighbours the float32 blocks had tied. It is imported when first used: its import
costs 1.4 s of CPU that a page without neighbours need not pay.

Exact search costs the product of the two sets' sizes: 15.6 s for the 8 nearest of 150,000
codes among 50,000 (a fresh process, imports counted). Where a map has more codes than that
(latent.large), `Approximate` searches with faiss's inverted file instead: 5.7 s there, and
it found every one of the true 8 on Fashion-MNIST's codes (benchmarks/million_map.py). faiss was picked over pynndescent,
which umap-learn uses, for its start: importing it costs 0.05 s in a fresh process, where
pynndescent compiles with numba for a minute and more (the same benchmark's first table).
hnswlib ships no wheel, so it would need a C++ compiler on the user's machine."""
from __future__ import annotations

import numpy as np


def nearest(database: np.ndarray, queries: np.ndarray | None, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distances (float32) and indices into database of each query's k nearest rows,
    nearest first. queries=None asks for each database row's k nearest other rows (itself
    left out, even among exact duplicates)."""
    from sklearn.neighbors import NearestNeighbors

    index = NearestNeighbors(n_neighbors=k).fit(database)
    dist, idx = index.kneighbors(queries)
    return dist.astype(np.float32), idx


LISTS = 1024      # the inverted file's cells (faiss wants 39 training points a cell: 40,000 codes)
PROBED = 64       # cells searched for each query: 1/16 of the database (recall 1.000 in million_map.py)


class Approximate:
    """A database searched approximately (faiss IndexIVFFlat) when it is big enough for the
    cells to pay, else exactly: nearest()'s answers, from an index built once. Deterministic:
    the cells come from k-means with faiss's fixed seed, and each query is searched alone."""

    def __init__(self, database: np.ndarray):
        self.database = np.ascontiguousarray(database, np.float32)
        self.index = None
        if len(self.database) >= 39 * LISTS:
            import faiss

            dim = self.database.shape[1]
            self.cells = faiss.IndexFlatL2(dim)  # kept: the index refers to it
            self.index = faiss.IndexIVFFlat(self.cells, dim, LISTS)
            self.index.train(self.database)
            self.index.add(self.database)
            self.index.nprobe = PROBED

    def search(self, queries: np.ndarray | None, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Distances (float32) and indices of each query's k nearest rows, as nearest()."""
        if self.index is None:
            return nearest(self.database, queries, k)
        if queries is not None:
            d2, idx = self.index.search(np.ascontiguousarray(queries, np.float32), k)
            return np.sqrt(np.maximum(d2, 0)).astype(np.float32), idx
        d2, idx = self.index.search(self.database, k + 1)
        keep, rows = others(idx), len(idx)
        return (np.sqrt(np.maximum(d2[keep], 0)).reshape(rows, k).astype(np.float32), idx[keep].reshape(rows, k))


def others(idx: np.ndarray) -> np.ndarray:
    """Which of each row's k + 1 nearest (idx: row i's neighbours, itself maybe among them)
    are its k others: itself left out where found, else its farthest neighbour."""
    own = idx == np.arange(len(idx))[:, None]
    own[~own.any(1), -1] = True
    return ~own


def spacing(points: np.ndarray) -> float:
    """The typical distance between neighbouring points: the median distance from each
    point to its nearest other one (1.0 for a map with every point in one place)."""
    if len(points) < 2:
        return 1.0
    return float(np.median(nearest(points, None, 1)[0])) or 1.0
