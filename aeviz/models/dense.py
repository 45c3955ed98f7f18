"""Fully connected autoencoders: vanilla, deep, sparse and contractive."""
from __future__ import annotations

import torch
import torch.nn as nn

from .base import Autoencoder, mlp, n_pixels


class DenseAE(Autoencoder):
    """Flatten, a stack of dense layers down to the code, the mirror image back up."""

    code_activation: type[nn.Module] | None = None

    def __init__(self, cfg, image_shape):
        super().__init__(cfg, image_shape)
        d = n_pixels(self.image_shape)
        widths = list(cfg.hidden)
        self.encoder = mlp([d, *widths, cfg.latent_dim])
        self.decoder = mlp([cfg.latent_dim, *reversed(widths), d])
        if self.code_activation is not None:
            self.encoder.append(self.code_activation())

    def encode(self, x):
        return self.encoder(x.flatten(1))

    def decode_logits(self, z):
        return self.decoder(z).view(-1, *self.image_shape)


class SparseAE(DenseAE):
    """Sparse code: an L1 penalty on a ReLU code, or a KL penalty pulling each sigmoid
    unit's mean activation to a small target (Ng, CS294A notes on sparse autoencoders)."""

    def __init__(self, cfg, image_shape):
        self.code_activation = nn.Sigmoid if cfg.sparsity == "kl" else nn.ReLU
        super().__init__(cfg, image_shape)

    def penalties(self, x, z):
        if self.cfg.sparsity == "l1":
            return {"sparsity": self.cfg.sparsity_weight * z.abs().sum(1).mean()}
        rho = self.cfg.sparsity_target
        rho_hat = z.float().mean(0).clamp(1e-6, 1 - 1e-6)
        kl = rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))
        return {"sparsity": self.cfg.sparsity_weight * kl.sum()}


class ContractiveAE(Autoencoder):
    """Contractive autoencoder (Rifai et al., 2011): penalize ||dh/dx||_F^2.

    A one-layer sigmoid encoder, as in the paper, gives the Jacobian norm in closed form,
    sum_j (h_j (1 - h_j))^2 * ||W_j||^2, so the penalty costs one extra reduction, not a
    backward pass per code unit."""

    def __init__(self, cfg, image_shape):
        super().__init__(cfg, image_shape)
        d = n_pixels(self.image_shape)
        self.encoder = nn.Linear(d, cfg.latent_dim)
        self.decoder = mlp([cfg.latent_dim, *reversed(cfg.hidden), d])

    def encode(self, x):
        return torch.sigmoid(self.encoder(x.flatten(1)))

    def decode_logits(self, z):
        return self.decoder(z).view(-1, *self.image_shape)

    def penalties(self, x, z):
        w_norms = self.encoder.weight.float().pow(2).sum(1)          # ||W_j||^2, one per code unit
        jac = ((z.float() * (1 - z.float())) ** 2 * w_norms).sum(1)  # ||J||_F^2 per image
        return {"contractive": self.cfg.contractive_weight * jac.mean()}
