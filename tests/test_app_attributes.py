"""The Attributes page and the directions a user picks (latent/directions.py): two groups'
mean codes, a walk along a direction, analogies."""
from __future__ import annotations

import numpy as np
import pytest

from aeviz.latent import directions
from support.pages import open_page, rerun


def test_the_group_direction_runs_from_one_mean_code_to_the_other():
    codes = np.array([[0, 0], [2, 0], [0, 4], [2, 4]], np.float32)
    vector, length = directions.group_direction(codes, [0, 1], np.array([False, False, True, True]))
    np.testing.assert_allclose(vector, [0, 1])
    assert length == pytest.approx(4)
    with pytest.raises(ValueError, match="same mean code"):
        directions.group_direction(codes, [0, 3], [1, 2])
    with pytest.raises(ValueError, match="at least one"):
        directions.group_direction(codes, [], [1])


def test_a_walk_is_centred_on_the_code_and_an_analogy_adds_the_step():
    path = directions.walk(np.array([1, 1], np.float32), np.array([1, 0], np.float32), 2.0, 5)
    np.testing.assert_allclose(path[:, 0], [-1, 0, 1, 2, 3])
    np.testing.assert_allclose(path[2], [1, 1])
    np.testing.assert_allclose(directions.analogy(np.array([0, 0]), np.array([1, 2]), np.array([5, 5])), [6, 7])
    codes = np.random.default_rng(0).normal(size=(500, 3)).astype(np.float32)
    assert directions.spread(codes, np.array([1, 0, 0], np.float32)) == pytest.approx(2 * codes[:, 0].std(), rel=1e-5)


@pytest.mark.slow
def test_the_page_slides_along_a_measured_property_two_classes_and_two_map_selections():
    at = open_page("views/attributes.py")
    assert any("Spearman" in c.value for c in at.caption), [c.value for c in at.caption]
    assert any("A is to B" in s.value for s in at.subheader)
    at.radio(key="attr_source").set_value("two classes")
    at = rerun(at)
    assert any("mean code" in c.value for c in at.caption)
    at.radio(key="attr_source").set_value("two selections on the map")
    at = rerun(at)
    assert any("Use as group A" in i.value for i in at.info)
    checkpoint = at.session_state["checkpoint"]
    at.session_state["attr_groups"] = {"checkpoint": checkpoint, "split": "test", "A": [0, 1, 2], "B": [3, 4]}
    at = rerun(at)
    assert any("group A (3)" in c.value for c in at.caption)
