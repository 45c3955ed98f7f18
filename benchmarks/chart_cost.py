"""The server's CPU for one training-curve chart: st.line_chart (built through altair)
against dashboard.charts.line_chart (a plain Vega-Lite spec), on a curve of --points steps.
The Train page draws two such charts every second while a run goes.

    python benchmarks/chart_cost.py [--points 2000] [--repeats 20]

Milliseconds per call, median over --repeats after one warm-up call, outside a server
(Streamlit's calls build the same chart message there; its "no runtime" warnings are muted)."""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from report import machine_line, print_table  # noqa: E402


def timed(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args(argv)
    os.environ["STREAMLIT_LOGGER_LEVEL"] = "error"
    logging.disable(logging.WARNING)
    import streamlit as st

    from aeviz.dashboard import charts

    steps = np.arange(args.points)
    frame = pd.DataFrame({"step": steps, "loss": np.exp(-steps / 500) + 0.01 * np.random.default_rng(0).random(len(steps))})
    rows = [("st.line_chart (altair)", f"{timed(lambda: st.line_chart(frame.set_index('step'), height=240), args.repeats):.1f}"),
            ("dashboard.charts.line_chart (Vega-Lite spec, at most 300 points)",
             f"{timed(lambda: charts.line_chart(st, frame, 'step', ['loss'], 240), args.repeats):.1f}")]
    print(machine_line())
    print_table([f"chart of {args.points} steps", "ms per call (median)"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
