"""Which code dimensions are alive: each dimension's variance over a split and, for a model
with a Gaussian posterior (the VAE), its mean KL to N(0, 1), and which dimensions are active.

The rule (one for each kind of model):
- a model with a Gaussian posterior q(z|x): a dimension is active when its KL to the prior,
  averaged over the split's images, is above KL_ACTIVE nats. A collapsed dimension ("posterior
  collapse") has q(z_k|x) = N(0, 1) for every x: its KL is 0 and the decoder learns to ignore
  it. The KL, not Burda et al.'s (2016) activity Cov_x(E[z_k|x]) > 0.01, because it is the
  figure the loss pays per dimension, so the figures sum to the model's KL term; both are
  given (the variance of the mean code is that activity).
- every other model: a dimension is active when its variance over the split is above
  VARIANCE_ACTIVE of the largest dimension's (its spread above a tenth of the largest's): a
  plain code has no natural scale to compare with, but a dead unit (a ReLU that never fires,
  a weight row at zero) has none at all.

Computed once per checkpoint and split, and kept on disk (artifacts.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .. import artifacts
from ..datasets import load_dataset

KL_ACTIVE = 0.01        # nats, mean over the split
VARIANCE_ACTIVE = 0.01  # of the largest dimension's variance


@dataclass(frozen=True)
class Activity:
    variance: np.ndarray        # (D,) each dimension's variance over the split (of the mean code, for a VAE)
    kl: np.ndarray | None       # (D,) each dimension's mean KL(q(z_k|x) || N(0, 1)) in nats; None without a posterior

    @property
    def figure(self) -> np.ndarray:
        """What the rule reads and the walk orders by: the KL where there is one, else the variance."""
        return self.kl if self.kl is not None else self.variance

    @property
    def active(self) -> np.ndarray:
        if self.kl is not None:
            return self.kl > KL_ACTIVE
        return self.variance > VARIANCE_ACTIVE * float(self.variance.max())

    @property
    def count(self) -> int:
        return int(self.active.sum())

    def order(self) -> list[int]:
        """The dimensions, most alive first (a stable sort: ties keep code order)."""
        return np.argsort(-self.figure, kind="stable").tolist()

    def rows(self) -> list[dict]:
        """One dict a dimension, in code order, for JSON: index, variance, kl (VAE), active."""
        rows = []
        for k, (var, on) in enumerate(zip(self.variance.tolist(), self.active.tolist())):
            row = {"index": k, "variance": var}
            if self.kl is not None:
                row["kl"] = float(self.kl[k])
            rows.append({**row, "active": on})
        return rows


@torch.no_grad()
def measure(model, x: torch.Tensor, batch: int = 512) -> Activity:
    """The dimensions' figures over the images x (float64 sums, so 60,000 images lose nothing)."""
    dev = next(model.parameters()).device
    posterior = model.abilities.gaussian_posterior
    total, squares, kl = None, None, None
    for i in range(0, len(x), batch):
        fed = model.prepare(x[i:i + batch]).to(dev)
        if posterior:
            mu, logvar = (t.double().cpu() for t in model.encode_dist(fed))
            # KL(N(mu, sigma^2) || N(0, 1)) per dimension: Kingma & Welling (2014), Appendix B
            part = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp())).sum(0)
            kl = part if kl is None else kl + part
        else:
            mu = model.encode(fed).flatten(1).double().cpu()
        total = mu.sum(0) if total is None else total + mu.sum(0)
        squares = mu.pow(2).sum(0) if squares is None else squares + mu.pow(2).sum(0)
    n = len(x)
    mean = total / n
    variance = (squares / n - mean.pow(2)).clamp_min(0)
    return Activity(variance.numpy(), None if kl is None else (kl / n).numpy())


def read(path: Path) -> Activity:
    with np.load(path, allow_pickle=False) as f:
        return Activity(f["variance"], f["kl"] if "kl" in f else None)


def write(f, activity: Activity) -> None:
    arrays = {"variance": activity.variance}
    if activity.kl is not None:
        arrays["kl"] = activity.kl
    np.savez(f, **arrays)


# `{checkpoint}.{checksum}.{split}.dims.npz` (artifacts.py)
KIND = artifacts.Kind("dims", "the code dimensions' figures", read, write)


def cached_activity(model, split: str = "test", data_dir=None) -> Activity:
    """The split's figures per dimension, from disk when measured before, else measured and saved."""
    if not model.abilities.vector_code:
        raise ValueError(f"{model.checkpoint_id} has a feature map, not a code vector: it has no code dimensions.")

    def compute() -> Activity:
        cfg = model.config
        return measure(model, load_dataset(cfg.dataset, split, cfg.image_size, cfg.grayscale, data_dir).x)

    return artifacts.get(model, KIND, split, compute)

