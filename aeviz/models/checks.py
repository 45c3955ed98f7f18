"""What a model family cannot take, checked without torch: TrainConfig.validate asks as any
checkpoint's header is read, and the dashboard's first page lists the shipped checkpoints
without importing torch (2 s). A check that needs its model's module (the transformer's, for
its heads) stays there, and is read lazily, while no such checkpoint ships."""
from __future__ import annotations


def residual_problem(cfg) -> str | None:
    """What a residual denoiser cannot take: its output is not squashed to (0, 1), so no BCE."""
    if cfg.loss == "bce":
        return "the residual denoiser's output is the input less the noise, not a probability: use loss mse or l1"
    return None
