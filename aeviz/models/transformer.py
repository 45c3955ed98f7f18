"""Transformer autoencoder: the image cut into patch tokens, a transformer encoder reads
them into one class token that becomes the code; a linear layer spreads the code over one
token per patch, and a transformer decoder turns those, with learned positions, back into
patches (the ViT/MAE patch scheme).

Each decoder token gets its own projection of the code: adding one shared vector to every
position query collapsed to a single output image for all inputs (seen when overfitting one
batch of mnist5k: error 2.6x the batch's mean image, against 0.5x with this layout)."""
from __future__ import annotations

import torch
import torch.nn as nn

from .base import Autoencoder

DEFAULT_WIDTHS = (96, 96, 96)  # token width per layer; the number of widths is the depth
HEADS = 4  # attention heads per layer: the token width must be a multiple of it


def patch_size_for(h: int, w: int) -> int:
    for p in (4, 2, 1):
        if h % p == 0 and w % p == 0 and (h // p) * (w // p) <= 256:
            return p
    return 1


def stack(width: int, depth: int) -> nn.TransformerEncoder:
    layer = nn.TransformerEncoderLayer(width, nhead=HEADS, dim_feedforward=2 * width, dropout=0.0,
                                       activation="gelu", batch_first=True, norm_first=True)
    return nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)


def config_problem(cfg) -> str | None:
    """What in cfg this model cannot take (TrainConfig.validate asks, so `aeviz train
    --hidden 10` is refused in one sentence rather than by torch's AssertionError)."""
    width = (tuple(cfg.hidden) or DEFAULT_WIDTHS)[0]
    if width % HEADS:
        return f"The transformer's token width (--hidden) must be a multiple of its {HEADS} attention heads, not {width}"
    return None


class TransformerAE(Autoencoder):
    def __init__(self, cfg, image_shape):
        super().__init__(cfg, image_shape)
        c, h, w = self.image_shape
        widths = tuple(cfg.hidden) or DEFAULT_WIDTHS
        width, depth = widths[0], len(widths)
        self.p = patch_size_for(h, w)
        self.grid = (h // self.p, w // self.p)
        n_tokens, patch_dim = self.grid[0] * self.grid[1], c * self.p * self.p
        self.embed = nn.Linear(patch_dim, width)
        self.enc_pos = nn.Parameter(torch.randn(1, n_tokens + 1, width) * 0.02)
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        self.encoder = stack(width, depth)
        self.to_code = nn.Linear(width, cfg.latent_dim)
        self.from_code = nn.Linear(cfg.latent_dim, n_tokens * width)
        self.dec_pos = nn.Parameter(torch.randn(1, n_tokens, width) * 0.02)
        self.decoder = stack(width, depth)
        self.norm = nn.LayerNorm(width)
        self.to_patch = nn.Linear(width, patch_dim)

    def patches(self, x):
        n, c = x.shape[:2]
        gh, gw, p = *self.grid, self.p
        return x.reshape(n, c, gh, p, gw, p).permute(0, 2, 4, 1, 3, 5).reshape(n, gh * gw, c * p * p)

    def encode(self, x):
        tokens = self.embed(self.patches(x))
        # x.shape[0], not len(x): an ONNX export traces the one as the batch size, the other as a constant
        tokens = torch.cat([self.cls.expand(x.shape[0], -1, -1), tokens], 1) + self.enc_pos
        return self.to_code(self.encoder(tokens)[:, 0])

    def decode_logits(self, z):
        tokens = self.decoder(self.dec_pos + self.from_code(z).view(-1, *self.dec_pos.shape[1:]))
        out = self.to_patch(self.norm(tokens))
        c, (gh, gw), p = self.image_shape[0], self.grid, self.p
        return out.reshape(-1, gh, gw, c, p, p).permute(0, 3, 1, 4, 2, 5).reshape(-1, c, gh * p, gw * p)
