"""Adversarial autoencoder (Makhzani et al., 2016): a discriminator on the codes pushes
the encoder's code distribution towards a N(0, I) prior, so the decoder can sample.

The one model that brings its own train_step: the discriminator's step, then the
autoencoder's, whose loss is the reconstruction plus beta times the encoder's fooling loss."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .base import adam, as_logged, mlp
from .dense import DenseAE


class AAE(DenseAE):
    def __init__(self, cfg, image_shape):
        super().__init__(cfg, image_shape)
        self.discriminator = mlp([cfg.latent_dim, 256, 256, 1], act=lambda: nn.LeakyReLU(0.2))

    def optimizers(self):
        """The autoencoder's, and the discriminator's own. The encoder's fooling loss goes into
        the autoencoder's step, weighted by beta: in a separate Adam of its own, beta would
        scale a gradient that Adam normalises away, and change nothing."""
        autoencoder = [*self.encoder.parameters(), *self.decoder.parameters()]
        return [adam(autoencoder, self.cfg.lr), adam(self.discriminator.parameters(), self.cfg.lr, betas=(0.5, 0.9))]

    def adversarial_terms(self, z):
        """Discriminator loss (prior samples real, codes fake) and the encoder's fooling loss."""
        prior = torch.randn_like(z)
        real = self.discriminator(prior)
        fake = self.discriminator(z.detach())
        disc = (F.binary_cross_entropy_with_logits(real.float(), torch.ones_like(real, dtype=torch.float32))
                + F.binary_cross_entropy_with_logits(fake.float(), torch.zeros_like(fake, dtype=torch.float32)))
        fooled = self.discriminator(z)
        gen = F.binary_cross_entropy_with_logits(fooled.float(), torch.ones_like(fooled, dtype=torch.float32))
        return disc, gen

    def loss(self, x, target):
        return self.loss_and_diagnostics(x, target)[0]

    def loss_and_diagnostics(self, x, target):
        """The autoencoder's terms {"recon", "gen": beta * gen, "loss"}; the discriminator's
        loss and the unweighted fooling loss train or describe other steps: diagnostics."""
        z = self.encode(x)
        recon = self.recon_loss(self.decode_logits(z), target)
        disc, gen = self.adversarial_terms(z)
        weighted = self.cfg.beta * gen
        return {"recon": recon, "gen": weighted, "loss": recon + weighted}, {"disc": disc, "gen": gen}

    def forward(self, x, target, part="autoencoder"):
        """The autoencoder's (terms, diagnostics), or with part="discriminator" the
        discriminator's loss: both steps go through forward, so each runs under DDP."""
        if part == "discriminator":
            return self.adversarial_terms(self.encode(x))[0]
        return self.loss_and_diagnostics(x, target)

    def train_step(self, x, target, opts, autocast, net=None):
        net = self if net is None else net
        ae_opt, disc_opt = opts
        # 1. The discriminator: prior samples are real, the current codes fake.
        with autocast():
            disc = net(x, target, part="discriminator")
        disc_opt.zero_grad(set_to_none=True)
        disc.backward()
        disc_opt.step()
        # 2. The autoencoder: reconstruction, plus beta times the encoder's fooling loss.
        with autocast():
            terms, diagnostics = net(x, target)
        ae_opt.zero_grad(set_to_none=True)
        terms["loss"].backward()  # also leaves gradients on the discriminator, cleared at its next step
        ae_opt.step()
        return as_logged(terms, {**diagnostics, "disc": disc})
