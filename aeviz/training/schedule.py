"""Learning-rate schedules, as a pure function of how far training has gone.

A function of progress (not a torch scheduler with its own state) keeps resume exact for
free: a run continued at epoch 7 computes the same rate a run never stopped would.

one-cycle (Smith and Topin, 2017): the rate warms up from lr/25 to lr over the first 30%
of the steps, then anneals to lr/10^4 along a cosine. Over the same epochs it ends at a
lower test error than a constant rate; its low start does not make the first epochs faster
(BENCHMARKS.md's log at commit 695848e, time to quality)."""
from __future__ import annotations

import math

SCHEDULES = ("constant", "onecycle")
WARMUP = 0.3
START_DIV, END_DIV = 25.0, 1e4


def factor(schedule: str, progress: float) -> float:
    """The multiplier of the configured lr at progress in [0, 1] (the share of steps done)."""
    if schedule == "constant":
        return 1.0
    p = min(max(progress, 0.0), 1.0)
    if p < WARMUP:
        return _cosine(1 / START_DIV, 1.0, p / WARMUP)
    return _cosine(1.0, 1 / END_DIV, (p - WARMUP) / (1 - WARMUP))


def set_rate(optimizers, schedule: str, progress: float) -> None:
    """Scale every parameter group's own base rate (an AAE's two optimizers keep theirs).
    A constant schedule leaves the optimizers as they are."""
    if schedule == "constant":
        return
    f = factor(schedule, progress)
    for opt in optimizers:
        for group in opt.param_groups:
            group.setdefault("initial_lr", group["lr"])
            group["lr"] = group["initial_lr"] * f


def _cosine(start: float, end: float, t: float) -> float:
    return end + (start - end) * (1 + math.cos(math.pi * t)) / 2
