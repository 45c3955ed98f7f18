"""The colorizer the user steers: hint channels by the contract's rule, the global hint (a
reference's palette), hints simulated for training, aeviz.apply.colorize and `aeviz colorize`."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
from PIL import Image

import aeviz
from aeviz.apply import HintError, check_hints, colorize, colorize_tensor, parse_hint
from aeviz.cli import main
from aeviz.color import CELLS, HISTOGRAM_SIZE, PALETTE_SIZE, palette, palettes, rgb_to_lab
from aeviz.models import colorizer
from aeviz.models.colorizer import AB_SCALE, hint_tensor, simulated_hints


@pytest.fixture(scope="module")
def small():
    torch.manual_seed(0)
    return aeviz.build(aeviz.defaults_for("colorizer", hidden=(8, 8)), (3, 24, 24)).eval()


@pytest.mark.parametrize("full, size, x, y, cell", [
    ((3000, 4000), (64, 85), 0, 0, (0, 0)),
    ((3000, 4000), (64, 85), 3999, 2999, (63, 84)),         # the far corner is the last pixel
    ((3000, 4000), (64, 85), 2000.5, 1500.2, (32, 42)),     # floor(y * 64 / 3000), floor(x * 85 / 4000)
    ((40, 30), (40, 30), 29, 39, (39, 29)),                 # a small photo is seen at its own size
])
def test_a_hint_marks_the_one_working_size_pixel_the_contract_names(full, size, x, y, cell):
    t = hint_tensor([(x, y, (0, 0, 255))], size, full)
    assert t.shape == (3, *size) and t[2].nonzero().tolist() == [list(cell)]
    blue = rgb_to_lab(torch.tensor([0.0, 0.0, 1.0]).view(1, 3, 1, 1))[0, 1:, 0, 0] / AB_SCALE
    assert torch.allclose(t[:2, cell[0], cell[1]], blue, atol=1e-5) and float(t[:2].abs().sum()) > 0


def test_a_later_hint_on_the_same_pixel_wins():
    t = hint_tensor([(5, 5, (255, 0, 0)), (5.4, 5.4, (0, 255, 0))], (10, 10), (10, 10))
    green = rgb_to_lab(torch.tensor([0.0, 1.0, 0.0]).view(1, 3, 1, 1))[0, 1:, 0, 0] / AB_SCALE
    assert int(t[2].sum()) == 1 and torch.allclose(t[:2, 5, 5], green, atol=1e-5)


def test_a_palette_is_the_share_of_each_color_cell_and_a_gray_photo_fills_the_middle_ones():
    half = torch.zeros(3, 40, 60)
    half[0, :, :30] = 1.0           # half red, half black
    p = palette(half, 32)
    histogram = p[:HISTOGRAM_SIZE]
    assert p.shape == (PALETTE_SIZE,) and p.dtype == torch.float32 and math.isclose(float(histogram.sum()), 1, rel_tol=1e-5)
    assert sorted(histogram[histogram > 0].tolist()) == pytest.approx([0.5, 0.5])
    gray = palette(torch.rand(1, 30, 30).expand(3, -1, -1), 32)
    middle = colorizer_cells(gray[:HISTOGRAM_SIZE])
    assert middle <= {(7, 7), (7, 8), (8, 7), (8, 8)}
    assert float(gray[HISTOGRAM_SIZE + CELLS:].abs().max()) < 1e-3  # and no color for any of its grays
    big = torch.rand(3, 1, 1) * torch.ones(3, 900, 1200)  # one color: shrinking it first changes next to nothing
    torch.testing.assert_close(palette(big, 8), palettes(big[None, :, :8, :8])[0], atol=1e-3, rtol=0)


def test_a_reference_paints_each_gray_the_color_it_has_there_and_leaves_grays_it_lacks_to_the_guess(small):
    # the reference: a light red left half and a dark blue right one, both flat
    ref = torch.zeros(3, 24, 24)
    ref[:, :, :12] = torch.tensor([0.9, 0.5, 0.5]).view(3, 1, 1)
    ref[:, :, 12:] = torch.tensor([0.1, 0.1, 0.45]).view(3, 1, 1)
    true_ab = rgb_to_lab(ref[None])[:, 1:] / AB_SCALE
    pal = palette(ref, 24)[None]
    gray = aeviz.to_gray(ref[None])
    ab = torch.zeros(1, 2, 24, 24)
    with torch.no_grad():
        moved = ab + small._toward_reference(ab, gray, pal)
    torch.testing.assert_close(moved[..., 2:-2, 2:10], true_ab[..., 2:-2, 2:10], atol=0.02, rtol=0)  # away from the edge
    torch.testing.assert_close(moved[..., 2:-2, 14:22], true_ab[..., 2:-2, 14:22], atol=0.02, rtol=0)
    # mirrored: the same colors follow the grays, not the places
    flipped = gray.flip(-1)
    with torch.no_grad():
        moved = ab + small._toward_reference(ab, flipped, pal)
    torch.testing.assert_close(moved[..., 2:-2, 14:22], true_ab[..., 2:-2, 2:10], atol=0.02, rtol=0)
    # a gray the reference has none of keeps (almost all of) the network's guess; no reference moves nothing
    guess = torch.full((1, 2, 24, 24), 0.3)
    with torch.no_grad():
        unlike = small._toward_reference(guess, torch.full_like(gray, 0.38), pal)  # its grays: 0.14, 0.62
        none = small._toward_reference(guess, gray, torch.zeros_like(pal))
    assert float(unlike.abs().max()) < 0.01 and float(none.abs().max()) == 0


def colorizer_cells(p):
    from aeviz.color import PALETTE_BINS

    return {(int(i) // PALETTE_BINS, int(i) % PALETTE_BINS) for i in p.nonzero()[:, 0]}


def test_simulated_hints_are_often_none_and_each_is_a_true_mean_color_of_its_patch(monkeypatch):
    torch.manual_seed(1)
    ab = torch.rand(4000, 2, 12, 12) * 2 - 1
    hints = simulated_hints(ab)
    counts = hints[:, 2].sum((1, 2))
    share_none = float((counts == 0).float().mean())
    assert abs(share_none - colorizer.HINT_P) < 0.03  # geometric: P(0) = p, hints often absent
    assert float(counts.float().mean()) > 3  # and many at times: mean (1 - p) / p, less repeats
    monkeypatch.setattr(colorizer, "HINT_SIDES", (1,))  # one-pixel patches: the hint is the pixel's color
    hints = simulated_hints(ab[:50])
    marked = hints[:, 2] > 0
    assert torch.equal(hints[:, :2][marked[:, None].expand(-1, 2, -1, -1)], ab[:50][marked[:, None].expand(-1, 2, -1, -1)])
    assert float(hints[:, :2][~marked[:, None].expand(-1, 2, -1, -1)].abs().max()) == 0


@pytest.mark.parametrize("h, w", [(24, 24), (17, 31), (64, 9)])
def test_guess_takes_any_size_and_hints_and_a_palette(small, h, w):
    gray = torch.rand(2, 1, h, w)
    hints = torch.zeros(2, 3, h, w)
    hints[:, :, h // 2, w // 3] = torch.tensor([0.5, -0.3, 1.0])
    pal = torch.stack([palette(torch.rand(3, 8, 8), 24), torch.zeros(PALETTE_SIZE)])
    with torch.no_grad():
        ab = small.guess(gray, hints, pal)
        plain = small.guess(gray, torch.zeros_like(hints), torch.zeros_like(pal))
    assert ab.shape == (2, 2, h, w) and float(ab.abs().max()) <= 1
    assert not torch.allclose(ab, plain)  # the hints and the palette reach the output


def test_a_hint_gives_its_pixel_its_color_and_spreads_further_at_its_own_lightness_than_across_an_edge(small):
    # a light left half and a dark right one; a hint near the edge, on the light side
    h, w = 24, 24
    gray = torch.full((1, 1, h, w), 0.8)
    gray[..., w // 2:] = 0.2
    hints = torch.zeros(1, 3, h, w)
    hints[0, :, 12, 9] = torch.tensor([0.5, -0.3, 1.0])
    ab = torch.zeros(1, 2, h, w)
    with torch.no_grad():
        toward, reach = small._toward_hints(ab, hints, gray)
    assert torch.allclose(toward[0, :, 12, 9], torch.tensor([0.5, -0.3]), atol=1e-5)  # the hinted pixel
    same_side, across = toward[0, 0, 12, 9 - 5], toward[0, 0, 12, 9 + 5]  # as far, left and right
    assert float(same_side) > 0.2 and float(across) < 0.1 * float(same_side), (float(same_side), float(across))
    assert float(reach[0, 0, 12, 9]) == pytest.approx(1) and float(reach[0, 0, 12, 9 + 5]) < 0.1
    flat, _ = small._toward_hints(ab, hints, torch.full_like(gray, 0.8))  # no edge: as far each way
    assert torch.allclose(flat[0, 0, 12, 9 - 5], flat[0, 0, 12, 9 + 5], atol=1e-5)


def test_where_the_spread_does_not_reach_a_hint_colors_the_pixels_of_its_own_lightness_and_texture(small):
    # a light stripe at each end of a long dark photo; a hint on the left one only
    gray = torch.full((1, 1, 24, 240), 0.2)
    gray[..., :12] = gray[..., -12:] = 0.7
    hints = torch.zeros(1, 3, 24, 240)
    hints[0, :, 12, 5] = torch.tensor([0.5, -0.3, 1.0])
    ab = torch.zeros(1, 2, 24, 240)
    with torch.no_grad():
        spread, reach = small._toward_hints(ab, hints, gray)
        like = small._like_hints(ab, hints, gray)
        none = small._like_hints(ab, torch.zeros_like(hints), gray)
    assert float(reach[0, 0, 12, 234]) < 1e-3 and float(spread[0, :, 12, 234].abs().max()) < 1e-3  # too far
    torch.testing.assert_close(like[0, :, 12, 234], torch.tensor([0.5, -0.3]), atol=0.05, rtol=0)  # its lightness
    assert float(like[0, :, 12, 120].abs().max()) < 0.01 and float(none.abs().max()) == 0  # not another's


def test_steered_colors_are_painted_whole_and_unsteered_ones_at_the_automatic_strength():
    hints = torch.zeros(1, 3, 4, 4)
    assert colorizer.default_strength(None, None) == colorizer.default_strength(hints, torch.zeros(1, 9)) \
        == colorizer.SATURATION
    hints[0, 2, 1, 1] = 1
    assert colorizer.default_strength(hints, None) == colorizer.default_strength(None, torch.ones(1, 9)) \
        == colorizer.STEERED_STRENGTH


@pytest.mark.parametrize("hint, says", [
    ((30, 5, (0, 0, 0)), "The hint at (30, 5) is outside the 30x20 image: x runs from 0 to 29 and y from 0 to 19."),
    ((-1, 5, (0, 0, 0)), "The hint at (-1, 5) is outside the 30x20 image"),
    ((3, 20, (0, 0, 0)), "The hint at (3, 20) is outside"),
    ((3, 4, (256, 0, 0)), "The hint at (3, 4) has the color (256, 0, 0); a color is three whole numbers"),
    ((3, 4, (0, -1, 0)), "has the color (0, -1, 0)"),
    ((3, 4, (0.5, 0, 0)), "has the color (0.5, 0, 0)"),
    ((3, 4, "red"), "has the color 'red'"),
    ((3, 4), "A hint is (x, y, (r, g, b)), not (3, 4)."),
    ((float("nan"), 4, (0, 0, 0)), "A hint's x and y are numbers"),
])
def test_a_bad_hint_is_refused_in_one_sentence(hint, says):
    with pytest.raises(HintError, match=re.escape(says)) as err:
        check_hints([(1, 1, (9, 9, 9)), hint], 30, 20)
    assert str(err.value).count(". ") == 0 and str(err.value).endswith(".")


@pytest.mark.parametrize("text, hint", [("12,7,#3366cc", (12.0, 7.0, (0x33, 0x66, 0xCC))),
                                        (" 0.5, 3 ,FF0000", (0.5, 3.0, (255, 0, 0)))])
def test_a_cli_hint_reads_x_y_and_a_hex_color(text, hint):
    assert parse_hint(text) == hint


@pytest.mark.parametrize("text, says", [("12,7", "--hint takes X,Y,#RRGGBB"), ("a,7,#ffffff", "--hint takes"),
                                        ("1,2,#ggg000", "has the color '#ggg000'; write a color as # and six hex"),
                                        ("1,2,#fff", "has the color '#fff'")])
def test_a_malformed_cli_hint_is_refused_in_one_sentence(text, says):
    with pytest.raises(HintError, match=re.escape(says)):
        parse_hint(text)


def test_colorize_returns_an_rgb_photo_of_the_inputs_size_with_its_lightness(small):
    gray = Image.fromarray((np.random.default_rng(0).random((37, 53)) * 255).astype(np.uint8), "L")
    out = colorize_tensor(torch.from_numpy(np.asarray(gray, dtype=np.float32) / 255)[None], [(52, 36, (200, 30, 30))],
                          torch.rand(3, 20, 20), model=small)
    assert out.shape == (3, 37, 53)
    with pytest.raises(HintError, match="outside the 53x37 image"):
        colorize(gray, [(53, 0, (0, 0, 0))])  # refused before any model is loaded


@pytest.fixture(scope="module")
def colorizer_checkpoint(tmp_path_factory):
    """A real (one-epoch, tiny) colorizer checkpoint, trained on a few photo patches."""
    import dataclasses

    import aeviz.training.loop as loop

    real = loop.load_dataset

    def few(name, split="train", *a, **k):
        ds = real(name, split, *a, **k)
        return dataclasses.replace(ds, x=ds.x[:32], y=None if ds.y is None else ds.y[:32])
    out = tmp_path_factory.mktemp("ckpt")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(loop, "load_dataset", few)
        import aeviz.datasets.streaming as streaming
        mp.setattr(streaming, "load_dataset", few)
        return aeviz.train(aeviz.defaults_for("colorizer", dataset="photos", hidden=(8, 8), epochs=1), ckpt_dir=out)


def test_aeviz_colorize_writes_the_photo_at_its_size(colorizer_checkpoint, tmp_path, capsys):
    src = tmp_path / "in.jpg"
    Image.fromarray((np.random.default_rng(1).random((45, 60, 3)) * 255).astype(np.uint8)).save(src)
    ref = tmp_path / "ref.png"
    Image.new("RGB", (20, 10), (20, 90, 200)).save(ref)
    out = tmp_path / "out.png"
    assert main(["colorize", str(src), str(out), "--hint", "10,20,#ff0000", "--hint", "59,44,#00ff00",
                 "--reference", str(ref), "--checkpoint", str(colorizer_checkpoint)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    with Image.open(out) as im:
        assert im.mode == "RGB" and im.size == (60, 45)


@pytest.mark.parametrize("args, says", [
    (["--hint", "60,3,#ff0000"], "aeviz: The hint at (60, 3) is outside the 60x45 image: x runs from 0 to 59 and "
                                 "y from 0 to 44."),
    (["--hint", "3,3,#ff00"], "aeviz: The hint '3,3,#ff00' has the color '#ff00'; write a color as # and six hex "
                              "digits, e.g. #3366cc."),
    (["--hint", "3;3;red"], "aeviz: --hint takes X,Y,#RRGGBB"),
    (["--reference", "missing.png"], "aeviz: Could not read missing.png: No such file or directory."),
])
def test_aeviz_colorize_refuses_a_bad_hint_in_one_sentence_with_exit_code_2(colorizer_checkpoint, tmp_path, capsys,
                                                                            args, says):
    src = tmp_path / "in.png"
    Image.new("L", (60, 45), 128).save(src)
    out = tmp_path / "out.png"
    assert main(["colorize", str(src), str(out), *args, "--checkpoint", str(colorizer_checkpoint)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(says) and err.count("\n") == 1 and not out.exists()


def test_aeviz_colorize_refuses_an_output_it_cannot_write_as_an_image(tmp_path, capsys):
    src = tmp_path / "in.png"
    Image.new("L", (6, 4), 128).save(src)
    assert main(["colorize", str(src), str(tmp_path / "out.txt")]) == 2
    assert "has no image suffix aeviz writes; end it in .png" in capsys.readouterr().err


def test_the_shipped_colorizer_follows_hints_and_a_reference():
    """On a photo it never saw, true colors given as hints or as a reference bring its result
    closer to the truth than its own guess, as a user steering it expects."""
    import skimage.data

    from aeviz.apply import default_colorizer
    from aeviz.evaluation.metrics import psnr

    model = default_colorizer()
    photo = torch.from_numpy(skimage.data.astronaut().copy()).permute(2, 0, 1).float() / 255.0
    rng = np.random.default_rng(0)
    hints = [(int(x), int(y), tuple(int(v) for v in (photo[:, y, x] * 255).round().tolist()))
             for x, y in zip(rng.integers(0, 512, 10), rng.integers(0, 512, 10))]
    score = {what: float(psnr(colorize_tensor(photo, h, ref, model)[None], photo[None]))
             for what, h, ref in [("alone", [], None), ("hints", hints, None), ("reference", [], photo)]}
    assert score["hints"] > score["alone"] + 1 and score["reference"] > score["alone"] + 0.5, score
