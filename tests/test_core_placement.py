"""Placing new codes on a split's map (latent/placement.py) and `aeviz locate`: the weights on
a small example, a mapped code lands on its point, new images land among their own class about
as often as the map's points do, and the command line on a real PNG and on bad input."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import aeviz
from aeviz import latent
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.cli import main
from aeviz.images import to_uint8
from aeviz.latent import placement
from support.fuzz import assert_one_sentence

MNIST5K_VAE = SHIPPED_DIR / "vae-mnist5k-e4fbd8312e88.safetensors"  # 16-d codes, 1,000 test images
FULLY_CONV = SHIPPED_DIR / "denoising-mnist5k-c0fe9617be42.safetensors"  # its code is a feature map


@pytest.fixture(scope="module")
def vae():
    return aeviz.load_checkpoint(MNIST5K_VAE)


@pytest.fixture(scope="module")
def test_map(vae):
    """The test split's UMAP map the dashboard shows (shipped beside the checkpoint)."""
    return latent.cached_projection(vae, "test", "umap", 2)


def test_the_weights_are_inverse_eighth_powers_of_the_distances_summing_to_one():
    assert placement.POWER == 8
    w = placement.weights(np.array([[1.0, 2.0], [1.0, 1.0], [0.5, 1.0], [1e-30, 2e-30]]))
    np.testing.assert_allclose(w, [[256 / 257, 1 / 257], [0.5, 0.5], [256 / 257, 1 / 257], [256 / 257, 1 / 257]])
    place = placement.weighted_position(np.array([[1.0, 2.0]]), np.array([[[0.0, 0.0], [257.0, 514.0]]]))
    np.testing.assert_allclose(place, [[1.0, 2.0]])


def test_a_matching_code_takes_all_the_weight_and_matches_share_it():
    w = placement.weights(np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 1.0], [1e-9, 1.0, 2.0], [0.0, 0.0, 0.0]]))
    np.testing.assert_array_equal(w, [[1, 0, 0], [0.5, 0.5, 0], [1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])


def test_new_codes_land_between_their_neighbours():
    codes = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]], np.float32)
    coords = np.array([[0.0, 0.0], [4.0, 4.0], [-9.0, 9.0]], np.float32)
    middle = latent.place_on_map(coords, codes, np.array([[0.5, 0.0]]), k=2)
    np.testing.assert_allclose(middle, [[2.0, 2.0]], atol=1e-6)  # equal distances, equal weights


def test_a_mapped_code_lands_on_its_own_point(test_map):
    places = latent.place_on_map(test_map.coords, test_map.codes, test_map.codes)
    np.testing.assert_allclose(places, test_map.coords[:, :2], atol=1e-5)


def test_left_out_images_land_among_their_own_class_as_often_as_the_maps_points(test_map):
    """Each test image placed as if new, from the other 999: of its 10 nearest map points, as
    many share its label (within 5 percentage points) as of a map point's 10 nearest others."""
    own = placement.label_agreement(test_map.coords, test_map.labels)
    placed = placement.label_agreement(test_map.coords, test_map.labels,
                                       placement.place_left_out(test_map.coords, test_map.codes))
    print(f"\n10-nearest label agreement: map's own points {own:.3f}, left-out images placed {placed:.3f}")
    assert own > 0.8  # a map worth comparing with: its classes gather
    assert abs(placed - own) <= 0.05, (own, placed)


# --- aeviz locate ---------------------------------------------------------------------------------

def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("aeviz: ") and "Traceback" not in err, err
    assert_one_sentence(lines[0].removeprefix("aeviz: "))


@pytest.fixture(scope="module")
def digit_png(vae, tmp_path_factory):
    """Test digit 7 of the split as a PNG file (the split's pixels are whole 255ths: exact)."""
    cfg = vae.config
    ds = aeviz.load_dataset(cfg.dataset, "test", cfg.image_size, cfg.grayscale)
    path = tmp_path_factory.mktemp("locate") / "digit.png"
    Image.fromarray(to_uint8(ds.x[7])).save(path)
    return path, 7


def test_locate_places_a_digit_of_the_split_on_its_own_point(capsys, vae, test_map, digit_png):
    path, i = digit_png
    code, out, err = run(capsys, "locate", str(MNIST5K_VAE), str(path), str(path), "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2 and rows[0] == rows[1]
    row = rows[0]
    assert set(row) == {"image", "code", "position", "nearest"} and row["image"] == str(path)
    np.testing.assert_allclose(row["code"], test_map.codes[i], atol=1e-4)
    np.testing.assert_allclose(row["position"], test_map.coords[i, :2], atol=1e-4)
    assert len(row["nearest"]) == 5 and row["nearest"][0] == {"index": i, "label": int(test_map.labels[i])}
    assert all(set(n) == {"index", "label"} for n in row["nearest"])


def test_locate_without_json_prints_a_table(capsys, digit_png):
    path, i = digit_png
    code, out, _ = run(capsys, "locate", str(MNIST5K_VAE), str(path))
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:3] == ["image", "x", "y"]
    assert lines[2].startswith(str(path)) and f" {i}:" in lines[2]


@pytest.mark.parametrize("content", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, None])
def test_locate_of_a_bad_or_missing_file_exits_2_in_one_sentence(capsys, tmp_path, digit_png, content):
    bad = tmp_path / "bad.png"
    if content is not None:
        bad.write_bytes(content)
    code, out, err = run(capsys, "locate", str(MNIST5K_VAE), str(digit_png[0]), str(bad), "--json")
    assert code == 2 and out == "", err  # every file is read before any is placed
    assert_one_line_error(err)
    assert "bad.png" in err


def test_locate_with_a_model_without_a_code_vector_exits_2(capsys, digit_png):
    code, _, err = run(capsys, "locate", str(FULLY_CONV), str(digit_png[0]))
    assert code == 2
    assert_one_line_error(err)
    assert "code vector" in err


def test_locate_with_an_unknown_checkpoint_exits_2_as_eval_does(capsys, digit_png):
    code, _, err = run(capsys, "locate", "no-such-checkpoint", str(digit_png[0]))
    assert code == 2
    assert_one_line_error(err)
    assert "no-such-checkpoint" in err
