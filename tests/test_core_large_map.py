"""Maps of more codes than UMAP sees (aeviz/latent/large.py): the approximate search it uses
(neighbours.Approximate), the sample mapped and the rest placed by latent.placement's method,
and a map of a few thousand codes made that way against a UMAP of all of them. The sizes are
scaled down by shrinking SAMPLE and the search's cells; benchmarks/million_map.py runs the
real sizes."""
from __future__ import annotations

import numpy as np
import pytest

from aeviz import latent
from aeviz.latent import large, neighbours, placement, umap


def mixture(n: int, spread: float = 1.5, dim: int = 16, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(10, size=n)
    centers = rng.normal(scale=spread, size=(10, dim))
    return (centers[labels] + rng.normal(size=(n, dim))).astype(np.float32), labels


@pytest.fixture
def small_cells(monkeypatch):
    """Cells small enough for a few thousand codes to be searched approximately."""
    monkeypatch.setattr(neighbours, "LISTS", 32)
    monkeypatch.setattr(neighbours, "PROBED", 3)


def recall(found: np.ndarray, true: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(found, true)]))


def test_the_approximate_search_finds_most_true_neighbours_and_leaves_each_row_out(small_cells):
    codes, _ = mixture(3000)
    index = neighbours.Approximate(codes)
    assert index.index is not None  # the faiss path, not the exact fallback
    dist, idx = index.search(None, 15)
    true = neighbours.nearest(codes, None, 15)[1]
    assert not (idx == np.arange(len(codes))[:, None]).any()
    assert 0.9 <= recall(idx, true) < 1.0  # approximate: most, not all (3 of 32 cells searched)
    np.testing.assert_allclose(dist, np.linalg.norm(codes[:, None] - codes[idx], axis=2), rtol=1e-4, atol=1e-4)
    again = neighbours.Approximate(codes).search(None, 15)
    np.testing.assert_array_equal(idx, again[1])  # the same cells and answers every time


def test_queries_get_their_nearest_rows_with_true_distances(small_cells):
    codes, _ = mixture(3200)
    codes, queries = codes[:3000], codes[3000:]
    dist, idx = neighbours.Approximate(codes).search(queries, 8)
    assert recall(idx, neighbours.nearest(codes, queries, 8)[1]) >= 0.9
    np.testing.assert_allclose(dist, np.linalg.norm(queries[:, None] - codes[idx], axis=2), rtol=1e-4, atol=1e-4)
    assert (np.diff(dist, axis=1) >= -1e-6).all()  # nearest first


def test_a_small_database_is_searched_exactly():
    codes, _ = mixture(500)
    index = neighbours.Approximate(codes)
    assert index.index is None
    np.testing.assert_array_equal(index.search(None, 5)[1], neighbours.nearest(codes, None, 5)[1])


def test_past_the_sample_the_sample_is_mapped_and_every_other_code_settles_near_its_placement(monkeypatch):
    monkeypatch.setattr(large, "SAMPLE", 600)
    codes, labels = mixture(2000)
    coords = latent.project(codes, "umap", 2, seed=3)  # the dashboard's call takes this path
    chosen = large.sampled(len(codes), 3)
    assert chosen.sum() == 600 and coords.shape == (2000, 2) and np.isfinite(coords).all()
    np.testing.assert_allclose(coords[chosen], umap.umap(codes[chosen], 2, n_epochs=large.EPOCHS, seed=3), atol=1e-5)
    # Every other code starts where placement puts a new code on the sample's map, and the
    # settling moves it a little among the sample's points, which stay.
    want = placement.place_on_map(coords[chosen], codes[chosen], codes[~chosen])
    moved = np.linalg.norm(coords[~chosen] - want, axis=1) / np.ptp(coords, 0).max()
    assert 0 < np.median(moved) < 0.05
    np.testing.assert_array_equal(coords, latent.project(codes, "umap", 2, seed=3))  # seeded
    assert placement.label_agreement(coords, labels) > 0.9


@pytest.mark.slow
def test_a_sampled_map_is_as_trustworthy_as_a_umap_of_every_code(monkeypatch, small_cells):
    """8,000 codes, 2,000 of them mapped (the real run: 200,000 and 50,000,
    benchmarks/million_map.py): trustworthiness within 0.01 of a UMAP of all 8,000."""
    from sklearn.manifold import trustworthiness

    monkeypatch.setattr(large, "SAMPLE", 2000)
    codes, _ = mixture(8000)
    some = np.random.default_rng(0).permutation(len(codes))[:2000]
    sampled = trustworthiness(codes[some], large.sampled_umap(codes, 2, seed=0)[some], n_neighbors=10)
    whole = trustworthiness(codes[some], umap.umap(codes, 2, n_epochs=500, seed=0)[some], n_neighbors=10)
    assert sampled >= whole - 0.01, (sampled, whole)
