"""Training curves as line charts, drawn from a plain Vega-Lite spec.

st.line_chart builds its chart through altair objects, which cost the server 95 ms of CPU
per chart of 2,000 steps; the Train page redraws two every second for as long as a run
goes, for every user watching it, and under load that starved everyone else's pages.
Handing Streamlit the spec itself took 4.5 ms (benchmarks/chart_cost.py, removed after
695848e: see git history). Long curves are averaged into at most MAX_POINTS points, so a
chart's cost does not grow with the run."""
from __future__ import annotations

import numpy as np
import pandas as pd

MAX_POINTS = 300


def thin(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """At most max_points rows: consecutive rows averaged in equal groups (x included)."""
    if len(frame) <= max_points:
        return frame
    groups = np.arange(len(frame)) * max_points // len(frame)
    return frame.groupby(groups).mean()


def line_chart(container, frame: pd.DataFrame, x: str, ys: list[str], height: int) -> None:
    """One line per column of ys against column x, in container (st or a column)."""
    data = thin(frame[[x, *ys]].astype(float))
    series = {"field": "series", "type": "nominal", "title": None, "legend": {"orient": "bottom"}}
    spec = {
        "transform": [{"fold": ys, "as": ["series", "value"]}],
        # Dots while there are few points, so a run's first epoch shows as more than nothing.
        "mark": {"type": "line", "tooltip": True, "point": len(data) <= 30},
        "encoding": {
            "x": {"field": x, "type": "quantitative", "title": x, "axis": {"format": "d", "tickMinStep": 1}},
            "y": {"field": "value", "type": "quantitative", "title": None, "scale": {"zero": False}},
            "color": series if len(ys) > 1 else {"value": "#1f77b4"},
        },
    }
    container.vega_lite_chart(data, spec, height=height)


def histogram(container, values: np.ndarray, title: str, height: int, bins: int = 30) -> None:
    """A histogram of values as a bar chart from a plain Vega-Lite spec (binned here, so the
    browser gets 30 rows, not one per image). st.bar_chart would import altair: 0.8 s of the
    dashboard's first page."""
    counts, edges = np.histogram(values, bins=bins)
    data = pd.DataFrame({"low": edges[:-1], "high": edges[1:], "images": counts})
    spec = {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "low", "type": "quantitative", "bin": {"binned": True}, "title": title},
            "x2": {"field": "high"},
            "y": {"field": "images", "type": "quantitative", "title": "images"},
        },
    }
    container.vega_lite_chart(data, spec, height=height)
