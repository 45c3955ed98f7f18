"""The residual denoiser: it predicts the noise and subtracts it, at any image size, and learns
blind over a range of noise levels. (The registry-wide model tests cover it too.)"""
from __future__ import annotations

import contextlib

import pytest
import torch

import aeviz
from aeviz.apply import run_on_image


def model(**overrides):
    torch.manual_seed(0)
    return aeviz.build(aeviz.defaults_for("residual", hidden=(8, 16), **overrides), (3, 32, 32))


def test_the_output_is_the_input_less_the_predicted_noise_at_any_size():
    net = model().eval()
    x = torch.rand(2, 3, 37, 53)  # neither side a multiple of the levels: padded, then cropped
    with torch.no_grad():
        noise = net.noise(net._padded(x))[..., :37, :53]
        out = net.reconstruct(x)
    assert out.shape == x.shape
    assert torch.allclose(out, (x - noise).clamp(0, 1), atol=1e-6)
    torch.nn.init.zeros_(net.to_noise.weight)
    torch.nn.init.zeros_(net.to_noise.bias)
    assert torch.equal(net.reconstruct(x), x), "no predicted noise: the input comes back as it is"


def test_the_loss_is_the_error_of_the_input_less_the_predicted_noise():
    # Residual learning: with nothing predicted, the loss is the noise's own energy per image.
    net = model()
    torch.nn.init.zeros_(net.to_noise.weight)
    torch.nn.init.zeros_(net.to_noise.bias)
    clean = torch.rand(4, 3, 32, 32)
    noisy = clean + 0.1 * torch.randn_like(clean)
    assert float(net.loss(noisy, clean)["loss"].detach()) == pytest.approx(float((noisy - clean).pow(2).sum() / 4), rel=1e-5)


def test_blind_training_steps_learn_to_remove_noise_of_every_level():
    # One model, noise levels drawn per image from 0 to 0.5 (gaussian-range): after 100 steps on
    # smooth images it removes much of the noise at a high level, and neither light noise nor a
    # clean image is made much worse.
    net = model()
    y, x = torch.meshgrid(torch.linspace(0, 1, 32), torch.linspace(0, 1, 32), indexing="ij")
    images = torch.stack([torch.stack([a * x + (1 - a) * y, 0.2 + 0.6 * y, 1 - x]) for a in torch.linspace(0, 1, 16)])
    gen = torch.Generator().manual_seed(0)
    opts = net.optimizers()
    for _ in range(100):
        net.train_step(aeviz.corrupt(images, "gaussian-range", 0.5, gen), images, opts, contextlib.nullcontext)
    net.eval()
    errors = {}
    for sigma in (0.05, 0.3):
        noisy = aeviz.corrupt(images, "gaussian", sigma, gen)
        errors[sigma] = [float((t - images).pow(2).mean()) for t in (noisy, net.reconstruct(noisy))]
    assert errors[0.3][1] < 0.7 * errors[0.3][0], errors
    assert errors[0.05][1] < 1.2 * errors[0.05][0], errors
    assert float((net.reconstruct(images) - images).pow(2).mean()) < 2e-3


def test_a_big_photo_goes_through_in_tiles_and_keeps_its_size():
    net = model().eval()
    photo = torch.rand(3, 300, 410)
    out = run_on_image(net, photo)
    assert out.shape == photo.shape and 0 <= float(out.min()) and float(out.max()) <= 1


def test_bce_is_refused_in_one_sentence():
    with pytest.raises(aeviz.ConfigError, match="not a probability: use loss mse or l1"):
        aeviz.defaults_for("residual", loss="bce")
