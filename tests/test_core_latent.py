"""The latent-space tools (interpolate, traverse, sample, neighbours, projections and their
cache and inverse) and running a model on an image of any size."""
from __future__ import annotations

import types

import numpy as np
import pytest
import torch

import aeviz
from aeviz import artifacts, latent
from aeviz.apply import run_on_image
from aeviz.color import gray_lightness, rgb_to_lab


@pytest.fixture(scope="module")
def conv_model(tmp_path_factory):
    """A conv autoencoder with an 8-d code, one epoch on digits."""
    cfg = aeviz.defaults_for("conv", dataset="digits", latent_dim=8, epochs=1, batch_size=64)
    return aeviz.load_checkpoint(aeviz.train(cfg, ckpt_dir=tmp_path_factory.mktemp("conv")))


@pytest.fixture(scope="module")
def digits_test():
    return aeviz.load_dataset("digits", "test")


# --- moving through the space ------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["linear", "slerp"])
def test_interpolation_starts_and_ends_at_the_endpoints(mode):
    rng = np.random.default_rng(0)
    z0, z1 = rng.standard_normal(8), rng.standard_normal(8)
    path = latent.interpolate(z0, z1, 7, mode)
    assert path.shape == (7, 8) and path.dtype == np.float32
    np.testing.assert_allclose(path[0], z0, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(path[-1], z1, rtol=1e-6, atol=1e-6)
    assert not np.allclose(path[3], z0) and not np.allclose(path[3], z1)


def test_linear_interpolation_is_evenly_spaced():
    path = latent.interpolate(np.zeros(3), np.array([4.0, 8.0, -4.0]), 5, "linear")
    np.testing.assert_allclose(path[2], [2.0, 4.0, -2.0])
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    np.testing.assert_allclose(steps, steps[0], rtol=1e-6)


def test_slerp_keeps_the_norm_of_equal_norm_endpoints():
    rng = np.random.default_rng(1)
    z0, z1 = rng.standard_normal(16), rng.standard_normal(16)
    z1 *= np.linalg.norm(z0) / np.linalg.norm(z1)
    norms = np.linalg.norm(latent.interpolate(z0, z1, 11, "slerp"), axis=1)
    np.testing.assert_allclose(norms, np.linalg.norm(z0), rtol=1e-5)
    linear_norms = np.linalg.norm(latent.interpolate(z0, z1, 11, "linear"), axis=1)
    assert linear_norms[5] < 0.95 * norms[5]  # the straight line cuts inside the sphere


def test_slerp_of_parallel_or_zero_codes_falls_back_to_a_line():
    z = np.array([1.0, 2.0, 3.0])
    for z0, z1 in [(z, 2 * z), (np.zeros(3), z)]:
        np.testing.assert_allclose(latent.interpolate(z0, z1, 5, "slerp"), latent.interpolate(z0, z1, 5, "linear"),
                                   atol=1e-6)
    with pytest.raises(ValueError, match="slerp"):
        latent.interpolate(z, z, 3, "cubic")


def test_traversal_varies_one_dimension_at_a_time():
    z = np.arange(6, dtype=np.float32)
    values = np.linspace(-2, 2, 5)
    codes = latent.traversal(z, [1, 4], values)
    assert codes.shape == (10, 6)
    np.testing.assert_allclose(codes[:5, 1], values)
    np.testing.assert_allclose(codes[5:, 4], values)
    others = np.ones_like(codes, dtype=bool)
    others[:5, 1] = others[5:, 4] = False
    np.testing.assert_array_equal(codes[others], np.broadcast_to(z, codes.shape)[others])


def test_nearest_returns_the_query_itself_first_unless_excluded():
    codes = np.random.default_rng(0).standard_normal((200, 8)).astype(np.float32)
    found = latent.nearest(codes, codes[17], k=5)
    assert found[0] == 17 and len(found) == 5
    order = np.argsort(np.linalg.norm(codes - codes[17], axis=1))
    np.testing.assert_array_equal(found, order[:5])
    excluded = latent.nearest(codes, codes[17], k=5, exclude=17)
    np.testing.assert_array_equal(excluded, order[1:6])
    assert len(latent.nearest(codes[:3], codes[0], k=10)) == 3


def test_sample_codes_without_a_prior_needs_and_follows_the_training_codes(conv_model):
    train = aeviz.load_dataset("digits", "train")
    train_codes = latent.encode_all(conv_model, train.x)
    assert train_codes.shape == (len(train), 8)
    with pytest.raises(ValueError, match="training codes"):
        latent.sample_codes(conv_model, 10)
    codes, source = latent.sample_codes(conv_model, 4000, train_codes=train_codes, seed=1)
    assert codes.shape == (4000, 8) and "training codes" in source
    spread = train_codes.std(0)
    assert np.all(np.abs(codes.mean(0) - train_codes.mean(0)) < 0.1 * spread)
    np.testing.assert_allclose(codes.std(0), spread, rtol=0.1)
    images = latent.decode(conv_model, codes[:5])
    assert images.shape == (5, 1, 8, 8) and 0 <= float(images.min()) and float(images.max()) <= 1


def test_sample_codes_of_a_model_with_a_prior_are_standard_normal():
    cfg = aeviz.defaults_for("vae", latent_dim=4)
    model = types.SimpleNamespace(config=cfg, abilities=aeviz.models.abilities(cfg))
    codes, source = latent.sample_codes(model, 5000, temperature=0.5, seed=0)
    assert codes.shape == (5000, 4) and "prior" in source
    assert np.all(np.abs(codes.mean(0)) < 0.05)
    np.testing.assert_allclose(codes.std(0), 0.5, rtol=0.05)


# --- projections ---------------------------------------------------------------------------------


def test_cached_projection_is_computed_once_and_read_back(conv_model, digits_test, aeviz_dirs, monkeypatch):
    misses = []
    first = latent.cached_projection(conv_model, "test", "pca", on_miss=lambda: misses.append(1))
    assert misses == [1]
    assert first.coords.shape == (len(digits_test), 2) and first.codes.shape == (len(digits_test), 8)
    np.testing.assert_array_equal(first.labels, digits_test.y.numpy())
    files = list(aeviz_dirs.cache.glob("*.npz"))
    assert [f.name for f in files] == [artifacts.file_name(conv_model, latent.projection_kind("pca", 2), "test")]

    def no_recompute(*args, **kwargs):
        raise AssertionError("projected again instead of reading the cache")

    monkeypatch.setattr(latent, "project", no_recompute)
    again = latent.cached_projection(conv_model, "test", "pca", on_miss=lambda: misses.append(2))
    assert misses == [1]
    np.testing.assert_array_equal(again.coords, first.coords)
    np.testing.assert_array_equal(again.codes, first.codes)
    np.testing.assert_array_equal(again.inverse(first.coords[:5]), first.inverse(first.coords[:5]))


def test_inverse_maps_the_data_coordinates_back_near_their_codes(conv_model):
    from sklearn.decomposition import PCA

    proj = latent.cached_projection(conv_model, "test", "pca")
    codes = proj.codes
    spread = np.linalg.norm(codes - codes.mean(0), axis=1).mean()
    error = np.linalg.norm(proj.inverse(proj.coords) - codes, axis=1).mean()
    # The best linear map back from the same 2 coordinates: the learned inverse does as well.
    pca = PCA(2).fit(codes)
    linear_error = np.linalg.norm(pca.inverse_transform(pca.transform(codes)) - codes, axis=1).mean()
    assert error < 0.5 * spread and error < 1.1 * linear_error, (error, linear_error, spread)


def test_inverse_of_a_two_dimensional_code_is_nearly_exact(tmp_path):
    cfg = aeviz.defaults_for("vanilla", dataset="digits", latent_dim=2, epochs=1, batch_size=64)
    model = aeviz.load_checkpoint(aeviz.train(cfg, ckpt_dir=tmp_path))
    proj = latent.cached_projection(model, "test", "pca")
    np.testing.assert_allclose(proj.coords, proj.codes, atol=1e-6)  # nothing to reduce: the map is the code
    spread = np.linalg.norm(proj.codes - proj.codes.mean(0), axis=1).mean()
    error = np.linalg.norm(proj.inverse(proj.coords) - proj.codes, axis=1).mean()
    assert error < 0.1 * spread


def test_distance_to_data_is_small_on_the_data_and_large_far_away(conv_model):
    from scipy.spatial import cKDTree

    proj = latent.cached_projection(conv_model, "test", "pca")
    coords = proj.coords
    assert proj.distance_to_data(coords).max() < 1e-6
    neighbour = cKDTree(coords).query(coords, k=2)[1][:, 1]
    between = proj.distance_to_data((coords + coords[neighbour]) / 2)
    assert np.median(between) <= 1.0 and np.percentile(between, 90) <= 2.0
    far = coords.mean(0) + 10 * coords.std(0)
    assert proj.distance_to_data(far)[0] > 20


def test_project_pads_codes_that_are_already_small_and_refuses_unknown_methods():
    codes = np.random.default_rng(0).standard_normal((10, 1)).astype(np.float32)
    coords = latent.project(codes, "umap", 2)  # no UMAP needed for a 1-d code
    assert coords.shape == (10, 2) and np.array_equal(coords[:, 0], codes[:, 0]) and not coords[:, 1].any()
    with pytest.raises(ValueError, match="umap"):
        latent.project(codes, "tsne")


# --- running a model on one image ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fully_conv():
    cfg = aeviz.defaults_for("denoising", fully_conv=True, dataset="photos")
    torch.manual_seed(0)
    model = aeviz.build(cfg, (3, 32, 32)).eval()
    with torch.no_grad():  # an untrained output is nearly flat: widen it so a misplaced tile shows
        model.upsample[-1].weight.mul_(100)
        model.upsample[-1].bias.zero_()
    return model


@pytest.mark.parametrize("shape", [(3, 37, 53), (3, 600, 300), (1, 45, 31)])
def test_fully_convolutional_model_keeps_any_size(fully_conv, shape):
    image = torch.rand(shape, generator=torch.Generator().manual_seed(0))
    out = run_on_image(fully_conv, image)
    assert out.shape == (3, *shape[1:])  # a gray upload comes back in the model's 3 channels
    assert 0 <= float(out.min()) and float(out.max()) <= 1


def test_tiled_output_matches_the_whole_image_output(fully_conv):
    image = torch.rand(3, 600, 300, generator=torch.Generator().manual_seed(1))
    tiled = run_on_image(fully_conv, image)  # 600 > the tile size: goes through tiles
    whole = fully_conv.reconstruct(image[None])[0]
    assert float(whole.std()) > 0.05  # the output varies, so a shifted or missing tile would show
    # With a 16-pixel overlap and this model's receptive field, tiles agree with the whole image
    # to float rounding, seams included (measured: 7e-5 at most).
    assert float((tiled - whole).abs().max()) < 1e-3


@pytest.mark.parametrize("h, w", [(600, 300), (20, 1000), (289, 289), (1000, 21)])
def test_tiles_cover_the_image_exactly_once(h, w):
    from aeviz.apply import tiles

    seen = torch.zeros(h, w, dtype=torch.int32)
    for top, left, bh, bw in tiles(h, w):
        seen[top:top + bh, left:left + bw] += 1
    assert (seen == 1).all()


def test_progress_is_told_once_per_tile_and_channels_last_changes_nothing(fully_conv):
    import copy

    from aeviz.apply import tiles

    image = torch.rand(3, 600, 300, generator=torch.Generator().manual_seed(2))
    calls = []
    plain = run_on_image(fully_conv, image, on_tile=lambda done, total: calls.append((done, total)))
    n = len(tiles(600, 300))
    assert n > 1 and calls == [(i, n) for i in range(1, n + 1)]
    # checkpoints.load makes a conv model channels-last, as it was trained; the output is the same.
    last = copy.deepcopy(fully_conv).to(memory_format=torch.channels_last)
    assert float((run_on_image(last, image) - plain).abs().max()) < 1e-4
    small = []
    run_on_image(fully_conv, image[:, :40, :50], on_tile=lambda *a: small.append(a))
    assert small == [(1, 1)]


def test_colorizer_returns_color_for_a_gray_image_with_its_lightness():
    cfg = aeviz.defaults_for("colorizer")
    torch.manual_seed(0)
    model = aeviz.build(cfg, (3, 32, 32)).eval()
    gray = torch.rand(1, 41, 27, generator=torch.Generator().manual_seed(2))
    out = run_on_image(model, gray)
    assert out.shape == (3, 41, 27)
    lightness = rgb_to_lab(out[None])[:, :1]
    assert float((lightness - gray_lightness(gray[None])).abs().mean()) < 1.0  # L is 0..100
    assert run_on_image(model, torch.rand(3, 20, 30)).shape == (3, 20, 30)  # a color input is made gray


def test_colorizer_sees_a_big_photo_at_its_working_size_and_paints_it_whole(monkeypatch):
    """A photo larger than the training size is shrunk (short side = training size) for the
    network; a and b come back bilinearly upsampled, composed in bands of rows without seams."""
    from aeviz.color import lab_to_rgb
    from aeviz.models import colorizer

    model = aeviz.build(aeviz.defaults_for("colorizer", hidden=(8, 8)), (3, 24, 24)).eval()
    gray = torch.rand(1, 1, 70, 100, generator=torch.Generator().manual_seed(3))
    seen = []
    monkeypatch.setattr(model, "encode", lambda x, *a, f=model.encode: seen.append(x.shape) or f(x, *a))
    monkeypatch.setattr(colorizer, "BAND", 16)  # five bands, and a short last one
    out = model.reconstruct(gray)
    assert model.working_size(70, 100) == (24, 34) and model.working_size(20, 30) == (20, 30)  # never upsampled
    assert seen == [(2, 4, 24, 34)]  # the photo and its mirror image, in one batch, with their (empty) hints
    ab = torch.nn.functional.interpolate(model.predict_ab(gray), size=(70, 100), mode="bilinear", align_corners=False)
    whole = lab_to_rgb(torch.cat([gray_lightness(gray), ab * colorizer.SATURATION], 1))
    assert out.shape == (1, 3, 70, 100) and float((out - whole).abs().max()) < 1e-4
    full = lab_to_rgb(torch.cat([gray_lightness(gray), ab], 1))
    assert float((model.reconstruct(gray, saturation=1) - full).abs().max()) < 1e-4
    # no color at all is the gray image itself, in RGB
    assert float((model.reconstruct(gray, saturation=0) - gray.expand(-1, 3, -1, -1)).abs().max()) < 2e-3
    # colors do not depend on left and right: a mirrored photo is painted as the mirror image
    assert torch.allclose(model.predict_ab(gray.flip(-1)), model.predict_ab(gray).flip(-1), atol=1e-5)


def test_colorizer_log_error_counts_a_nearly_gray_photo_as_much_as_a_colorful_one(monkeypatch):
    """log_error: twice the error on a nearly gray photo costs what
    twice the error on a colorful one does, as each photo's PSNR would fall by the same; the
    plain sum lets the colorful photo decide."""
    from aeviz.models.colorizer import AB_SCALE

    g = torch.Generator().manual_seed(5)
    target = torch.rand(2, 3, 16, 16, generator=g)
    target[1] = target[1].mean(0) * 0.9 + target[1] * 0.1  # nearly gray
    ab_true = rgb_to_lab(target)[:, 1:] / AB_SCALE
    direction = torch.randn(2, 2, 16, 16, generator=g).sign()
    size = torch.tensor([0.15, 0.05]).view(2, 1, 1, 1)  # each photo's error per pixel

    def cost(log_error: bool, scale) -> float:
        model = aeviz.build(aeviz.defaults_for("colorizer", hidden=(8, 8), log_error=log_error), (3, 16, 16))
        guess = (ab_true + direction * size * torch.tensor(scale).view(2, 1, 1, 1)).clamp(-0.99, 0.99)
        monkeypatch.setattr(model, "decode_logits", lambda z: torch.atanh(guess))
        return float(model.loss(model.prepare(target), target)["loss"])

    for log_error in (True, False):
        base = cost(log_error, [1.0, 1.0])
        colorful, gray = cost(log_error, [2.0, 1.0]) - base, cost(log_error, [1.0, 2.0]) - base
        if log_error:
            assert abs(colorful - gray) < 0.05 * colorful  # LOG_FLOOR aside, both log(4) / 2
        else:
            assert colorful > 5 * gray  # (0.15 / 0.05) ** 2 = 9 times


def test_model_with_a_dense_code_is_resized_to_its_size_and_back(conv_model):
    out = run_on_image(conv_model, torch.rand(1, 30, 20))
    assert out.shape == (1, 30, 20) and 0 <= float(out.min()) and float(out.max()) <= 1
