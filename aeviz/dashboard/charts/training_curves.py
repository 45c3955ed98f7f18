"""Training curves as line charts, drawn from a plain Vega-Lite spec.

st.line_chart builds its chart through altair objects, which cost the server 95 ms of CPU
per chart of 2,000 steps; the Train page redraws two every second for as long as a run
goes, for every user watching it, and under load that starved everyone else's pages.
Handing Streamlit the spec itself took 4.5 ms (benchmarks/chart_cost.py, removed after
695848e: see git history). Long curves are averaged into at most MAX_POINTS points, so a
chart's cost does not grow with the run.

The data goes inline, inside the spec's one layer: Streamlit turns a chart's top-level data
(a DataFrame, or a spec's "data" or "datasets") into Arrow through pandas, whose import
(with pyarrow's) cost the dashboard's first page about half a second of its run."""
from __future__ import annotations

import math

import numpy as np

MAX_POINTS = 300


def thin(rows: list[dict], columns: list[str], max_points: int = MAX_POINTS) -> list[dict]:
    """The rows' columns as floats, at most max_points rows: consecutive rows averaged in
    equal groups (x included), a missing or NaN value left out of its group's mean."""
    table = np.array([[float(r[c]) if r.get(c) is not None else np.nan for c in columns] for r in rows], float)
    if len(table) > max_points:
        starts = np.flatnonzero(np.diff(np.arange(len(table)) * max_points // len(table), prepend=-1))
        known = ~np.isnan(table)
        with np.errstate(invalid="ignore"):
            table = np.add.reduceat(np.where(known, table, 0.0), starts) / np.add.reduceat(known, starts)
    return [{c: (None if math.isnan(v) else v) for c, v in zip(columns, row)} for row in table.tolist()]


def _chart(container, values: list[dict], layer: dict, height: int) -> None:
    container.vega_lite_chart(None, {"layer": [{"data": {"values": values}, **layer}]}, height=height)


def line_chart(container, rows: list[dict], x: str, ys: list[str], height: int) -> None:
    """One line per key of ys against key x, over rows (the dicts of a run's history), in
    container (st or a column)."""
    data = thin(rows, [x, *ys])
    series = {"field": "series", "type": "nominal", "title": None, "legend": {"orient": "bottom"}}
    _chart(container, data, {
        "transform": [{"fold": ys, "as": ["series", "value"]}],
        # Dots while there are few points, so a run's first epoch shows as more than nothing.
        "mark": {"type": "line", "tooltip": True, "point": len(data) <= 30},
        "encoding": {
            "x": {"field": x, "type": "quantitative", "title": x, "axis": {"format": "d", "tickMinStep": 1}},
            "y": {"field": "value", "type": "quantitative", "title": None, "scale": {"zero": False}},
            "color": series if len(ys) > 1 else {"value": "#1f77b4"},
        },
    }, height)


def histogram(container, values: np.ndarray, title: str, height: int, bins: int = 30) -> None:
    """A histogram of values as a bar chart from a plain Vega-Lite spec (binned here, so the
    browser gets 30 rows, not one per image). st.bar_chart would import altair: 0.8 s of the
    dashboard's first page."""
    counts, edges = np.histogram(values, bins=bins)
    data = [{"low": lo, "high": hi, "images": n} for lo, hi, n in zip(edges[:-1].tolist(), edges[1:].tolist(),
                                                                         counts.tolist())]
    _chart(container, data, {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "low", "type": "quantitative", "bin": {"binned": True}, "title": title},
            "x2": {"field": "high"},
            "y": {"field": "images", "type": "quantitative", "title": "images"},
        },
    }, height)
