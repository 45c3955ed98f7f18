"""Color conversion and quality metrics, checked against scikit-image's reference code."""
from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import torch
from skimage.color import lab2rgb, rgb2lab
from skimage.metrics import structural_similarity

from aeviz.color import gray_lightness, lab_to_rgb, rgb_to_lab
from aeviz.evaluation.metrics import pca_mse, psnr, ssim

# --- color --------------------------------------------------------------------------------------


def random_rgb(n=500, seed=0) -> np.ndarray:
    """(n, 1, 3) colors in [0, 1], with the corners of the cube among them."""
    rng = np.random.default_rng(seed)
    corners = np.array([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)], dtype=np.float64)
    return np.concatenate([corners, rng.random((n, 3))])[:, None, :]


def as_torch(hwc: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(hwc).permute(2, 0, 1)[None].float()


def as_numpy(nchw: torch.Tensor) -> np.ndarray:
    return nchw[0].permute(1, 2, 0).double().numpy()


def test_rgb_to_lab_matches_skimage():
    rgb = random_rgb()
    ours = as_numpy(rgb_to_lab(as_torch(rgb)))
    np.testing.assert_allclose(ours, rgb2lab(rgb), atol=0.01)  # L is 0..100, a and b about -110..110


def test_lab_to_rgb_matches_skimage_in_and_out_of_gamut():
    rng = np.random.default_rng(1)
    lab = np.stack([rng.uniform(0, 100, 500), rng.uniform(-110, 110, 500), rng.uniform(-110, 110, 500)], -1)[:, None]
    with warnings.catch_warnings():  # skimage warns about the negative Z values some of these have
        warnings.simplefilter("ignore")
        reference = lab2rgb(lab)
    np.testing.assert_allclose(as_numpy(lab_to_rgb(as_torch(lab))), reference, atol=1e-3)


def test_rgb_lab_round_trip():
    rgb = as_torch(random_rgb(seed=2))
    back = lab_to_rgb(rgb_to_lab(rgb))
    assert float((back - rgb).abs().max()) < 1e-3


def test_gray_lightness_is_the_l_of_the_gray_color():
    gray = torch.linspace(0, 1, 11).view(1, 1, 1, 11)
    expected = rgb2lab(np.repeat(gray[0, 0].double().numpy()[..., None], 3, -1))[..., 0]
    np.testing.assert_allclose(gray_lightness(gray)[0, 0].double().numpy(), expected, atol=0.01)


# --- ssim, psnr, pca ----------------------------------------------------------------------------


def image_pairs():
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:32, 0:32] / 31.0
    gradient = (xx + yy) / 2
    checker = ((np.arange(32)[:, None] // 4 + np.arange(32)[None] // 4) % 2).astype(np.float64)
    a = rng.random((32, 32))
    return {
        "random": (a, rng.random((32, 32))),
        "noisy copy": (a, np.clip(a + rng.normal(0, 0.1, a.shape), 0, 1)),
        "gradient vs blurred checker": (gradient, 0.5 * gradient + 0.25 * checker),
        "checker vs shifted": (checker, np.roll(checker, 1, axis=1)),
        "identical": (gradient, gradient),
        "constant vs gradient": (np.full((32, 32), 0.3), gradient),
        "digit-sized 8x8": (a[:8, :8], np.clip(a[:8, :8] * 0.8 + 0.1, 0, 1)),
    }


# aeviz's ssim is kornia's with the window of Wang et al. (2004): an 11x11 Gaussian of sigma
# 1.5, population covariance, the mean over the valid region. These are the settings that
# make scikit-image compute the same thing.
WANG_2004 = {"gaussian_weights": True, "sigma": 1.5, "use_sample_covariance": False, "data_range": 1.0}


def reference_ssim(a: np.ndarray, b: np.ndarray, monkeypatch, **kwargs) -> float:
    """scikit-image's SSIM with aeviz's window. Images smaller than 11x11 get aeviz's smaller
    window: the same sigma-1.5 Gaussian cut at the largest odd size that fits (7 taps for 8x8
    digits), which skimage only filters with when its Gaussian is truncated at 2 sigma, not 3.5."""
    side = min(a.shape[-2:])
    if side >= 11:
        return structural_similarity(a, b, **WANG_2004, **kwargs)
    win = side - 1 + side % 2
    filters = sys.modules["skimage.metrics._structural_similarity"]
    gaussian = filters.gaussian
    monkeypatch.setattr(filters, "gaussian", lambda im, **kw: gaussian(im, **{**kw, "truncate": (win // 2) / 1.5}))
    return structural_similarity(a, b, win_size=win, **WANG_2004, **kwargs)


@pytest.mark.parametrize("pair", list(image_pairs()))
def test_ssim_matches_skimage_on_gray_images(pair, monkeypatch):
    a, b = image_pairs()[pair]
    ours = float(ssim(torch.from_numpy(a)[None, None].float(), torch.from_numpy(b)[None, None].float())[0])
    assert ours == pytest.approx(reference_ssim(a, b, monkeypatch), abs=1e-4)


def test_ssim_matches_skimage_on_color_images_per_image(monkeypatch):
    rng = np.random.default_rng(3)
    a = rng.random((4, 3, 24, 40))
    b = np.clip(a + rng.normal(0, 0.2, a.shape) * np.arange(4)[:, None, None, None] / 3, 0, 1)
    ours = ssim(torch.from_numpy(a).float(), torch.from_numpy(b).float())
    reference = [reference_ssim(a[i], b[i], monkeypatch, channel_axis=0) for i in range(4)]
    assert ours.shape == (4,)
    np.testing.assert_allclose(ours.numpy(), reference, atol=1e-4)
    assert ours[0] == pytest.approx(1.0) and (ours[1:].diff() < 0).all()  # more noise, less similar


def test_ssim_works_on_images_smaller_than_any_window():
    x = torch.rand(2, 1, 3, 5)
    assert ssim(x, x).tolist() == pytest.approx([1.0, 1.0])
    assert (ssim(x, 1 - x) < 0.5).all()


def test_psnr_is_large_for_identical_images_and_right_for_known_error():
    x = torch.rand(2, 3, 16, 16)
    assert (psnr(x, x) >= 60).all()
    off = x + 0.1  # mse 0.01 -> 20 dB
    assert psnr(x, off).tolist() == pytest.approx([20.0, 20.0], abs=1e-3)


def test_pca_mse_decreases_with_more_components():
    from aeviz import load_dataset

    train, test = load_dataset("digits", "train"), load_dataset("digits", "test")
    errors = [pca_mse(train.x, test.x, k) for k in (1, 4, 16, 64)]
    assert errors == sorted(errors, reverse=True) and len(set(errors)) == len(errors), errors
    assert errors[-1] < 1e-6  # 64 components of 64 pixels: nothing is lost


def test_photo_ssim_is_ssim_up_to_a_few_hundred_pixels_and_at_the_viewing_scale_above():
    import torch.nn.functional as F

    from aeviz.evaluation import metrics

    gen = torch.Generator().manual_seed(0)
    small = torch.rand(2, 3, 300, 200, generator=gen)
    noisy = (small + 0.1 * torch.randn(small.shape, generator=gen)).clamp(0, 1)
    assert torch.equal(metrics.photo_ssim(small, noisy), metrics.ssim(small, noisy))
    big = torch.rand(1, 3, 1200, 1600, generator=gen)
    worse = (big + 0.2 * torch.randn(big.shape, generator=gen)).clamp(0, 1)
    f = metrics.viewing_scale(1200, 1600)
    assert f == 5  # round(1200 / 256), as Wang's ssim.m
    want = metrics.ssim(F.avg_pool2d(big, f), F.avg_pool2d(worse, f))
    assert torch.allclose(metrics.photo_ssim(big, worse), want)
    assert float(metrics.photo_ssim(big, big)) == pytest.approx(1.0)
