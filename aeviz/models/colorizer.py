"""Colorizer: gray in, color out. The network predicts only Lab's a and b channels from
the lightness; the output keeps the input's own lightness, so the detail is never blurred
by the code (the usual choice since Zhang et al., 2016, "Colorful Image Colorization")."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..color import gray_lightness, lab_to_rgb, rgb_to_lab
from ..data import to_gray
from .conv import FullyConvAE

AB_SCALE = 110.0  # a and b stay within about +-110 for sRGB colors


class Colorizer(FullyConvAE):
    def __init__(self, cfg, image_shape):
        super().__init__(cfg, image_shape, in_channels=1, out_channels=2)

    def prepare(self, x):
        return to_gray(x)

    def decode(self, z):
        """Predicted (a, b) / 110 in [-1, 1]; reconstruct() adds the lightness back."""
        return torch.tanh(self.decode_logits(z))

    @torch.no_grad()
    def reconstruct(self, gray):
        gray = to_gray(gray)
        ab = self.decode(self.encode(gray))[..., : gray.shape[-2], : gray.shape[-1]] * AB_SCALE
        return lab_to_rgb(torch.cat([gray_lightness(gray), ab.float()], 1))

    def loss(self, gray, target):
        ab = torch.tanh(self.decode_logits(self.encode(gray)).float())[..., : target.shape[-2], : target.shape[-1]]
        ab_target = rgb_to_lab(target)[:, 1:] / AB_SCALE
        n = target.shape[0]
        err = F.l1_loss if self.cfg.loss == "l1" else F.mse_loss  # bce has no meaning for signed ab
        recon = err(ab, ab_target, reduction="sum") / n
        return {"recon": recon, "loss": recon}
