"""Convolutional autoencoders: a dense code in the middle (conv, denoising), or none at all
(``fully_conv``), in which case the code is a feature map and any image size works."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .base import Autoencoder

DEFAULT_CHANNELS = (32, 64)


def conv_bn_relu(in_ch: int, out_ch: int, stride: int = 1) -> list[nn.Module]:
    return [nn.Conv2d(in_ch, out_ch, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(out_ch), nn.ReLU()]


def down_stack(in_ch: int, channels, per_stage: int = 2) -> nn.Sequential:
    """Each stage halves the size (rounding up): a strided 3x3 conv, then per_stage - 1 more
    3x3 convs at that size. Batch norm is what keeps a sigmoid-output conv AE from
    collapsing to a blank image in its first steps (seen here on mnist5k: without it the
    test MSE sat at 0.113)."""
    layers: list[nn.Module] = []
    for ch in channels:
        layers += conv_bn_relu(in_ch, ch, stride=2)
        for _ in range(per_stage - 1):
            layers += conv_bn_relu(ch, ch)
        in_ch = ch
    return nn.Sequential(*layers)


def up_stack(channels, out_ch: int, per_stage: int = 2, full_size_conv: bool = True) -> nn.Sequential:
    """Mirror of down_stack: each stage doubles the size; the last conv maps to out_ch. Without
    full_size_conv the last stage's transposed conv maps to out_ch itself, and nothing runs at
    the image's full size after it."""
    chans = list(channels)[::-1]
    layers: list[nn.Module] = []
    for i, (ch, nxt) in enumerate(zip(chans, chans[1:] + [chans[-1]])):
        if not full_size_conv and i == len(chans) - 1:
            layers.append(nn.ConvTranspose2d(ch, out_ch, 4, stride=2, padding=1))
            return nn.Sequential(*layers)
        layers += [nn.ConvTranspose2d(ch, nxt, 4, stride=2, padding=1), nn.BatchNorm2d(nxt), nn.ReLU()]
        for _ in range(per_stage - 1):
            layers += conv_bn_relu(nxt, nxt)
    layers.append(nn.Conv2d(chans[-1], out_ch, 3, padding=1))
    return nn.Sequential(*layers)


# The output layer's random weights are scaled by this at the start (start_at).
OUTPUT_START_SCALE = 0.1


def start_at(layer: nn.Conv2d | nn.ConvTranspose2d, mean: torch.Tensor) -> None:
    """The output layer starts near the training images' mean: its bias the logit of each
    channel's mean pixel, its weights a tenth of their random start, so the first image the
    decoder draws is the data's mean rather than a random one. Without it a seed whose output
    starts far from the data spends its first epoch getting there: the mnist5k conv AE's
    first-epoch test MSE ranged over 0.022-0.038 across 7 seeds, and over 0.021-0.023 with
    it; the VAE's first-epoch -ELBO over 129-156 nats, and 129-137 (benchmarks/time_to_quality.py)."""
    if layer.bias is None or layer.bias.shape != mean.shape:
        return
    with torch.no_grad():
        layer.weight.mul_(OUTPUT_START_SCALE)
        layer.bias.copy_(torch.logit(mean.clamp(0.01, 0.99)))


def reduced(size: int, stages: int) -> int:
    for _ in range(stages):
        size = (size + 1) // 2
    return size


class ConvAE(Autoencoder):
    """Strided convolutions down, a dense layer to the code, transposed convolutions up."""
    channels_last = True

    out_channels = None  # None: the image's own channels

    def __init__(self, cfg, image_shape):
        super().__init__(cfg, image_shape)
        c, h, w = self.image_shape
        self.channels = tuple(cfg.hidden) or DEFAULT_CHANNELS
        stages = len(self.channels)
        self.grid = (self.channels[-1], reduced(h, stages), reduced(w, stages))
        flat = self.grid[0] * self.grid[1] * self.grid[2]
        self.features = down_stack(self.in_channels(), self.channels, cfg.stage_convs)
        self.to_code = nn.Linear(flat, self.code_width())
        self.from_code = nn.Sequential(nn.Linear(cfg.latent_dim, flat), nn.ReLU())
        self.upsample = up_stack(self.channels, self.out_channels or c, cfg.stage_convs, cfg.full_size_conv)

    def in_channels(self) -> int:
        return self.image_shape[0]

    def code_width(self) -> int:
        return self.cfg.latent_dim

    def encode(self, x):
        return self.to_code(self.features(x).flatten(1))

    def decode_logits(self, z):
        h = self.from_code(z).view(-1, *self.grid)
        return self.upsample(h)[..., : self.image_shape[1], : self.image_shape[2]]

    def start_output_at(self, mean):
        start_at(self.upsample[-1], mean)


class FullyConvAE(Autoencoder):
    """No dense layer anywhere: the code is a latent_dim-channel map at 1/2^stages of the
    size, so one network denoises a 32x32 patch or a whole uploaded photo."""
    channels_last = True


    def __init__(self, cfg, image_shape, in_channels=None, out_channels=None):
        super().__init__(cfg, image_shape)
        c = self.image_shape[0]
        self.channels = tuple(cfg.hidden) or DEFAULT_CHANNELS
        self.features = nn.Sequential(down_stack(in_channels or c, self.channels, cfg.stage_convs),
                                      nn.Conv2d(self.channels[-1], cfg.latent_dim, 1))
        self.from_code = nn.Sequential(nn.Conv2d(cfg.latent_dim, self.channels[-1], 1), nn.ReLU())
        self.upsample = up_stack(self.channels, out_channels or c, cfg.stage_convs, cfg.full_size_conv)
        self.multiple = 2 ** len(self.channels)

    def encode(self, x):
        h, w = x.shape[-2:]
        pad_h, pad_w = (-h) % self.multiple, (-w) % self.multiple
        if pad_h or pad_w:  # pad to a whole number of stages; reconstruct() and loss() crop it away
            mode = "reflect" if min(h, w) > max(pad_h, pad_w) else "replicate"
            x = F.pad(x, (0, pad_w, 0, pad_h), mode=mode)
        return self.features(x)

    def decode_logits(self, z):
        return self.upsample(self.from_code(z))

    def start_output_at(self, mean):
        start_at(self.upsample[-1], mean)


def build_conv(cfg, image_shape):
    """The conv family's factory: the config's fully_conv flag picks the shape."""
    return FullyConvAE(cfg, image_shape) if cfg.fully_conv else ConvAE(cfg, image_shape)
