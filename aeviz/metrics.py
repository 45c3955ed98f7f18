"""Reconstruction quality: MSE, PSNR, SSIM per image, the PCA baseline at the same code
size, and one evaluate() that reports what applies to a model."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .data import corrupt


def mse_per_image(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a.float() - b.float()).pow(2).flatten(1).mean(1)


def psnr(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-image PSNR in dB for images in [0, 1]."""
    return 10 * torch.log10(1.0 / mse_per_image(a, b).clamp_min(1e-10))


def ssim(a: torch.Tensor, b: torch.Tensor, win: int = 7) -> torch.Tensor:
    """Per-image SSIM (Wang et al., 2004) as scikit-image computes it by default: a uniform
    7x7 window, sample covariance, K1=0.01, K2=0.03, the mean over the valid region and
    the channels. Smaller images use the largest odd window that fits."""
    a, b = a.float(), b.float()
    win = min(win, a.shape[-1], a.shape[-2])
    win -= 1 - win % 2
    n, c = a.shape[:2]
    kernel = torch.full((c, 1, win, win), 1.0 / win**2, dtype=a.dtype, device=a.device)

    def blur(t):
        return F.conv2d(t, kernel, groups=c)

    cov_norm = win**2 / (win**2 - 1) if win > 1 else 1.0
    mu_a, mu_b = blur(a), blur(b)
    var_a = cov_norm * (blur(a * a) - mu_a**2)
    var_b = cov_norm * (blur(b * b) - mu_b**2)
    cov = cov_norm * (blur(a * b) - mu_a * mu_b)
    c1, c2 = 0.01**2, 0.03**2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return s.flatten(1).mean(1)


def pca_reconstruct(train_x: torch.Tensor, x: torch.Tensor, k: int) -> torch.Tensor:
    """x reconstructed by PCA with k components fitted on train_x: the linear baseline
    beside an autoencoder with a k-dimensional code. Exact PCA from the eigenvectors of the
    smaller of the data's two Gram matrices (D x D pixels, or N x N images): quicker than an
    SVD of the N x D data on the dashboard's first page, and large color images never need
    a D x D matrix (49,152 pixels would take 19 GB)."""
    a = train_x.flatten(1).double()
    mean = a.mean(0)
    k = max(1, min(k, a.shape[0], a.shape[1]))
    centered = a - mean
    if a.shape[1] <= a.shape[0]:
        _, vectors = torch.linalg.eigh(centered.T @ centered)  # eigenvalues ascending
        v = vectors[:, -k:]
    else:  # the image side: each axis is centered.T @ u, normalised; a zero-variance one is dropped
        values, u = torch.linalg.eigh(centered @ centered.T)
        v = centered.T @ u[:, -k:]
        v = v / v.norm(dim=0).clamp_min(1e-12) * (values[-k:] > 1e-9 * values[-1])
    b = x.flatten(1).double() - mean
    return ((b @ v) @ v.T + mean).clamp(0, 1).float().view_as(x)


def pca_mse(train_x: torch.Tensor, test_x: torch.Tensor, k: int) -> float:
    """Test MSE of PCA with k components fitted on the training images: the linear baseline
    an autoencoder with a k-dimensional code has to beat."""
    return float(((pca_reconstruct(train_x, test_x, k) - test_x) ** 2).mean())


@torch.no_grad()
def reconstruct_all(model, x: torch.Tensor, batch: int = 256) -> torch.Tensor:
    dev = next(model.parameters()).device
    out = [model.reconstruct(x[i:i + batch].to(dev)).cpu() for i in range(0, len(x), batch)]
    return torch.cat(out)


@torch.no_grad()
def evaluate(model, test_x: torch.Tensor, train_x: torch.Tensor | None = None, seed: int = 0) -> dict:
    """Test metrics for whatever the model does: reconstruct, denoise, or colorize."""
    cfg = model.cfg
    model.eval()
    dev = next(model.parameters()).device
    gen = torch.Generator().manual_seed(seed)
    inputs = model.prepare(corrupt(test_x, cfg.noise, cfg.noise_level, gen))
    out = reconstruct_all(model, inputs)
    m = {"mse": float(mse_per_image(out, test_x).mean()), "psnr": float(psnr(out, test_x).mean()),
         "ssim": float(ssim(out, test_x).mean())}
    if cfg.noise != "none" and cfg.noise_level > 0:
        m["psnr_input"] = float(psnr(inputs, test_x).mean())
        m["psnr_gain"] = m["psnr"] - m["psnr_input"]
    if model.input_kind == "gray":
        m["psnr_gray"] = float(psnr(inputs.expand_as(test_x), test_x).mean())
    if model.vector_code and train_x is not None:
        m["pca_mse"] = pca_mse(train_x, test_x, cfg.latent_dim)
        m["mse_vs_pca"] = m["mse"] / max(m["pca_mse"], 1e-12)
    if hasattr(model, "encode_dist"):
        m["neg_elbo"] = float(np.mean([_neg_elbo(model, test_x[i:i + 256].to(dev))
                                       for i in range(0, len(test_x), 256)]))
    return m


def _neg_elbo(model, x) -> float:
    """-ELBO per image with the mean code's decoder (recon + KL, in the loss's units)."""
    mu, logvar = model.encode_dist(x)
    recon = model.recon_loss(model.decode_logits(mu), x)
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1).mean()
    return float(recon + kl)

