"""The residual denoiser: it predicts the noise and subtracts it, at any image size, and learns
blind over a range of noise levels. (The registry-wide model tests cover it too.)"""
from __future__ import annotations

import contextlib

import pytest
import torch

import aeviz
from aeviz.apply import run_on_image
from aeviz.models import residual
from aeviz.datasets.corruptions import noise_level


def model(**overrides):
    torch.manual_seed(0)
    return aeviz.build(aeviz.defaults_for("residual", hidden=(8, 16), **overrides), (3, 32, 32))


@pytest.mark.parametrize("told", [False, True])
def test_the_output_is_the_input_less_its_noise_levels_share_of_the_predicted_noise_at_any_size(told):
    net = model(noise_map=told).eval()
    x = torch.rand(2, 3, 37, 53)  # neither side a multiple of the levels: padded, then cropped
    shrink = residual.SHRINK_TOLD if told else residual.SHRINK
    levels = torch.tensor([shrink, 1e3])  # half of it taken away, and all
    with torch.no_grad():
        noise = net.noise(net._padded(x))[..., :37, :53]
        for_levels = net.noise(net._padded(x), levels)[..., :37, :53]  # a network told them sees them
        # given a level (a photo), the noise is also read on the mirror image (MIRROR)
        mirrored = net.noise(net._padded(x.flip(-1)), levels)[..., :37, :53].flip(-1)
        for_levels, alone = (for_levels + mirrored) / 2, for_levels
        given = net.reconstruct(x, levels)
        own = net.reconstruct(x)
    if not told:
        assert torch.equal(alone, noise)
    assert torch.allclose(given[0], (x[0] - 0.5 * for_levels[0]).clamp(0, 1), atol=1e-6)
    assert torch.allclose(given[1], (x[1] - for_levels[1]).clamp(0, 1), atol=1e-6)
    assert torch.allclose(own, (x - noise).clamp(0, 1), atol=1e-6)  # no level given: all of it
    torch.nn.init.zeros_(net.to_noise.weight)
    torch.nn.init.zeros_(net.to_noise.bias)
    assert torch.equal(net.reconstruct(x), x), "no predicted noise: the input comes back as it is"


@pytest.mark.parametrize("mirror", [True, False])
def test_a_photo_and_its_mirror_image_come_out_as_each_others_mirror_images(monkeypatch, mirror):
    net = model(noise_map=True).eval()
    monkeypatch.setattr(residual, "MIRROR", mirror)
    x, sigma = torch.rand(1, 3, 37, 53), torch.tensor([0.1])
    with torch.no_grad():
        same = torch.allclose(net.reconstruct(x.flip(-1), sigma), net.reconstruct(x, sigma).flip(-1), atol=1e-5)
    assert same == mirror  # a network on the photo alone has no reason to be


def test_a_network_told_the_noise_level_reads_it_beside_the_image_and_learns_from_the_noises_own():
    net = model(noise_map=True).eval()
    assert net.down[0][0].in_channels == model(noise_map=False).down[0][0].in_channels + 1
    x = torch.rand(1, 3, 32, 32)
    with torch.no_grad():
        low, high = (net.noise(x, torch.tensor([s])) for s in (0.01, 0.4))
        read = net.noise(x)  # no level: the one read from the image
        as_read = net.noise(x, noise_level(x))
    assert not torch.allclose(low, high) and torch.equal(read, as_read)
    seen = []
    predict = net.noise
    net.noise = lambda x, sigma=None: seen.append(sigma) or predict(x, sigma)
    clean = torch.rand(3, 3, 32, 32) * 0.5 + 0.25
    noisy = clean + torch.tensor([0.05, 0.1, 0.2]).view(-1, 1, 1, 1) * torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    net.loss(noisy, clean)
    torch.testing.assert_close(seen[0], (noisy - clean).flatten(1).std(1))  # the noise's own, not a reading


def test_untold_is_the_default_of_the_config_so_earlier_checkpoints_keep_their_ids():
    from aeviz.config import TrainConfig

    assert TrainConfig().noise_map is False and "noise_map" not in TrainConfig(model="residual").to_dict()
    assert aeviz.defaults_for("residual").noise_map is True  # the registry's recipe is told


def smooth_images(n: int = 3, h: int = 64, w: int = 96) -> torch.Tensor:
    """Gradients in 0.3..0.7, so noise added to them is never clipped."""
    y, x = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
    return torch.stack([torch.stack([0.3 + 0.4 * (a * x + (1 - a) * y), 0.3 + 0.4 * y, 0.7 - 0.4 * x])
                        for a in torch.linspace(0, 1, n)])


@pytest.mark.parametrize("sigma", [0.0, 0.02, 0.05, 0.1, 0.2])
def test_the_noise_level_of_an_image_is_the_sigma_of_its_gaussian_noise(sigma):
    clean = smooth_images()
    noisy = clean + sigma * torch.randn(clean.shape, generator=torch.Generator().manual_seed(0))
    found = noise_level(noisy)
    assert found.shape == (3,)
    assert torch.all((found - sigma).abs() <= 0.05 * sigma + 1e-3), (sigma, found)


def test_a_clean_photo_comes_back_nearly_as_it_is_and_a_tiny_one_is_taken_as_clean():
    clean = smooth_images(1)
    net = model().eval()
    with torch.no_grad():
        noise = net.noise(net._padded(clean))[..., :64, :96]
    out = run_on_image(net, clean[0])
    assert float(noise.abs().max()) > 1e-2  # the network alone would change it
    assert float((out - clean[0]).abs().max()) < 1e-4
    assert torch.equal(noise_level(torch.rand(2, 3, 2, 5)), torch.zeros(2))


def test_every_tile_of_a_big_photo_takes_the_whole_photos_noise_level(monkeypatch):
    net = model().eval()
    photo = smooth_images(1, 300, 410)[0]
    photo[:, :, 205:] += 0.1 * torch.randn(3, 300, 205, generator=torch.Generator().manual_seed(1))  # one half noisy
    seen = []
    tile = net.reconstruct
    monkeypatch.setattr(net, "reconstruct", lambda x, sigma=None: seen.append(sigma) or tile(x, sigma))
    run_on_image(net, photo.clamp(0, 1))
    whole = noise_level(photo.clamp(0, 1)[None])
    assert len(seen) > 1 and all(s is not None and torch.equal(s, whole) for s in seen)


def test_the_loss_is_the_error_of_the_input_less_the_predicted_noise():
    # Residual learning: with nothing predicted, the summed loss is the noise's own energy per image.
    net = model(log_error=False)
    torch.nn.init.zeros_(net.to_noise.weight)
    torch.nn.init.zeros_(net.to_noise.bias)
    clean = torch.rand(4, 3, 32, 32)
    noisy = clean + 0.1 * torch.randn_like(clean)
    assert float(net.loss(noisy, clean)["loss"].detach()) == pytest.approx(float((noisy - clean).pow(2).sum() / 4), rel=1e-5)


def blindly_trained(log_error: bool, steps: int = 200, told: bool = False):
    """A model after `steps` steps on smooth images, noise levels drawn per image from 0 to 0.5
    (gaussian-range), and its error {sigma: (noisy input's, output's)} at two levels; told: a
    network told the noise level (read from each image when it denoises)."""
    net = model(log_error=log_error, noise_map=told)
    y, x = torch.meshgrid(torch.linspace(0, 1, 32), torch.linspace(0, 1, 32), indexing="ij")
    images = torch.stack([torch.stack([a * x + (1 - a) * y, 0.2 + 0.6 * y, 1 - x]) for a in torch.linspace(0, 1, 16)])
    gen = torch.Generator().manual_seed(0)
    opts = net.optimizers()
    for _ in range(steps):
        net.train_step(aeviz.corrupt(images, "gaussian-range", 0.5, gen), images, opts, contextlib.nullcontext)
    net.eval()
    errors = {}
    for sigma in (0.05, 0.3):
        noisy = aeviz.corrupt(images, "gaussian", sigma, gen)
        errors[sigma] = [float((t - images).pow(2).mean()) for t in (noisy, net.reconstruct(noisy))]
    errors[0] = [0.0, float((net.reconstruct(images) - images).pow(2).mean())]
    return errors


@pytest.mark.parametrize("log_error, told", [(False, False), (True, False), (True, True)])
def test_blind_training_steps_learn_to_remove_noise_of_every_level(log_error, told):
    # One model for every level: after 200 steps on smooth images it removes much of the noise
    # at a high level, and neither light noise nor a clean image is made much worse. (The log
    # error learns the high levels later: after 100 steps it had removed 25% of sigma 0.3's.)
    errors = blindly_trained(log_error, told=told)
    assert errors[0.3][1] < 0.7 * errors[0.3][0], errors
    assert errors[0.05][1] < 1.2 * errors[0.05][0], errors
    assert errors[0][1] < 2e-3, errors


def test_the_log_error_counts_each_image_by_its_psnr():
    # With nothing predicted, the loss is minus the noisy inputs' mean PSNR (each image's mean
    # squared error through 10 log10, LOG_FLOOR under it): a sigma-0.05 image's 26 dB and a
    # sigma-0.3 image's 10 dB count alike, where the summed error is 36 times the one in the other.
    net = model(log_error=True)
    torch.nn.init.zeros_(net.to_noise.weight)
    torch.nn.init.zeros_(net.to_noise.bias)
    clean = torch.rand(2, 3, 32, 32) * 0.4 + 0.3
    noisy = clean + torch.tensor([0.05, 0.3]).view(2, 1, 1, 1) * torch.randn_like(clean)
    per_image = (noisy - clean).pow(2).mean((1, 2, 3))
    expected = float((10 * torch.log10(per_image + residual.LOG_FLOOR)).mean())
    assert float(net.loss(noisy, clean)["loss"].detach()) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("log_error", [False, True])
def test_the_log_error_lets_a_lightly_noisy_image_weigh_as_much_as_a_heavily_noisy_one(log_error):
    # The summed error's gradient grows with an image's error, so the heavily noisy images decide
    # and the model smooths lightly noisy ones (the photos at sigma 0.05 lost 1.4 dB,
    # BENCHMARKS.md). Through the log, each image's gradient is divided by its error (+ LOG_FLOOR).
    net = model(log_error=log_error)
    torch.nn.init.zeros_(net.to_noise.weight)
    torch.nn.init.zeros_(net.to_noise.bias)
    clean = torch.rand(1, 3, 32, 32) * 0.4 + 0.3
    noise = torch.randn_like(clean)

    def gradient_norm(sigma):
        net.zero_grad()
        net.loss(clean + sigma * noise, clean)["loss"].backward()
        return float(torch.sqrt(sum(p.grad.pow(2).sum() for p in net.parameters() if p.grad is not None)))

    light, heavy = gradient_norm(0.05), gradient_norm(0.3)
    if log_error:
        assert light > 2 * heavy, (light, heavy)
    else:
        assert heavy > 4 * light, (light, heavy)


def test_a_big_photo_goes_through_in_tiles_and_keeps_its_size():
    net = model().eval()
    photo = torch.rand(3, 300, 410)
    out = run_on_image(net, photo)
    assert out.shape == photo.shape and 0 <= float(out.min()) and float(out.max()) <= 1


def test_bce_is_refused_in_one_sentence():
    with pytest.raises(aeviz.ConfigError, match="not a probability: use loss mse or l1"):
        aeviz.defaults_for("residual", loss="bce")
