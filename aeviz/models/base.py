"""The one interface every autoencoder in aeviz answers to.

    z = model.encode(x)            # the code used for maps and sliders (the mean, for a VAE)
    x_hat = model.decode(z)
    terms = model.loss(x, target)  # {"recon": ..., <weighted penalties>, "loss": their sum}

One rule for loss terms: every entry of ``loss()`` other than "loss" is a term already
multiplied by its weight (the VAE's "kl" is beta * KL), and those terms sum to "loss"
exactly, so a chart of the terms adds up to the curve of the loss. Figures worth watching
that are not terms of this loss (the unweighted KL, the AAE discriminator's own loss) are
diagnostics: ``loss_and_diagnostics()`` returns them beside the terms, and ``train_step``
reports them to the training loop as floats under keys prefixed ``diag/``.

Subclasses build ``encoder``/``decode_logits``; the shared parts (the reconstruction
loss, the default optimizer step, sampling from a fitted code distribution) live here.
"""
from __future__ import annotations

import math
from abc import ABCMeta, abstractmethod
from typing import TYPE_CHECKING

import torch
import torch.nn as nn
import torch.nn.functional as F

from .spec import Abilities

if TYPE_CHECKING:  # an annotation only: the config module needs no models to be read
    from ..config import TrainConfig


def adam(params, lr: float, betas: tuple[float, float] = (0.9, 0.999)) -> torch.optim.Adam:
    """Adam that updates all its parameters in one fused kernel rather than a few ops per
    tensor: training steps of the dense models ran 1.26-1.32x faster (benchmarks/levers.py,
    removed after 695848e: see git history)."""
    return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)


class Autoencoder(nn.Module, metaclass=ABCMeta):
    # What the model can do, as its registry entry says for its config: build() sets it, and
    # callers ask it (model.abilities.prior) rather than the model's name or class.
    abilities = Abilities()
    # fit() lays the weights and each batch out channels-last (NHWC): the conv models' training
    # steps ran 1.14-1.18x faster so (benchmarks/levers.py, removed after 695848e). Saved
    # weights are plain either way.
    channels_last = False

    def __init__(self, cfg: TrainConfig, image_shape: tuple[int, int, int]):
        super().__init__()
        self.cfg = cfg
        self.image_shape = tuple(int(s) for s in image_shape)

    # --- the interface ---------------------------------------------------------------------
    @abstractmethod
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Images (N, C, H, W) -> codes."""

    @abstractmethod
    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """Codes -> images before the output squashing (logits for sigmoid outputs)."""

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.decode_logits(z))

    def prepare(self, x: torch.Tensor) -> torch.Tensor:
        """What the model is fed for a clean image x (the colorizer takes it in gray)."""
        return x

    def start_output_at(self, mean: torch.Tensor) -> None:
        """A start that knows the data, before the first step: mean is each channel's mean
        pixel over some training images. Most models start from their random weights alone."""

    def image_settings(self, x: torch.Tensor) -> dict:
        """What reconstruct() should be given for each tile of the whole image x, measured on
        all of it (apply.run_on_image: a denoiser's noise level); none for most models."""
        return {}

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        # The crop is a no-op except for fully convolutional models, which pad their input.
        return self.decode(self.encode(x))[..., : x.shape[-2], : x.shape[-1]].clamp(0, 1)

    def loss(self, x: torch.Tensor, target: torch.Tensor) -> dict[str, torch.Tensor]:
        z = self.encode(x)
        logits = self.decode_logits(z)[..., : target.shape[-2], : target.shape[-1]]
        recon = self.recon_loss(logits, target)
        terms = {"recon": recon, **self.penalties(x, z)}
        terms["loss"] = sum(terms.values())
        return terms

    def penalties(self, x: torch.Tensor, z: torch.Tensor) -> dict[str, torch.Tensor]:
        """Named penalty terms on the code, each already multiplied by its weight."""
        return {}

    def loss_and_diagnostics(self, x: torch.Tensor, target: torch.Tensor) -> tuple[dict, dict]:
        """(loss terms, diagnostics): the terms as loss() gives them, and figures to log that
        are not part of the loss. A model with diagnostics overrides this and derives loss()
        from it; the others override loss() alone."""
        return self.loss(x, target), {}

    def neg_elbo(self, x: torch.Tensor) -> torch.Tensor | None:
        """-ELBO per image, averaged over the batch, in the loss's units; None for a model
        that has no evidence lower bound (everything but the VAE)."""
        return None

    def recon_loss(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Summed over an image's pixels, averaged over the batch: the scale a VAE's ELBO needs."""
        n = target.shape[0]
        kind = self.cfg.loss
        if kind == "bce":
            return F.binary_cross_entropy_with_logits(logits.float(), target, reduction="sum") / n
        x_hat = torch.sigmoid(logits.float())
        if kind == "l1":
            return F.l1_loss(x_hat, target, reduction="sum") / n
        return F.mse_loss(x_hat, target, reduction="sum") / n

    # --- training --------------------------------------------------------------------------
    def optimizers(self) -> list[torch.optim.Optimizer]:
        return [adam(self.parameters(), self.cfg.lr)]

    def forward(self, x: torch.Tensor, target: torch.Tensor):
        """The training loss: (terms, diagnostics) as loss_and_diagnostics() gives them. The
        training step calls it through `net` (DistributedDataParallel, torch.compile or the
        model itself), so DDP's gradient hooks fire and the compiled graph is the loss."""
        return self.loss_and_diagnostics(x, target)

    def train_step(self, x: torch.Tensor, target: torch.Tensor, opts, autocast, net=None) -> dict[str, float]:
        """One optimizer step; returns the loss terms and the "diag/" diagnostics as floats.
        net: what to call for the loss (the model wrapped for DDP or compiled); the model itself by default."""
        (opt,) = opts
        with autocast():
            terms, diagnostics = (self if net is None else net)(x, target)
        opt.zero_grad(set_to_none=True)
        terms["loss"].backward()
        opt.step()
        return as_logged(terms, diagnostics)

    # --- sampling ----------------------------------------------------------------------------
    @torch.no_grad()
    def sample(self, n: int, temperature: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
        """Draws from N(0, I) scaled by temperature; only models with a prior should be asked."""
        dev = next(self.parameters()).device
        z = torch.randn(n, self.cfg.latent_dim, generator=generator).to(dev) * temperature
        return self.decode(z).clamp(0, 1)


def as_logged(terms: dict, diagnostics: dict) -> dict[str, float]:
    """What train_step reports: the loss terms, then the diagnostics under "diag/<name>"."""
    logged = {k: float(v.detach()) for k, v in terms.items()}
    logged.update({f"diag/{k}": float(v.detach()) for k, v in diagnostics.items()})
    return logged


def mlp(dims: list[int], act=nn.ReLU) -> nn.Sequential:
    """Linear layers through dims with an activation between them (none after the last)."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(dims) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def n_pixels(image_shape) -> int:
    return int(math.prod(image_shape))
