"""A model with a code dimension forced dead, for what shows collapsed dimensions."""
from __future__ import annotations

from pathlib import Path

import torch

import aeviz
from aeviz.checkpoints import save

from .pages import shipped

DEAD = 3  # the dimension killed in the shipped 16-d VAE


def killed(model, k: int = DEAD):
    """The model with code dimension k dead: its encoder's rows for it (the mean's and, with a
    posterior, the log-variance's) at zero, so q(z_k|x) is N(0, 1) or z_k is 0 for every image."""
    d = model.config.latent_dim
    rows = [k, d + k] if model.abilities.gaussian_posterior else [k]
    with torch.no_grad():
        model.to_code.weight[rows] = 0
        model.to_code.bias[rows] = 0
    return model


def save_dead_vae(folder: Path) -> str:
    """The shipped 16-d VAE with z3 dead, saved in folder as a checkpoint of the user's; its id."""
    model = killed(aeviz.load_checkpoint(shipped("vae", latent_dim=16, dataset="mnist5k")))
    meta = {k: v for k, v in model.meta.items() if k != "checksum"}
    meta["id"] = f"vae-mnist5k-deadz{DEAD}"
    Path(folder).mkdir(parents=True, exist_ok=True)
    save(model, meta, Path(folder) / f"{meta['id']}.safetensors")
    return meta["id"]
