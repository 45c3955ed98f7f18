"""UMAP maps of more codes than one UMAP should see: a seeded sample mapped, the rest placed.

Past 50,000 codes aeviz's UMAP (umap.py) costs too much, in both of its parts: on a 2-core
Xeon, 50,000 codes took 9.3 s for their exact neighbours, which grow with the square of the
count, and 22 s for the layout, which grows with the count. So a map of N > SAMPLE codes is
made in three steps:

1. a seeded sample of SAMPLE codes is mapped by UMAP, as any map of that size, its 15
   nearest neighbours found approximately (neighbours.Approximate);
2. every other code starts where the method that places any new code puts it
   (latent.placement: the inverse-distance-weighted mean of the positions of its 8 nearest
   sampled codes), its neighbours found the same way, in blocks;
3. then, as umap-learn's `transform` does, those codes move for 30 epochs at a quarter of
   UMAP's learning rate, drawn to their 14 nearest sampled codes (with UMAP's memberships)
   and pushed from random ones, while the sample's points stay where they are.

The time is then the sample's fixed cost plus a search and a layout that grow in proportion
to N. Step 3 matters: on 200,000 augmented Fashion-MNIST codes (an earlier draw of the set)
the placed codes alone scored 0.932 of trustworthiness where the sample's scored 0.951; after
it the whole map scored 0.948, umap-learn's map of all of them 0.950 (today's draw: 0.942 and
0.947; BENCHMARKS.md, "A million codes").

Considered and measured: a parametric map (Sainburg et al. 2021), a small network trained
on the sample to give map positions, applied to the rest. It scored the same (0.962 against
the placement's 0.961 on 200,000 codes of a 16-d Gaussian mixture) and cost 16 s of training that placement does not
need. Steps 2 and 3 treat each code on its own against the fixed sample, so the codes could
be shared out between processes as `aeviz embed --nproc` shares the encoding."""
from __future__ import annotations

import numpy as np
import torch

from . import neighbours, placement
from .umap import layout, memberships, umap

SAMPLE = 50_000      # codes mapped by UMAP; the rest are placed on their map
BLOCK = 100_000      # codes searched at a time: bounds the search's memory
N_NEIGHBORS = 15     # as every aeviz map (umap-learn's default)
EPOCHS = 200         # umap-learn's count above 10,000 points, as project() uses for the sample
SETTLE_EPOCHS = 30   # umap-learn's transform: 30 epochs above 10,000 points,
SETTLE_RATE = 0.25   # at a quarter of the learning rate


def sampled(n: int, seed: int) -> np.ndarray:
    """(n,) bool: the SAMPLE rows that a map of n codes with this seed gives to UMAP."""
    chosen = np.zeros(n, bool)
    chosen[np.random.default_rng(seed).choice(n, SAMPLE, replace=False)] = True
    return chosen


def sampled_umap(codes: np.ndarray, dim: int = 2, seed: int = 0) -> np.ndarray:
    """(N, D) codes, N > SAMPLE -> (N, dim) float32 map: the sample's UMAP, the rest placed,
    then moved among the sample's points."""
    codes = np.ascontiguousarray(codes, np.float32)
    chosen = sampled(len(codes), seed)
    sample = codes[chosen]
    index = neighbours.Approximate(sample)
    mapped = umap(sample, dim, n_neighbors=N_NEIGHBORS, n_epochs=EPOCHS, seed=seed, index=index)
    rest = np.flatnonzero(~chosen)
    near = np.empty((len(rest), N_NEIGHBORS - 1), np.int64)
    strength = np.empty((len(rest), N_NEIGHBORS - 1))
    start = np.empty((len(rest), dim), np.float32)
    for first in range(0, len(rest), BLOCK):
        rows = slice(first, first + BLOCK)
        d, near[rows] = index.search(codes[rest[rows]], N_NEIGHBORS - 1)
        start[rows] = placement.weighted_position(d[:, :placement.K], mapped[near[rows, :placement.K]])
        strength[rows] = memberships(d)
    moved = torch.from_numpy(start)
    layout(moved, np.repeat(np.arange(len(rest)), N_NEIGHBORS - 1), near.ravel(), strength.ravel(),
           SETTLE_EPOCHS, torch.Generator().manual_seed(seed), fixed=torch.from_numpy(mapped), rate=SETTLE_RATE)
    out = np.empty((len(codes), dim), np.float32)
    out[chosen], out[rest] = mapped, moved.numpy()
    return out
