"""What training does to a dataset's images before the model sees them: the corruptions
that turn any autoencoder into a denoiser, and the gray input of a colorizer."""
from __future__ import annotations

from .. import lazy

torch = lazy.module("torch")  # imported on first use (lazy.py)



def corrupt(x: torch.Tensor, kind: str, level: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Corrupt images in [0, 1]: gaussian (sigma=level), gaussian-range (each image's sigma
    drawn evenly from 0 to level: what a blind denoiser trains on, so that it never makes a
    lightly noisy image worse), salt-pepper or mask (share of pixels=level)."""
    if kind == "none" or level <= 0:
        return x
    if kind in ("gaussian", "gaussian-range"):
        sigma = level
        if kind == "gaussian-range":
            sigma = level * torch.rand((x.shape[0], 1, 1, 1), generator=generator).to(x.device, x.dtype)
        noise = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
        return (x + sigma * noise).clamp(0, 1)
    # Per-pixel (not per-channel) choice, so a hit pixel is black or white in color images too.
    pixel_shape = (x.shape[0], 1, *x.shape[2:])
    hit = torch.rand(pixel_shape, generator=generator, device=x.device) < level
    if kind == "salt-pepper":
        salt = (torch.rand(pixel_shape, generator=generator, device=x.device) < 0.5).to(x.dtype)
        return torch.where(hit, salt.expand_as(x), x)
    if kind == "mask":  # masking noise (Vincent et al., 2008): dropped pixels go to zero
        return x.masked_fill(hit, 0.0)
    raise ValueError(f"Unknown noise '{kind}'. Choose one of: none, gaussian, gaussian-range, salt-pepper, mask.")


def to_gray(x: torch.Tensor) -> torch.Tensor:
    """ITU-R 601 luma; one-channel input is returned as it is."""
    if x.shape[1] == 1:
        return x
    weights = torch.tensor([0.299, 0.587, 0.114], dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x * weights).sum(1, keepdim=True)
