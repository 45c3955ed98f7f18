"""Fuzzing the events the browser sends back: the map's pick and selection, the latent walk's
code, the scrubber's position, a plotly chart's selection. All come from the user's browser,
so any JSON can arrive: each reader (dashboard/components/events.py, map_plot.read_selection)
gives a value the page can use or None (ignored), never an exception; then one forged event
of each kind through the real page (AppTest). Seeded; the fuzz tests are in the slow tier. Counts: RELIABILITY.md."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aeviz.dashboard.charts import map_plot
from aeviz.dashboard.components import events, scrubber
from support.fuzz import fuzz
from support.pages import open_page, rerun


# what JSON can hold, weighted towards what an event holds: numbers at and past every edge
EDGES = st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63), 1e300, -1e300, 0.5, 1e-300, math.nan, math.inf, -math.inf])
NUMBER = st.integers(-(2**70), 2**70) | st.floats() | EDGES
SCALAR = st.none() | st.booleans() | NUMBER | st.text(max_size=10)
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner,
                                                                                        max_size=4), max_leaves=10)
N = st.integers(0, 5000)  # images in the split


def valid_index(i, n) -> bool:
    return type(i) is int and 0 <= i < n


@st.composite
def pick_events(draw):
    kind = draw(st.sampled_from(["point", "place"]) | JSON)
    event = {"kind": kind, "index": draw(NUMBER | JSON), "x": draw(NUMBER | JSON), "y": draw(NUMBER | JSON)}
    return draw(st.just(event) | JSON)


@fuzz(1000)
@given(pick_events(), N)
def test_a_forged_pick_is_a_valid_point_or_place_or_none(event, n):
    got = events.pick(event, n)
    assert got is None or (got[0] == "point" and valid_index(got[1], n)) or (
        got[0] == "place" and all(math.isfinite(v) and abs(v) <= events.PLACE_LIMIT for v in got[1:]))


@fuzz(800)
@given(st.lists(NUMBER | SCALAR, max_size=300) | JSON, N)
def test_a_forged_selection_is_valid_distinct_indices_or_none(value, n):
    got = events.selection(value, n)
    assert got is None or (all(valid_index(i, n) for i in got) and len(set(got)) == len(got) <= n)


def test_a_huge_selection_reads_at_most_one_entry_per_image():
    """A million indices (what a forged websocket message can hold) cost no more than the split."""
    got = events.selection(list(range(10**6)), 100)
    assert got == list(range(100))


@fuzz(1000)
@given(st.lists(NUMBER | SCALAR, max_size=20) | JSON, st.integers(1, 16), st.floats(-10, 0), st.floats(0, 10))
def test_a_forged_code_is_the_right_length_finite_and_in_range_or_none(value, width, lo, hi):
    got = events.code(value, width, np.full(width, lo, np.float32), np.full(width, hi, np.float32))
    assert got is None or (got.shape == (width,) and np.isfinite(got).all() and (got >= np.float32(lo)).all()
                           and (got <= np.float32(hi)).all())


@fuzz(500)
@given(NUMBER | JSON)
def test_a_forged_scrubber_position_is_on_the_path_or_none(value):
    got = events.index(value, scrubber.POINTS)
    assert got is None or valid_index(got, scrubber.POINTS)


@st.composite
def plotly_events(draw):
    point = st.fixed_dictionaries({"curve_number": NUMBER | JSON, "customdata": NUMBER | st.lists(NUMBER, max_size=2) | JSON,
                                   "x": NUMBER | JSON, "y": NUMBER | JSON}) | JSON
    selection = st.fixed_dictionaries({"points": st.lists(point, max_size=6) | JSON, "box": JSON, "lasso": JSON}) | JSON
    return draw(st.fixed_dictionaries({"selection": selection}) | JSON)


@fuzz(1000)
@given(plotly_events(), N)
def test_a_forged_plotly_selection_is_valid_or_nothing(event, n):
    got = map_plot.read_selection(event, n)
    click, indices = got["click"], got["indices"]
    assert click is None or (click[0] == "point" and valid_index(click[1], n)) or (
        click[0] == "place" and all(math.isfinite(v) for v in click[1:]))
    assert all(valid_index(i, n) for i in indices)


# --- one forged event of each kind through the real page -----------------------------------------

def component_key(at) -> str:
    return at.get("bidi_component")[0].key


def assert_shown_without_error(at) -> None:
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]


FORGED_PICKS = [{"kind": "point", "index": 10**9}, {"kind": "point", "index": -1}, {"kind": "point", "index": "7"},
                {"kind": "point", "index": math.nan}, {"kind": "place", "x": math.inf, "y": 0},
                {"kind": "place", "x": 1e6, "y": -1e6}, {"kind": "place"}, "point", None]


def test_forged_map_picks_and_selections_end_ignored_or_shown():
    """A regression: before events.py the page stopped on these (an index past the split's end:
    IndexError; NaN: ValueError from int()), and -1 showed the last image as image #-1."""
    at = open_page("views/latent_map.py")
    key = component_key(at)
    for pick in FORGED_PICKS:
        at.session_state[key] = {"pick": pick}
        assert_shown_without_error(rerun(at))
    assert not any("#-1" in c for img in at.image for c in img.captions)
    for selection in ([10**9, -5, "x", None, 3.5, math.inf, 2, 2], list(range(100_000)), "all", {"a": 1}):
        at.session_state[key] = {"selection": selection}
        assert_shown_without_error(rerun(at))
    assert any("images selected" in s.value for s in at.subheader)


def test_forged_walk_codes_are_ignored_and_the_page_still_decodes():
    """A regression: before events.py a code that was not a list stopped the page (TypeError
    from list()), and NaN and infinity reached the decoder."""
    at = open_page("views/latent_walk.py")
    key = component_key(at)
    for code in ([math.nan] * 16, [math.inf] * 16, ["a"] * 16, [0.0] * 15, [1e300] * 16, 5, {"0": 1}, None):
        at.session_state[key] = {"runtime": "unavailable", "code": code}
        assert_shown_without_error(rerun(at))


def test_forged_scrubber_positions_are_ignored():
    """A regression: before events.py a position that was a string or NaN stopped the page
    (np.clip and int() raised)."""
    at = open_page("views/interpolation.py")
    key = component_key(at)
    for index in ("x", math.nan, math.inf, -1, 10**9, [3], None, 1.5):
        at.session_state[key] = {"runtime": "unavailable", "index": index}
        assert_shown_without_error(rerun(at))


HEX_COLOR = st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True)


@st.composite
def hint_events(draw):
    hint = st.lists(NUMBER | SCALAR, min_size=3, max_size=3) | st.tuples(NUMBER, NUMBER, HEX_COLOR | SCALAR).map(list)
    return draw(st.lists(hint | JSON, max_size=8) | JSON)


@fuzz(1000)
@given(hint_events(), st.integers(1, 5000), st.integers(1, 5000))
def test_forged_colorize_hints_are_whole_pixels_in_the_photo_with_a_color_or_none(value, width, height):
    got = events.hints(value, width, height)
    assert got is None or (len(got) <= events.MAX_HINTS and all(
        valid_index(x, width) and valid_index(y, height) and len(c) == 3 and all(valid_index(v, 256) for v in c)
        for x, y, c in got))


def test_real_hints_read_back_as_sent_and_too_many_are_refused():
    assert events.hints([[0, 2, "#0a10FF"], [39.0, 29, "#000000"]], 40, 30) == [(0, 2, (10, 16, 255)),
                                                                                (39, 29, (0, 0, 0))]
    assert events.hints([[0, 0, "#000000"]] * (events.MAX_HINTS + 1), 40, 30) is None
    assert events.hints([[40, 0, "#000000"]], 40, 30) is None


@fuzz(500)
@given(st.lists(NUMBER | SCALAR, max_size=3) | JSON, st.integers(1, 20000), st.integers(1, 20000))
def test_a_forged_colorize_view_is_a_size_within_the_photo_or_none(value, width, height):
    got = events.view(value, width, height)
    assert got is None or (1 <= got[0] <= min(width, events.VIEW_MAX) and 1 <= got[1] <= min(height, events.VIEW_MAX))
