"""A hint colorizer built from the registry's config and moved by a few optimizer steps on
random photos: a real model of the right shape (its batch norms' statistics are not the initial
ones) for the plumbing tests, saved as a checkpoint of the user's where a test needs one."""
from __future__ import annotations

from pathlib import Path

import torch

import aeviz
from aeviz.checkpoints import save

ID = "colorizer-plumbing-hints"
SIZE = 32  # the working size's short side: small, so the tests run it quickly


def stepped_colorizer(size: int = SIZE):
    cfg = aeviz.defaults_for("colorizer")
    torch.manual_seed(0)
    model = aeviz.build(cfg, (3, size, size)).train()
    opt = torch.optim.Adam(model.parameters(), 1e-2)
    photos = torch.rand(8, 3, size, size)
    for _ in range(3):
        opt.zero_grad()
        model.loss(model.prepare(photos), photos)["loss"].backward()
        opt.step()
    return model.eval()


def save_colorizer(folder: Path, size: int = SIZE) -> Path:
    """stepped_colorizer(size) saved in folder as a checkpoint; its path. size: the working
    size's short side (the benchmarks give the registry's own, 64)."""
    model = stepped_colorizer(size)
    meta = {"id": ID, "config": model.cfg.to_dict(), "image_shape": [3, size, size]}
    Path(folder).mkdir(parents=True, exist_ok=True)
    return save(model, meta, Path(folder) / f"{ID}.safetensors")
