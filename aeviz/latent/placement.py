"""Placing a code that is not on a split's 2-D map (an upload, a drawing, a point of an
interpolation path): the one method aeviz uses wherever it puts a new code on a map.

The method: the code's K = 8 nearest mapped codes (Euclidean, in code space), and the
mean of their map positions weighted by 1 / distance^8 (Shepard's inverse-distance
weighting, at power 8), the weights summing to 1. A code that matches a mapped code (nearer
to it than a millionth of the distance to its K-th neighbour) lands exactly on that code's
point; where several match, on the mean of their points.

Why power 8, not Shepard's usual 2: in a code space of 16 dimensions the 8 nearest codes lie
at nearly the same distance (the 8th 1.4 times as far as the 1st, the median on the shipped
mnist5k maps), so 1 / d² weighs them almost alike and puts a code between the clusters its
neighbours come from; at power 8 the nearest weighs about 12 times the 8th. On
vae-mnist5k-e4fbd8312e88's test map, a test image placed from the other 999 has 78.4% of its
10 nearest map points in its own class at power 2 and 81.3% at power 8, where a point of the
map has 84.6% (tests/test_core_placement.py).

umap-learn's `transform` starts the same way: a weighted mean of the positions of the new
point's nearest embedded points, before a few epochs of optimisation move it. aeviz stops at
the mean: it is cheap enough to run while a user draws, needs no fitted UMAP object (ours
keeps none), and is exact at the data. umap-learn's weights (fuzzy-set memberships over 15
neighbours) put a matching point beside, not on, its own point, and placed 78.8% on the map
above.

`weights` and `weighted_position` are the pure arithmetic of the method, on the neighbours'
distances and positions alone (elementwise arithmetic and row sums, no search): a web/ module
that places a drawing in the browser mirrors these two functions line for line, after its own
nearest search over the same codes, and is held to them within 1e-4 by a test."""
from __future__ import annotations

import numpy as np

from . import neighbours

K = 8  # neighbours whose positions are averaged
POWER = 8  # weights 1 / distance**POWER (the module's docstring says why 8)
MATCH = 1e-6  # a neighbour this fraction of the K-th neighbour's distance away is the code itself


def weights(distances: np.ndarray) -> np.ndarray:
    """(N, k) distances from each code to its k nearest mapped codes, nearest first ->
    (N, k) weights, each row summing to 1: 1 / d**POWER, or equal weights over the matches
    when a row has any (a distance of at most MATCH times the row's largest). Computed as
    (d_1 / d)**POWER, the nearest's weight 1 before the sum, so no power of a small distance
    underflows."""
    d = np.asarray(distances, np.float64)
    match = d <= MATCH * d[:, -1:]
    relative = (d[:, :1] / np.where(d > 0, d, 1.0)) ** POWER  # rows with a zero are all matches
    w = np.where(match.any(1, keepdims=True), match.astype(np.float64), relative)
    return w / w.sum(1, keepdims=True)


def weighted_position(distances: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """(N, k) neighbour distances and (N, k, 2) their map positions -> (N, 2) places."""
    return (weights(distances)[..., None] * np.asarray(positions, np.float64)).sum(1)


def place_on_map(map_coords: np.ndarray, map_codes: np.ndarray, codes: np.ndarray, k: int = K) -> np.ndarray:
    """(N, 2) map places of codes that are not on the map (the module's method), float32."""
    codes = np.asarray(codes, np.float32).reshape(len(codes), -1)
    d, idx = neighbours.nearest(map_codes, codes, min(k, len(map_codes)))
    return weighted_position(d, map_coords[idx][..., :2]).astype(np.float32)


def place_left_out(map_coords: np.ndarray, map_codes: np.ndarray, k: int = K) -> np.ndarray:
    """Each mapped code placed as if it were new, from the other mapped codes alone (itself
    left out): how well the method would place a new image that resembles the split's."""
    d, idx = neighbours.nearest(map_codes, None, min(k, len(map_codes) - 1))
    return weighted_position(d, map_coords[idx][..., :2]).astype(np.float32)


def label_agreement(map_coords: np.ndarray, labels: np.ndarray, places: np.ndarray | None = None,
                    k: int = 10) -> float:
    """How often the labels of the k nearest map points agree with a point's own label, over
    all points and neighbours: of each mapped point's k nearest other points (places=None),
    or of the k nearest points to places[i], mapped point i left out (place_left_out's)."""
    xy = np.asarray(map_coords, np.float32)[:, :2]
    labels = np.asarray(labels).ravel()
    if places is None:
        idx = neighbours.nearest(xy, None, k)[1]
    else:  # the k + 1 nearest, then point i itself dropped, or the farthest where i is not among them
        near = neighbours.nearest(xy, np.asarray(places, np.float32), k + 1)[1]
        idx = near[neighbours.others(near)].reshape(len(near), k)
    return float((labels[idx] == labels[:, None]).mean())
