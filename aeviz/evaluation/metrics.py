"""Reconstruction quality: MSE, PSNR, SSIM per image, the PCA baseline at the same code
size, and one evaluate() that reports what applies to a model.

PSNR is kornia's, imported on first use as in color.py (half a second that `import aeviz`
need not pay); SSIM is computed here, the same numbers as kornia's with less time and memory."""
from __future__ import annotations

import functools

import torch
import torch.nn.functional as F

from ..datasets import corrupt
from ..latent import encode_all
from .pca import pca_images

SSIM_WINDOW = 11  # Wang et al. (2004): an 11x11 Gaussian window, sigma 1.5
VIEWING_SIDE = 256  # the short side, in pixels, that photo_ssim looks at a photo with


def mse_per_image(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a.float() - b.float()).pow(2).flatten(1).mean(1)


def psnr(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-image PSNR in dB, shape (N,), for images in [0, 1] (kornia's, which pools one
    pair at a time). Identical images give 100 dB, not inf, so means and JSON stay finite."""
    from kornia.metrics import psnr as kornia_psnr

    return torch.vmap(functools.partial(kornia_psnr, max_val=1.0))(a.float(), b.float()).clamp(max=100.0)


def ssim(a: torch.Tensor, b: torch.Tensor, win: int = SSIM_WINDOW, band: int = 256) -> torch.Tensor:
    """Per-image SSIM (Wang et al., 2004), shape (N,), for images in [0, 1]: the paper's
    window, an 11x11 Gaussian of sigma 1.5, population covariance, K1=0.01, K2=0.03,
    averaged over the valid region (no padded border) and the channels. That is
    scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5,
    use_sample_covariance=False, data_range=1.0), and kornia's ssim with eps=0. Images
    smaller than the window (8x8 digits) use the largest odd window that fits: the same
    sigma-1.5 Gaussian, fewer taps.

    The Gaussian is applied as two 1-D passes (22 multiplications a pixel, not 121) over bands
    of `band` output rows: a 12-megapixel photo took 3.6 s through kornia's 2-D filter and
    five full-size float maps (700 MB); a band's maps take 60 MB."""
    win = min(win, a.shape[-1], a.shape[-2])
    win -= 1 - win % 2
    # SSIM is computed channel by channel, so the N images go in as the N*C channels of one
    # image: oneDNN's convolution is slow over many one-channel images, fast over one image
    # of many channels (10x for 1,000 gray digits).
    n, c, h, w = a.shape
    x, y = a.float().reshape(1, n * c, h, w), b.float().reshape(1, n * c, h, w)
    taps = torch.arange(win, dtype=torch.float32) - win // 2
    g = torch.exp(-taps ** 2 / (2 * 1.5 ** 2))
    g = g / g.sum()
    groups = 5 * n * c
    down, across = g.view(1, 1, win, 1).expand(groups, 1, win, 1), g.view(1, 1, 1, win).expand(groups, 1, 1, win)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    total = torch.zeros(n * c, dtype=torch.float64)
    rows = h - win + 1
    for r0 in range(0, rows, band):
        xs, ys = x[..., r0:min(r0 + band, rows) + win - 1, :], y[..., r0:min(r0 + band, rows) + win - 1, :]
        f = F.conv2d(F.conv2d(torch.cat([xs, ys, xs * xs, ys * ys, xs * ys], 1), down, groups=groups), across,
                     groups=groups)
        mx, my, xx, yy, xy = f.split(n * c, 1)
        mx2, my2, mxy = mx * mx, my * my, mx * my
        ssim_map = (2 * mxy + c1) * (2 * (xy - mxy) + c2) / ((mx2 + my2 + c1) * ((xx - mx2) + (yy - my2) + c2))
        total += ssim_map.sum((0, 2, 3), dtype=torch.float64)
    return (total.view(n, c).sum(1) / (c * rows * (w - win + 1))).float()


def viewing_scale(h: int, w: int) -> int:
    """The factor photo_ssim shrinks an h x w photo by: 1 up to a short side of 384 px."""
    return max(1, round(min(h, w) / VIEWING_SIDE))


def photo_ssim(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """SSIM of photos as the SSIM authors' reference code scores them (Wang's ssim.m): a photo
    whose short side is well over 256 px is first averaged over f x f blocks, f = round(short
    side / 256), so the index sees every photo at about the same viewing scale. Its windows
    are 11 px: on a 12-megapixel photo at full size they see grain, not structure. It costs a
    bit more than a tenth of a second on such a photo, where ssim() at full size took 4 s a
    call (BENCHMARKS.md, "The denoiser on a phone-sized photo"). Dataset images and small
    uploads (f = 1) get exactly ssim()."""
    f = viewing_scale(*a.shape[-2:])
    if f > 1:
        a, b = F.avg_pool2d(a.float(), f), F.avg_pool2d(b.float(), f)
    return ssim(a, b)


def pca_basis(train_x: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The mean and the k principal axes (D, k) of train_x, largest variance first, as
    float64: the linear baseline beside an autoencoder with a k-dimensional code. Exact PCA."""
    a = train_x.flatten(1).double()
    k = max(1, min(k, a.shape[0], a.shape[1]))
    if a.shape[1] <= a.shape[0]:  # fewer pixels than images: scikit-learn's, from the D x D covariance
        from sklearn.decomposition import PCA

        pca = PCA(k, svd_solver="covariance_eigh").fit(a.numpy())
        return torch.from_numpy(pca.mean_), torch.from_numpy(pca.components_.T)
    # More pixels than images (color photos): the eigenvectors of the N x N Gram matrix, each
    # axis centered.T @ u. scikit-learn's one exact solver here, an SVD of the N x D data, took
    # 3.5 s of CPU where this takes 0.17 s on 300 images of 12,288 pixels; its other one would
    # form a D x D matrix (49,152 pixels: 19 GB).
    mean = a.mean(0)
    centered = a - mean
    values, u = torch.linalg.eigh(centered @ centered.T)  # ascending
    v = centered.T @ u[:, -k:].flip(1)
    values = values[-k:].flip(0)
    return mean, v / v.norm(dim=0).clamp_min(1e-12) * (values > 1e-9 * values[0])  # no variance: no axis


def pca_project(x: torch.Tensor, mean: torch.Tensor, axes: torch.Tensor) -> torch.Tensor:
    """x reconstructed from its coefficients on the axes of pca_basis() (in float64, which
    pca_basis gives; a basis read back from disk in float32 is widened)."""
    return torch.from_numpy(pca_images(x.numpy(), mean.numpy(), axes.numpy()))


def pca_reconstruct(train_x: torch.Tensor, x: torch.Tensor, k: int) -> torch.Tensor:
    """x reconstructed by PCA with k components fitted on train_x."""
    return pca_project(x, *pca_basis(train_x, k))


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
    gen = torch.Generator().manual_seed(seed)
    inputs = model.prepare(corrupt(test_x, cfg.noise, cfg.noise_level, gen))
    out = reconstruct_all(model, inputs)
    m = {"mse": float(mse_per_image(out, test_x).mean()), "psnr": float(psnr(out, test_x).mean()),
         "ssim": float(ssim(out, test_x).mean())}
    if cfg.noise != "none" and cfg.noise_level > 0:
        m["psnr_input"] = float(psnr(inputs, test_x).mean())
        m["psnr_gain"] = m["psnr"] - m["psnr_input"]
    if model.abilities.colorizes:
        m["psnr_gray"] = float(psnr(inputs.expand_as(test_x), test_x).mean())
    if model.abilities.vector_code and train_x is not None:
        k = cfg.latent_dim
        if model.abilities.sparse_code:
            m["active_units"] = active_units(model, test_x)
            k = max(1, round(m["active_units"]))
        m["pca_mse"] = pca_mse(train_x, test_x, k)
        m["mse_vs_pca"] = m["mse"] / max(m["pca_mse"], 1e-12)
    elbo = mean_neg_elbo(model, test_x)
    if elbo is not None:
        m["neg_elbo"] = elbo
    return m


@torch.no_grad()
def active_units(model, x: torch.Tensor, batch: int = 256) -> float:
    """The code units an image uses, on average: above zero for a ReLU code, above one half
    (the sigmoid's midpoint) for a sigmoid code, which never reaches zero."""
    codes = torch.from_numpy(encode_all(model, x, batch))
    threshold = 0.5 if float(codes.min()) > 0 else 0.0
    return float((codes > threshold).sum(1).float().mean())


@torch.no_grad()
def mean_neg_elbo(model, x: torch.Tensor, batch: int = 256) -> float | None:
    """-ELBO per image over x, for a model that has one (None for the others)."""
    dev = next(model.parameters()).device
    parts = [(model.neg_elbo(b.to(dev)), len(b)) for b in x.split(batch)]
    if parts[0][0] is None:
        return None
    return sum(float(value) * n for value, n in parts) / len(x)
