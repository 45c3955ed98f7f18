"""Exact nearest neighbours, the one place aeviz finds them: UMAP's graph, the map's hover
and click, the nearest real image, retrieval and the density score, and a map's spacing.

scikit-learn's NearestNeighbors picks the search by the data: a k-d tree for map
coordinates, blocks of matrix products (computed in float64) for codes and pixels. On
60,000 16-d codes, their 15 nearest each took 18 s at 0.7 GB peak where aeviz.latent.umap's own
torch blocks took 51 s at 2.4 GB (one run each on a 2-core AMD EPYC busy with other work:
the ratio is the point, not the seconds), and it found the truly nearer of
two neighbours the float32 blocks had tied. It is imported when first used: its import
costs 1.4 s of CPU that a page without neighbours need not pay."""
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


def spacing(points: np.ndarray) -> float:
    """The typical distance between neighbouring points: the median distance from each
    point to its nearest other one (1.0 for a map with every point in one place)."""
    if len(points) < 2:
        return 1.0
    return float(np.median(nearest(points, None, 1)[0])) or 1.0
