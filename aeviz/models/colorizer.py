"""Colorizer: gray in, color out, steered by the user's hints (Zhang et al. 2017, "Real-Time
User-Guided Image Colorization with Learned Deep Priors"). The network predicts only Lab's
a and b from the lightness; the output keeps the input's own lightness, so the detail is never
blurred by the network (the usual choice since Zhang et al. 2016, "Colorful Image Colorization").

Beside the lightness it takes local hints (a and b at the pixels a user clicked, and a mask of
where they are) and a global hint (a reference photo's color distribution, aeviz.color.palette,
its histogram fed through a small branch into the bottleneck, as Zhang's global histogram
network is, and the colors it gives each lightness and texture painted on the pixels that
match them, as Welsh et al. 2002 transfer color). With
neither it is an automatic colorizer. It learns to use them from hints simulated from the true
colors (simulated_hints); spreading a given color along a region's edges needs far less data
than guessing the color, which is what lets a few hundred photos teach it.

Color needs the whole scene: in gray, a patch of sky and a patch of sunlit wall look alike. So
the colorizer sees a photo of any size at its working size (short side = the training size) and
paints the result back at full size: a and b are smooth, so they are upsampled, and the
full-size lightness keeps every detail. Skip connections (a small U-Net) carry the lightness's
edges to the output, so a hinted color stops where its region does."""
from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..color import (HISTOGRAM_SIZE, LEVELS, PALETTE_SIZE, TEXTURES, cell_table, cell_weights, gray_lightness, histograms,
                     lab_to_rgb, palette, read_cells, rgb_to_lab)
from ..datasets import to_gray
from .base import Autoencoder
from .conv import DEFAULT_CHANNELS, conv_bn_relu, down_stack

AB_SCALE = 110.0  # a and b stay within about +-110 for sRGB colors
IN_CHANNELS = 4   # lightness, then the hints: a / 110, b / 110, mask
# How much of its guess the colorizer paints by default (the Colorize page's "color strength").
# Unsteered, trained on squared error, its guess is the mean color of what it saw, right for
# photos like its training ones; on other photos the full guess loses more where it is wrong
# than it gains where it is right. Chosen on validation photos of unseen subjects, never on the
# test ones (benchmarks/colorizer_validation.py, in BENCHMARKS.md); 1 paints the whole guess.
SATURATION = 0.4
# Steered by a hint or a reference, the guess is the user's colors spread: paint all of it.
STEERED_STRENGTH = 1.0
# Simulated hints (Zhang et al. 2017, section 3.3): the number per image is geometric, P(k) =
# p (1 - p)^k, so p of the images get none and the automatic colorizer is trained too (Zhang: p = 1/8;
# 1/6 here, as the automatic guess must stay as good as the shipped one's); each hint
# is the mean true color of a square of one of HINT_SIDES pixels around a uniformly drawn pixel.
HINT_P, MAX_HINTS, HINT_SIDES = 1 / 6, 40, (1, 3)
REFERENCE_SHARE = 0.25  # the share of training images given their own palette as the global hint
# A hint's correction fades as a Gaussian of SPREAD training sizes across the photo, and of
# LIGHTNESS_SPREAD (lightness in [0, 1]) between the hinted pixel's lightness and another's, so a
# hint colors its own region further than across an edge (guess(): a bilateral grid of
# LIGHTNESS_BINS levels). Chosen on training photos (every 7th, 41), never the held-out ones: at
# 10 hints the median gain went from +2.88 dB (a spatial Gaussian of 0.25) to +3.71 (BENCHMARKS.md).
SPREAD, LIGHTNESS_SPREAD, LIGHTNESS_BINS = 0.5, 0.07, 8
# A reference's colors are trusted at a pixel as its share of the reference near the pixel's
# (lightness, texture) cell, s, against this: s / (s + REFERENCE_TRUST); the network's guess fills
# the rest. Chosen on training photos (benchmarks/colorizer_reference.py): at 0.003 another
# scene as the reference cost a median 0.57 dB against gray, at 0 0.93; more gives up more of
# what the photo itself as the reference gains.
REFERENCE_TRUST = 0.003
# Where the hints' spread (SPREAD) does not reach, a pixel of the lightness and texture of a
# hinted pixel anywhere in the photo takes that hint's color (the same cells as a reference's),
# trusted as s / (s + HINT_TRUST) for its weight s in the hinted pixels' cells. Chosen on
# training photos (benchmarks/colorizer_hint_spread.py): at 2 hints +1.19 dB without, +1.70 at
# 0.03, and at 10 +3.71 and +4.05; 0.01 did as well at 10 but worse on the worst photo at 2.
HINT_TRUST = 0.03
# log_error: the floor under an image's mean error (in (a, b) / 110 units, where a colorful
# photo's is about 1e-2), and a weight that puts the loss in the range of the plain sum's.
LOG_FLOOR, LOG_WEIGHT = 1e-4, 100.0
BAND = 512        # rows composed at a time at full size: bounds the memory a 12 MP photo takes

__all__ = ["PALETTE_SIZE", "Colorizer", "hint_tensor", "palette", "simulated_hints"]


class Code(NamedTuple):
    """What the encoder hands the decoder: the bottleneck map (global hint added) and the
    feature maps of each size on the way down, the input first (the U-Net's skips)."""
    code: torch.Tensor
    skips: list[torch.Tensor]


class Colorizer(Autoencoder):
    channels_last = True

    def __init__(self, cfg, image_shape):
        super().__init__(cfg, image_shape)
        chans = tuple(cfg.hidden) or DEFAULT_CHANNELS
        ins = (IN_CHANNELS, *chans[:-1])  # each stage's input: the skip its mirror stage gets
        self.down = nn.ModuleList(down_stack(i, (c,), cfg.stage_convs) for i, c in zip(ins, chans))
        self.to_code = nn.Conv2d(chans[-1], cfg.latent_dim, 1)
        self.global_hint = nn.Sequential(nn.Linear(HISTOGRAM_SIZE, cfg.latent_dim), nn.ReLU(),
                                         nn.Linear(cfg.latent_dim, cfg.latent_dim))
        self.from_code = nn.Sequential(nn.Conv2d(cfg.latent_dim, chans[-1], 1), nn.ReLU())
        # Each up stage's width: the next one up's input; the full-size one a quarter of the first
        # stage's: at 32 channels the full-size convolutions were 40% of the cost, and a and b are
        # smooth (the edges come from the lightness, which the full-size stage is given).
        outs = (max(1, chans[0] // 4), *chans[:-1])
        self.up = nn.ModuleList(nn.Sequential(nn.ConvTranspose2d(c, o, 4, stride=2, padding=1), nn.BatchNorm2d(o),
                                              nn.ReLU()) for c, o in zip(chans, outs))
        self.merge = nn.ModuleList(nn.Sequential(*conv_bn_relu(o + i, o), *[
            m for _ in range(cfg.stage_convs - 1) for m in conv_bn_relu(o, o)]) for o, i in zip(outs, ins))
        self.to_ab = nn.Conv2d(outs[0], 2, 3, padding=1)
        self.multiple = 2 ** len(chans)
        # The Gaussian that spreads each hint (guess()): a constant, kept out of the checkpoint,
        # and a fixed tensor so the ONNX graph of guess() has a kernel of known shape.
        sigma = SPREAD * self.image_shape[-1]
        t = torch.arange(-int(3 * sigma), int(3 * sigma) + 1, dtype=torch.float32)
        kernel = torch.exp(-t ** 2 / (2 * sigma ** 2)).view(1, 1, -1, 1).repeat(3 * LIGHTNESS_BINS, 1, 1, 1)
        self.register_buffer("spread", kernel, persistent=False)
        self.register_buffer("levels", torch.linspace(0, 1, LIGHTNESS_BINS).view(1, -1, 1, 1), persistent=False)

    def prepare(self, x):
        return to_gray(x)

    # --- the network ---------------------------------------------------------------------------
    def encode(self, x, palette=None) -> Code:
        """x: (N, 1, h, w) lightness, or (N, 4, h, w) with the hint channels (none given: no
        hints); palette: (N, PALETTE_SIZE) global hints (None: no reference)."""
        if x.shape[1] == 1:
            x = torch.cat([x, x.new_zeros(x.shape[0], IN_CHANNELS - 1, *x.shape[-2:])], 1)
        h, w = x.shape[-2:]
        pad_h, pad_w = (-h) % self.multiple, (-w) % self.multiple
        if pad_h or pad_w:  # pad to a whole number of stages; guess() and loss() crop it away
            mode = "reflect" if min(h, w) > max(pad_h, pad_w) else "replicate"
            x = F.pad(x, (0, pad_w, 0, pad_h), mode=mode)
        skips = []
        for stage in self.down:
            skips.append(x)
            x = stage(x)
        code = self.to_code(x)
        if palette is not None:
            code = code + self.global_hint(palette[:, :HISTOGRAM_SIZE].to(code.dtype))[..., None, None]
        return Code(code, skips)

    def decode_logits(self, z: Code):
        x = self.from_code(z.code)
        for up, merge, skip in zip(self.up[::-1], self.merge[::-1], z.skips[::-1]):
            x = merge(torch.cat([up(x), skip], 1))
        return self.to_ab(x)

    def decode(self, z: Code):
        """Predicted (a, b) / 110 in [-1, 1]; reconstruct() adds the lightness back."""
        return torch.tanh(self.decode_logits(z))

    def guess(self, gray, hints, palette):
        """The contract's one function (the ONNX export wraps it): gray (N, 1, h, w) in [0, 1],
        hints (N, 3, h, w) (a / 110, b / 110, mask), palette (N, PALETTE_SIZE) (zeros: none) ->
        (N, 2, h, w) predicted (a, b) / 110, the whole guess, at the size given.
        The photo and its mirror image are guessed in one batch and averaged: colors do not
        depend on left and right, and where the two disagree the average is the safer, paler one.
        Steered, the guess is then moved to the reference's colors for each pixel's lightness and
        texture (_toward_reference), then toward each hint around it (_toward_hints), and where
        that does not reach, to the hints' colors for its lightness and texture (_like_hints): a
        network trained this briefly does not yet spread a hint far by itself (BENCHMARKS.md)."""
        n, (h, w) = gray.shape[0], gray.shape[-2:]
        hints = hints.to(gray.dtype)
        x = torch.cat([gray, hints], 1)
        both = torch.cat([x, x.flip(-1)])
        ab = self.decode(self.encode(both, torch.cat([palette, palette])))[..., :h, :w].float()
        ab = (ab[:n] + ab[n:].flip(-1)) / 2
        # Steered, the network's own guess counts at the automatic strength (SATURATION), and what
        # the user gave is added at full strength: painted whole (STEERED_STRENGTH), an unsure
        # guess far from every hint would otherwise cost more than the hints gain.
        steered = ((hints[:, 2].flatten(1).sum(1) + palette.float().sum(1)) > 0).to(ab.dtype).view(-1, 1, 1, 1)
        ab = ab * (1 - steered * (1 - SATURATION))
        cells = cell_weights(gray.float())
        hints = hints.float()
        ab = ab + self._toward_reference(ab, gray, palette.float(), cells)
        shift, reach = self._toward_hints(ab, hints, gray)
        ab = ab + shift
        return (ab + (1 - reach) * self._like_hints(ab, hints, gray, cells)).clamp(-1, 1)

    def _toward_reference(self, ab, gray, palette, cells=None):
        """The shift that paints each pixel the reference's mean color over the pixels of its
        lightness and texture (aeviz.color.palettes' table, read through the same soft cells),
        as far as the reference has such pixels (REFERENCE_TRUST); none without a reference.
        cells: gray's cell_weights, when the caller has them."""
        cells = cell_weights(gray.float()) if cells is None else cells
        table = palette[:, HISTOGRAM_SIZE:].unflatten(1, (3, LEVELS, TEXTURES))  # share, then a and b
        return _toward_table(ab, read_cells(table, cells), cells, REFERENCE_TRUST)

    def _like_hints(self, ab, hints, gray, cells=None):
        """The shift that paints each pixel the mean color of the hints at pixels of its
        lightness and texture, anywhere in the photo: the hints made into a table as a
        reference's pixels are (trusted by HINT_TRUST); none without hints."""
        cells = cell_weights(gray.float()) if cells is None else cells
        mask = hints[:, 2:].flatten(2)
        table = cell_table(torch.cat([mask, mask * hints[:, :2].flatten(2)], 1), cells)
        return _toward_table(ab, read_cells(table, cells), cells, HINT_TRUST)

    def _toward_hints(self, ab, hints, gray):
        """Each hint's difference from the guess at its pixel, spread around it: by a Gaussian of
        SPREAD times the training size across the photo, and of LIGHTNESS_SPREAD between
        lightnesses. The hinted pixel gets its color, and the correction fades with the distance
        and across edges (a normalized convolution, weights peaking at 1). The lightness term is
        a bilateral grid (Chen et al. 2007): each hint is splatted into LIGHTNESS_BINS levels by its
        own lightness, each level blurred across the photo, and each pixel reads the levels
        near its own lightness; all of it convolutions, so the ONNX graph runs it too. The
        weight of lightness L' at lightness L is the cosine of their levels' weights: 1 when
        L' = L, falling as exp(-(L - L')^2 / (4 LIGHTNESS_SPREAD^2)) between levels.
        Returns the shift and its reach: the hints' weight at each pixel, up to 1."""
        near = torch.exp(-(gray.to(ab.dtype) - self.levels.to(ab.dtype)) ** 2 / (2 * LIGHTNESS_SPREAD ** 2))  # (N, B, h, w)
        # unit length at each pixel: a pixel reads a hint of its own lightness at weight 1
        # (their dot product), and one of another lightness at less
        near = near / near.norm(dim=1, keepdim=True)
        mask = hints[:, 2:]
        stacked = torch.cat([(hints[:, :2] - ab) * mask, mask], 1)  # (N, 3, h, w): a, b and the mask
        g = self.spread.to(ab.dtype)  # (3B, 1, K, 1): each level's a, b and mask blurred down, then across
        radius = g.shape[2] // 2
        grid = (near[:, :, None] * stacked[:, None]).flatten(1, 2)  # (N, 3B, h, w)
        grid = F.conv2d(grid, g, padding=(radius, 0), groups=g.shape[0])
        grid = F.conv2d(grid, g.transpose(2, 3), padding=(0, radius), groups=g.shape[0])
        read = (grid.unflatten(1, (-1, 3)) * near[:, :, None]).sum(1)
        return read[:, :2] / read[:, 2:].clamp(min=1.0), read[:, 2:].clamp(max=1.0)

    # --- whole photos ----------------------------------------------------------------------------
    def working_size(self, h: int, w: int) -> tuple[int, int]:
        """The size an h x w photo is seen at: short side the training size, never upsampled."""
        f = min(1.0, self.image_shape[-1] / min(h, w))
        return max(1, round(h * f)), max(1, round(w * f))

    @torch.no_grad()
    def predict_ab(self, gray, hints=None, palette=None):
        """(N, 2, hw, ww) a and b (Lab units) at the working size of the (N, 1, H, W) photo;
        hints at the working size (hint_tensor), palette (N, PALETTE_SIZE); None: none."""
        n, size = gray.shape[0], self.working_size(*gray.shape[-2:])
        hints = gray.new_zeros(n, 3, *size) if hints is None else hints
        palette = gray.new_zeros(n, PALETTE_SIZE) if palette is None else palette
        return self.guess(_resized(gray, size), hints, palette) * AB_SCALE

    @torch.no_grad()
    def reconstruct(self, gray, saturation: float | None = None, hints=None, palette=None):
        """The color image: the input's full-size lightness, and saturation times the predicted
        a and b upsampled to it (None: default_strength, which depends on whether it was steered)."""
        saturation = default_strength(hints, palette) if saturation is None else saturation
        gray = to_gray(gray)
        h, w = gray.shape[-2:]
        # a and b at full size (2 channels), then the Lab to RGB conversion by bands of rows:
        # its intermediates, not the a and b, are what a 12 MP photo would fill memory with.
        ab = F.interpolate(self.predict_ab(gray, hints, palette) * saturation, size=(h, w), mode="bilinear",
                           align_corners=False)
        out = torch.empty(gray.shape[0], 3, h, w, device=gray.device)
        for top in range(0, h, BAND):
            rows = slice(top, top + BAND)
            out[..., rows, :] = lab_to_rgb(torch.cat([gray_lightness(gray[..., rows, :]), ab[..., rows, :]], 1))
        return out

    # --- training ------------------------------------------------------------------------------
    def loss(self, gray, target):
        """Squared (or L1) error of a and b, with hints and a palette simulated from the true
        colors of each image, so the training loop need know nothing of them."""
        ab_target = rgb_to_lab(target)[:, 1:] / AB_SCALE
        n = target.shape[0]
        hints = simulated_hints(ab_target)
        given = (torch.rand(n, 1, device=target.device) < REFERENCE_SHARE).float()
        x = torch.cat([gray, hints.to(gray.dtype)], 1)
        # the network reads the histogram alone (encode); the table is guess()'s, after the network
        ab = torch.tanh(self.decode_logits(self.encode(x, histograms(target) * given)).float())
        ab = ab[..., : target.shape[-2], : target.shape[-1]]
        if self.cfg.log_error:
            # The mean over images of log(their mean error): a photo's PSNR, up to scale and sign.
            # LOG_FLOOR keeps a perfectly gray photo's gradient finite.
            err = (ab - ab_target).abs() if self.cfg.loss == "l1" else (ab - ab_target) ** 2
            recon = LOG_WEIGHT * torch.log(err.sum(1).mean((-2, -1)) + LOG_FLOOR).mean()
        else:
            err = F.l1_loss if self.cfg.loss == "l1" else F.mse_loss  # bce has no meaning for signed ab
            recon = err(ab, ab_target, reduction="sum") / n
        return {"recon": recon, "loss": recon}


def _toward_table(ab, read, cells, trust_at: float):
    """The shift to the colors a table read at each pixel (read_cells: the weight of the table's
    pixels like this one, then their a and b summed), trusted as s / (s + trust_at) for that
    weight s, as a share of the pixel's weight in all cells."""
    near, colors = read[:, :1], read[:, 1:]
    by_level, by_texture = cells
    total = by_level.sum(1, keepdim=True) * by_texture.sum(1, keepdim=True)
    trust = near / (near + trust_at * total.clamp(min=1e-12))
    return (trust * (colors / near.clamp(min=1e-12) - ab.flatten(2))).unflatten(2, ab.shape[-2:])


def default_strength(hints, palette) -> float:
    """SATURATION for the automatic guess; STEERED_STRENGTH once a hint or a reference is given."""
    steered = (hints is not None and bool(hints[:, 2].any())) or (palette is not None and bool(palette.any()))
    return STEERED_STRENGTH if steered else SATURATION


def simulated_hints(ab: torch.Tensor) -> torch.Tensor:
    """(N, 2, H, W) true (a, b) / 110 -> (N, 3, H, W) hints as a user might give them (Zhang et
    al. 2017): a geometric number per image (HINT_P), each at a uniformly drawn pixel, its color
    the mean of a square of a random side from HINT_SIDES around it. Torch's generator draws them."""
    n, _, h, w = ab.shape
    dev = ab.device
    counts = (torch.log(torch.rand(n, device=dev)) / math.log(1 - HINT_P)).floor().clamp(max=MAX_HINTS).long()
    hints = ab.new_zeros(n, 3, h * w)
    most = int(counts.max())
    if most == 0:
        return hints.view(n, 3, h, w)
    where = torch.randint(0, h * w, (n, most), device=dev)
    side = torch.randint(0, len(HINT_SIDES), (n, most), device=dev)
    means = torch.stack([F.avg_pool2d(ab, s, stride=1, padding=s // 2, count_include_pad=False)
                         for s in HINT_SIDES]).flatten(3)  # (sides, N, 2, H * W)
    image, k = (torch.arange(most, device=dev) < counts[:, None]).nonzero(as_tuple=True)
    pixel = where[image, k]
    hints[image, :2, pixel] = means[side[image, k], image, :, pixel]
    hints[image, 2, pixel] = 1.0
    return hints.view(n, 3, h, w)


def hint_tensor(hints, size: tuple[int, int], full_size: tuple[int, int]) -> torch.Tensor:
    """[(x, y, (r, g, b)), ...] in full-image pixels (x right, y down; r, g, b 0..255) -> the
    (3, hh, ww) hint channels at the working size `size` of a `full_size` (H, W) photo. Each hint
    marks one pixel: column min(ww - 1, floor(x * ww / W)), row min(hh - 1, floor(y * hh / H));
    a later hint on the same pixel wins. The browser places hints by the same rule."""
    (hh, ww), (full_h, full_w) = size, full_size
    out = torch.zeros(3, hh, ww)
    if not hints:
        return out
    rgb = torch.tensor([c for _, _, c in hints], dtype=torch.float32).T[None, :, None, :] / 255.0
    ab = rgb_to_lab(rgb)[0, 1:, 0] / AB_SCALE  # (2, K)
    for (x, y, _), color in zip(hints, ab.T):
        row, col = min(hh - 1, math.floor(y * hh / full_h)), min(ww - 1, math.floor(x * ww / full_w))
        out[:2, row, col] = color
        out[2, row, col] = 1.0
    return out


def _resized(x, size):
    """x at size (h, w): averaged over each new pixel's area when it shrinks, bilinear when it grows."""
    if tuple(x.shape[-2:]) == size:
        return x
    if size[0] * size[1] < x.shape[-2] * x.shape[-1]:
        return F.interpolate(x, size=size, mode="area")
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False)
