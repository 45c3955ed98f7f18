"""Colorizer: gray in, color out. The network predicts only Lab's a and b channels from
the lightness; the output keeps the input's own lightness, so the detail is never blurred
by the code (the usual choice since Zhang et al., 2016, "Colorful Image Colorization").

Color needs the whole scene: in gray, a patch of sky and a patch of sunlit wall look alike.
So the colorizer looks at a photo of any size as it was trained, shrunk until its short side
is the training size, and paints the result back at full size: a and b are smooth, so they
are upsampled, and the full-size lightness keeps every detail."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..color import gray_lightness, lab_to_rgb, rgb_to_lab
from ..datasets import to_gray
from .conv import FullyConvAE

AB_SCALE = 110.0  # a and b stay within about +-110 for sRGB colors
# How much of its guess the colorizer paints by default (the Colorize page's "color strength").
# Trained on squared error, its guess is the mean color of what it saw, right for photos like
# its training ones; on other photos the full guess loses more where it is wrong than it gains
# where it is right. Chosen on validation photos of unseen subjects (the best median gain over
# the gray image among 0.2 to 1), never on the test ones
# (benchmarks/colorizer_validation.py, in BENCHMARKS.md); 1 paints the whole guess.
SATURATION = 0.4
# The sizes a photo is seen at, as multiples of the training size; the guesses are averaged at
# the training size. More sizes (1 and 1.5; 1, 1.5 and 2; 0.75, 1 and 1.5) were within 0.1 dB
# of one on the validation photos, for 3.3 to 7.3 times the pixels read (BENCHMARKS.md).
SCALES = (1.0,)
# log_error: the floor under an image's mean error (in (a, b) / 110 units, where a colorful
# photo's is about 1e-2), and a weight that puts the loss in the range of the plain sum's.
LOG_FLOOR, LOG_WEIGHT = 1e-4, 100.0
BAND = 512        # rows composed at a time at full size: bounds the memory a 12 MP photo takes


class Colorizer(FullyConvAE):
    def __init__(self, cfg, image_shape):
        super().__init__(cfg, image_shape, in_channels=1, out_channels=2)

    def prepare(self, x):
        return to_gray(x)

    def decode(self, z):
        """Predicted (a, b) / 110 in [-1, 1]; reconstruct() adds the lightness back."""
        return torch.tanh(self.decode_logits(z))

    @torch.no_grad()
    def predict_ab(self, gray, scales=None):
        """(N, 2, h, w) a and b, at the size the model sees the photo (short side at most the
        training size); scales: the sizes it is also seen at (default SCALES)."""
        h, w = gray.shape[-2:]
        base = min(1.0, self.image_shape[-1] / min(h, w))
        size = (max(1, round(h * base)), max(1, round(w * base)))
        scales = SCALES if scales is None else scales
        ab = 0
        for s in scales:
            seen = (max(1, round(h * base * s)), max(1, round(w * base * s)))
            ab = ab + _resized(self._mirrored(_resized(gray, seen)), size)
        return ab / len(scales)

    def _mirrored(self, gray):
        # The photo and its mirror image, averaged: colors do not depend on left and right, and
        # where the two guesses disagree the average is paler, the safer guess against gray.
        both = torch.cat([gray, gray.flip(-1)])
        ab = self.decode(self.encode(both))[..., : gray.shape[-2], : gray.shape[-1]].float() * AB_SCALE
        return (ab[: len(gray)] + ab[len(gray):].flip(-1)) / 2

    @torch.no_grad()
    def reconstruct(self, gray, saturation: float | None = None):
        """The color image: the input's lightness, and saturation (default SATURATION) times
        the predicted a and b."""
        saturation = SATURATION if saturation is None else saturation
        gray = to_gray(gray)
        h, w = gray.shape[-2:]
        # a and b at full size (2 channels), then the Lab to RGB conversion by bands of rows:
        # its intermediates, not the a and b, are what a 12 MP photo would fill memory with.
        ab = F.interpolate(self.predict_ab(gray) * saturation, size=(h, w), mode="bilinear", align_corners=False)
        out = torch.empty(gray.shape[0], 3, h, w, device=gray.device)
        for top in range(0, h, BAND):
            rows = slice(top, top + BAND)
            out[..., rows, :] = lab_to_rgb(torch.cat([gray_lightness(gray[..., rows, :]), ab[..., rows, :]], 1))
        return out

    def loss(self, gray, target):
        ab = torch.tanh(self.decode_logits(self.encode(gray)).float())[..., : target.shape[-2], : target.shape[-1]]
        ab_target = rgb_to_lab(target)[:, 1:] / AB_SCALE
        n = target.shape[0]
        if self.cfg.log_error:
            # The mean over images of log(their mean error): a photo's PSNR, up to scale and sign.
            # LOG_FLOOR keeps a perfectly gray photo's gradient finite.
            err = (ab - ab_target).abs() if self.cfg.loss == "l1" else (ab - ab_target) ** 2
            recon = LOG_WEIGHT * torch.log(err.sum(1).mean((-2, -1)) + LOG_FLOOR).mean()
        else:
            err = F.l1_loss if self.cfg.loss == "l1" else F.mse_loss  # bce has no meaning for signed ab
            recon = err(ab, ab_target, reduction="sum") / n
        return {"recon": recon, "loss": recon}


def _resized(x, size):
    """x at size (h, w): averaged over each new pixel's area when it shrinks, bilinear when it grows."""
    if tuple(x.shape[-2:]) == size:
        return x
    if size[0] * size[1] < x.shape[-2] * x.shape[-1]:
        return F.interpolate(x, size=size, mode="area")
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False)
