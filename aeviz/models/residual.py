"""Residual denoiser: the network predicts the noise, and the output is the input less it
(residual learning, Zhang et al. 2017, "Beyond a Gaussian Denoiser: Residual Learning of
Deep CNN for Image Denoising", DnCNN). Trained blind over a range of noise levels, one model
covers them all.

DnCNN's 17 full-resolution 64-channel convolutions cost about 1.1 MFLOP a pixel: 12 MP would
take minutes on a 2-core CPU. So the network works as FFDNet does (Zhang et al. 2018) on the
image folded into 2 x 2 blocks (pixel unshuffle: a quarter of the positions, four times the
channels), then as a small U-Net: each further level halves the size again and sees four
times the area, so the receptive field grows fast for little compute (benchmarks/denoise_gains.py,
BENCHMARKS.md: photo denoisers against the classical ones).

With cfg.noise_map it is told the noise level, as FFDNet is: a constant map of it beside the
folded image. Training gives it each image's own noise (the noisy input less the clean one);
a photo to denoise, the level read from it (noise_level). A blind network must guess the
level from the image, and at light noise takes texture for noise."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..datasets.corruptions import noise_level
from .base import Autoencoder

FOLD = 2                  # pixel unshuffle: the network sees 2 x 2 blocks as one position
DEFAULT_WIDTHS = (32, 64, 128)  # channels of each U-Net level, from the folded image down
# log_error: the floor under an image's mean squared error (35 dB), so a nearly clean input's
# gradient stays finite and such inputs do not decide. Each image's gradient is weighted by
# 1 / (its error + the floor). On the 56 held-out photos at sigma 0.05, 0.1, 0.2 and 0.3 (all of
# the predicted noise taken away, as before SHRINK), after
# 14 epochs: floor 3e-4 +3.87, +7.79, +10.67, +11.86 dB; floor 1e-3 +1.04, +6.43, +9.86, +10.22
# (BENCHMARKS.md). After 2 epochs, floor 1e-4 was a flat +3.0, +3.8, +3.8 at 0.05, 0.1, 0.3.
LOG_FLOOR = 3e-4
# The share of the predicted noise taken away is sigma^2 / (sigma^2 + SHRINK^2), with sigma the
# image's own noise level (noise_level): all of it at high noise, half at sigma = SHRINK, next to
# none on a clean photo. At low noise the network also takes some texture for noise: a clean
# training photo came out at 32 dB (median), 76 dB with the shrinkage. On 21 training photos
# (every 14th), median gain (worst): sigma 0.05 +4.78 dB (+2.00) against +3.99 (-0.06); 0.1
# +8.38 (+5.25) against +8.24 (+4.70); 0.2 and 0.3 within 0.04 dB. SHRINK was chosen there
# among 0.02-0.07 (0.05: +3.64 at sigma 0.05, +7.52 at 0.1; 0.02: +4.82, +8.36, worst +1.15):
# benchmarks/denoiser_shrink.py.
SHRINK = 0.03
# The same rule for a network told the noise level (noise_map): it takes less texture for noise
# by itself, so less is held back. On the same 21 training photos, the shipped told network (120
# epochs, the noise also read on the mirror image), median gain at sigma 0.02 / 0.05 / 0.1: all of
# it taken away +4.49 / +7.81 / +10.74 dB; 0.015 +4.26 / +7.86 / +10.72; 0.02 +3.77 / +7.72 / +10.67;
# 0.03 +2.53 / +6.84 / +10.39; at 0.2 and 0.3 all within 0.02 dB of taking all of it away up to
# 0.025. A clean photo comes back at 76 dB at 0.015 (all of it: 43 dB)
# (benchmarks/denoiser_shrink.py).
SHRINK_TOLD = 0.015
# A photo's predicted noise is the mean of the network's on it and on its mirror image (flipped
# left to right, and back): noise does not depend on left and right, and the two guesses' errors
# partly cancel, as in DnCNN's and FFDNet's self-ensembles. It doubles the network's time.
# On 21 training photos at SHRINK_TOLD 0.02 (benchmarks/denoiser_shrink.py, and --no-mirror), median gain at
# sigma 0.05 / 0.1 / 0.2 / 0.3: +7.72 / +10.67 / +12.89 / +13.77 dB against +7.60 / +10.58 / +12.82 / +13.72.
MIRROR = True


def conv_relu(in_ch: int, out_ch: int) -> list[nn.Module]:
    """A 3x3 conv and a ReLU, no batch norm: with it, each batch mixes noise levels, and the
    statistics a trained model keeps for testing did not fit any one level: on the same
    training batch its loss was 69 in eval mode against 43 in training mode, and the model
    made patches at sigma 0.1 worse (-0.9 dB) after 300 steps."""
    return [nn.Conv2d(in_ch, out_ch, 3, padding=1), nn.ReLU()]


class ResidualDenoiser(Autoencoder):
    """A U-Net over the folded image, predicting the noise; no dense layer, any image size.

    hidden: the channels of each level (each level below the first halves the size);
    stage_convs: the 3x3 conv + ReLU blocks at each level going down, and as
    many coming up."""
    channels_last = True

    def __init__(self, cfg, image_shape):
        super().__init__(cfg, image_shape)
        folded = self.image_shape[0] * FOLD * FOLD
        widths = tuple(cfg.hidden) or DEFAULT_WIDTHS
        self.multiple = FOLD * 2 ** (len(widths) - 1)

        def convs(in_ch, out_ch):
            return nn.Sequential(*[m for i in range(cfg.stage_convs) for m in conv_relu(in_ch if i == 0 else out_ch, out_ch)])

        self.told = cfg.noise_map  # the noise level is an input: one more channel in
        self.down = nn.ModuleList([convs(folded + int(self.told), widths[0])])
        self.pool = nn.ModuleList()
        for prev, width in zip(widths, widths[1:]):
            self.pool.append(nn.Conv2d(prev, width, 2, stride=2))  # learned 2 x 2 downsampling
            self.down.append(convs(width, width))
        self.unpool = nn.ModuleList([nn.ConvTranspose2d(w, prev, 2, stride=2) for prev, w in zip(widths, widths[1:])])
        # Every level has its convs coming up too, the deepest one included: there they cost
        # a 1/4^k share of the folded image's and see the widest context.
        self.up = nn.ModuleList([convs(width, width) for width in widths])
        # The last conv sees the folded input beside the features. Predicting the noise means
        # passing the input's finest detail through every ReLU, which a fresh network learns
        # slowly: with this linear path, 600 steps (batches of 32 patches) gained +4.4 and
        # +10.6 dB at sigma 0.1 and 0.3 on training patches; 150 steps, +2.7 and +3.5 dB
        # against +0.1 and +1.2 without it.
        self.to_noise = nn.Conv2d(widths[0] + folded, folded, 3, padding=1)

    def _padded(self, x):
        h, w = x.shape[-2:]
        pad_h, pad_w = (-h) % self.multiple, (-w) % self.multiple
        if pad_h or pad_w:  # to a whole number of levels; reconstruct() and loss() crop it away
            mode = "reflect" if min(h, w) > max(pad_h, pad_w) else "replicate"
            x = F.pad(x, (0, pad_w, 0, pad_h), mode=mode)
        return x

    def encode(self, x):
        """The code is the noise the network finds in x, with x: (N, 2C, H', W'), padded to
        a whole number of levels. decode() subtracts the one from the other."""
        x = self._padded(x)
        return torch.cat([x, self.noise(x)], 1)

    def noise(self, x, sigma=None):
        """The predicted noise of x (its size a multiple of self.multiple); sigma ((N,)): its
        noise level, for a network told it (None: read from x)."""
        h = folded = F.pixel_unshuffle(x, FOLD)
        if self.told:
            sigma = noise_level(x) if sigma is None else sigma
            h = torch.cat([folded, sigma.to(x.device, x.dtype).view(-1, 1, 1, 1).expand(-1, 1, *folded.shape[-2:])], 1)
        skips = []
        for level, convs in enumerate(self.down):
            h = convs(h if level == 0 else self.pool[level - 1](h))
            skips.append(h)
        h = self.up[-1](h)
        for level in reversed(range(len(self.up) - 1)):
            h = self.up[level](self.unpool[level](h) + skips[level])
        return F.pixel_shuffle(self.to_noise(torch.cat([h, folded], 1)), FOLD)

    def decode_logits(self, z):
        """The denoised image, unclamped (no squashing: the output is the input less the noise)."""
        x, noise = z.chunk(2, dim=1)
        return x - noise

    def decode(self, z):
        return self.decode_logits(z)

    def image_settings(self, x):
        """The whole photo's noise level, for each of its tiles (apply.run_on_image)."""
        return {"sigma": noise_level(x)}

    @torch.no_grad()
    def reconstruct(self, x, sigma=None):
        """x less the share of its predicted noise that the noise level sigma ((N,), one per
        image) calls for (SHRINK, or SHRINK_TOLD for a network told the level, which is given
        sigma). Without sigma, all of it: the network alone, as its test figures were measured
        (small patches, whose own noise level reads less surely than a photo's; a network told
        the level reads it from each patch); a whole photo goes through apply.run_on_image,
        which reads its level, and with sigma the noise is also read on the mirror image (MIRROR)."""
        def noise_of(image):  # padded to whole levels, cropped back
            return self.noise(self._padded(image), sigma)[..., : x.shape[-2], : x.shape[-1]]

        noise = noise_of(x)
        if sigma is None:
            return (x - noise).clamp(0, 1)
        if MIRROR:
            noise = (noise + noise_of(x.flip(-1)).flip(-1)) / 2
        sigma = sigma.to(x.device, torch.float32)
        shrink = SHRINK_TOLD if self.told else SHRINK
        share = (sigma ** 2 / (sigma ** 2 + shrink ** 2)).view(-1, 1, 1, 1)
        return (x - share.to(noise.dtype) * noise).clamp(0, 1)

    def loss(self, x, target):
        # Told the level: each image's own noise (the clean image is at hand), not a reading of it.
        sigma = (x - target).flatten(1).float().std(1) if self.told else None
        x = self._padded(x)
        out = (x - self.noise(x, sigma))[..., : target.shape[-2], : target.shape[-1]].float()
        if self.cfg.log_error:
            # Minus each image's PSNR, averaged: every noise level counts by the dB it gains. The
            # plain sum lets the heavily noisy images decide (their error is ~100x a sigma-0.05 one's).
            err = (out - target).abs() if self.cfg.loss == "l1" else (out - target) ** 2
            recon = 10 * torch.log10(err.mean((1, 2, 3)) + LOG_FLOOR).mean()
        else:
            err = F.l1_loss if self.cfg.loss == "l1" else F.mse_loss
            recon = err(out, target, reduction="sum") / target.shape[0]
        return {"recon": recon, "loss": recon}
