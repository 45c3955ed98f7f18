"""Placing new codes on a split's map (latent/placement.py): the weights on a small example, a
mapped code lands on its point, new images land among their own class about as often as the
map's points do."""
from __future__ import annotations

import numpy as np
import pytest

import aeviz
from aeviz import latent
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.latent import placement

MNIST5K_VAE = SHIPPED_DIR / "vae-mnist5k-e4fbd8312e88.safetensors"  # 16-d codes, 1,000 test images


@pytest.fixture(scope="module")
def vae():
    return aeviz.load_checkpoint(MNIST5K_VAE)


@pytest.fixture(scope="module")
def test_map(vae):
    """The test split's UMAP map the dashboard shows (shipped beside the checkpoint)."""
    return latent.cached_projection(vae, "test", "umap", 2)


def test_the_weights_are_inverse_eighth_powers_of_the_distances_summing_to_one():
    assert placement.POWER == 8
    w = placement.weights(np.array([[1.0, 2.0], [1.0, 1.0], [0.5, 1.0], [1e-30, 2e-30]]))
    np.testing.assert_allclose(w, [[256 / 257, 1 / 257], [0.5, 0.5], [256 / 257, 1 / 257], [256 / 257, 1 / 257]])
    place = placement.weighted_position(np.array([[1.0, 2.0]]), np.array([[[0.0, 0.0], [257.0, 514.0]]]))
    np.testing.assert_allclose(place, [[1.0, 2.0]])


def test_a_matching_code_takes_all_the_weight_and_matches_share_it():
    w = placement.weights(np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 1.0], [1e-9, 1.0, 2.0], [0.0, 0.0, 0.0]]))
    np.testing.assert_array_equal(w, [[1, 0, 0], [0.5, 0.5, 0], [1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])


def test_new_codes_land_between_their_neighbours():
    codes = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]], np.float32)
    coords = np.array([[0.0, 0.0], [4.0, 4.0], [-9.0, 9.0]], np.float32)
    middle = latent.place_on_map(coords, codes, np.array([[0.5, 0.0]]), k=2)
    np.testing.assert_allclose(middle, [[2.0, 2.0]], atol=1e-6)  # equal distances, equal weights


def test_a_mapped_code_lands_on_its_own_point(test_map):
    places = latent.place_on_map(test_map.coords, test_map.codes, test_map.codes)
    np.testing.assert_allclose(places, test_map.coords[:, :2], atol=1e-5)


def test_left_out_images_land_among_their_own_class_as_often_as_the_maps_points(test_map):
    """Each test image placed as if new, from the other 999: of its 10 nearest map points, as
    many share its label (within 5 percentage points) as of a map point's 10 nearest others."""
    own = placement.label_agreement(test_map.coords, test_map.labels)
    placed = placement.label_agreement(test_map.coords, test_map.labels,
                                       placement.place_left_out(test_map.coords, test_map.codes))
    print(f"\n10-nearest label agreement: map's own points {own:.3f}, left-out images placed {placed:.3f}")
    assert own > 0.8  # a map worth comparing with: its classes gather
    assert abs(placed - own) <= 0.05, (own, placed)
