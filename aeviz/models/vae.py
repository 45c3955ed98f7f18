"""Variational autoencoder (Kingma & Welling, 2014), convolutional, with a beta weight on
the KL term (Higgins et al., 2017)."""
from __future__ import annotations

import torch

from .conv import ConvAE


class VAE(ConvAE):
    has_prior = True

    def code_width(self) -> int:
        return 2 * self.cfg.latent_dim  # the mean and the log-variance of q(z|x)

    def encode_dist(self, x):
        mu, logvar = self.to_code(self.features(x).flatten(1)).chunk(2, dim=1)
        return mu, logvar.clamp(-12, 8)  # keeps exp(logvar) finite under bf16 autocast

    def encode(self, x):
        return self.encode_dist(x)[0]

    def reparameterize(self, mu, logvar):
        return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)

    def loss(self, x, target):
        mu, logvar = self.encode_dist(x)
        logits = self.decode_logits(self.reparameterize(mu, logvar))
        recon = self.recon_loss(logits, target)
        # KL(q(z|x) || N(0, I)) in closed form, Kingma & Welling (2014), Appendix B.
        kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).float().sum(1).mean()
        return {"loss": recon + self.cfg.beta * kl, "recon": recon, "kl": kl}
