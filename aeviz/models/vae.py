"""Variational autoencoder (Kingma & Welling, 2014), convolutional, with a beta weight on
the KL term (Higgins et al., 2017)."""
from __future__ import annotations

import torch

from .conv import ConvAE


class VAE(ConvAE):
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
        return self.loss_and_diagnostics(x, target)[0]

    def loss_and_diagnostics(self, x, target):
        """Terms {"recon", "kl": beta * KL, "loss"}; the unweighted KL is a diagnostic."""
        mu, logvar = self.encode_dist(x)
        recon = self.recon_loss(self.decode_logits(self.reparameterize(mu, logvar)), target)
        kl = kl_to_prior(mu, logvar)
        weighted = self.cfg.beta * kl
        return {"recon": recon, "kl": weighted, "loss": recon + weighted}, {"kl": kl}

    def neg_elbo(self, x):
        """-ELBO per image (recon + KL, beta aside), averaged over the batch, in the loss's
        units; the reconstruction term uses the mean code's decoder rather than a sample."""
        mu, logvar = self.encode_dist(x)
        return self.recon_loss(self.decode_logits(mu), x) + kl_to_prior(mu, logvar)


def kl_to_prior(mu, logvar):
    """KL(q(z|x) || N(0, I)) per image, averaged over the batch: closed form from Kingma &
    Welling (2014), Appendix B."""
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).float().sum(1).mean()
