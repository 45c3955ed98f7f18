"""Automatic sliders (aeviz/latent/directions.py): the measurable properties on images whose
answer is known, the fitted direction, the shipped VAE's ink slider, and `aeviz directions`."""
from __future__ import annotations

import json

import numpy as np
import pytest

from aeviz.cli import main
from aeviz.latent import directions
from support.pages import shipped

H = W = 28


def bar(x0: int, x1: int, shear: float = 0.0) -> np.ndarray:
    """A (1, H, W) white vertical bar over columns x0..x1-1 on black, each row shifted right by
    shear pixels per row upwards (shear > 0 leans right, like a '/')."""
    img = np.zeros((1, H, W))
    for row in range(4, H - 4):
        shift = int(round(shear * (H - 1 - row - H / 2)))
        img[0, row, max(x0 + shift, 0):max(x1 + shift, 0)] = 1.0
    return img


def test_the_properties_that_apply_are_chosen_by_the_images_channels():
    assert directions.applicable(1) == ["ink", "slant", "width"]
    assert directions.applicable(3) == ["brightness", "colourfulness"]
    assert directions.applicable(4) == []


def test_ink_is_the_mean_intensity():
    images = np.stack([np.zeros((1, H, W)), np.full((1, H, W), 0.25), bar(10, 14)])
    np.testing.assert_allclose(directions.ink(images), [0, 0.25, 4 * (H - 8) / (H * W)])


def test_a_bar_sheared_right_has_a_positive_slant_and_one_sheared_left_a_negative_one():
    right, upright, left = directions.slant(np.stack([bar(12, 16, 0.3), bar(12, 16), bar(12, 16, -0.3)]))
    assert right == pytest.approx(0.3, abs=0.05)
    assert upright == pytest.approx(0, abs=1e-9)
    assert left == pytest.approx(-0.3, abs=0.05)


def test_a_wider_bar_has_a_larger_width_and_shifting_it_changes_nothing():
    narrow, wide, wide_moved = directions.width(np.stack([bar(12, 15), bar(8, 20), bar(2, 14)]))
    assert wide > 2 * narrow
    assert wide_moved == pytest.approx(wide)
    # a bar k pixels wide: the standard deviation of k evenly spaced columns, sqrt((k^2 - 1) / 12)
    assert narrow * W == pytest.approx(np.sqrt((3 ** 2 - 1) / 12))


def test_the_colour_properties_on_flat_and_coloured_images():
    gray = np.full((1, 3, 8, 8), 0.5)
    red = np.zeros((1, 3, 8, 8))
    red[:, 0] = 1.0
    stripes = np.zeros((1, 3, 8, 8))
    stripes[:, 0, :, ::2], stripes[:, 2, :, 1::2] = 1.0, 1.0  # red and blue columns
    images = np.concatenate([gray, red, stripes])
    np.testing.assert_allclose(directions.brightness(images), [0.5, 0.299, (0.299 + 0.114) / 2])
    m = directions.colourfulness(images)
    assert m[0] == pytest.approx(0)  # gray has no colour
    # a flat red: no spread, so M = 0.3 * |(R - G, (R + G) / 2 - B)| = 0.3 * |(255, 127.5)|
    assert m[1] == pytest.approx(0.3 * np.hypot(255, 127.5))
    assert m[2] > m[1]  # alternating red and blue is the more colourful


def test_the_direction_is_the_unit_vector_along_which_the_property_rises():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(2000, 6))
    w = np.array([3.0, -1.0, 0, 0, 2.0, 0])
    vector = directions.fit_direction(codes, codes @ w + 0.01 * rng.normal(size=2000))
    assert np.linalg.norm(vector) == pytest.approx(1)
    np.testing.assert_allclose(vector, w / np.linalg.norm(w), atol=1e-3)


def test_the_shipped_vaes_ink_slider_changes_ink_monotonically_and_keeps_the_class(capsys, aeviz_dirs):
    """Issue 26's target: along the ink direction, over +-2 standard deviations, Spearman >= 0.95,
    and a linear probe keeps the start image's class for at least 80% of the steps."""
    vae = shipped("vae", latent_dim=16, dataset="mnist5k")
    assert main(["directions", vae, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["checkpoint"] == vae
    assert list(report["directions"]) == ["ink", "slant", "width"]
    for found in report["directions"].values():
        assert set(found) == {"vector", "spearman", "class_kept"}
        assert len(found["vector"]) == 16 and np.linalg.norm(found["vector"]) == pytest.approx(1, abs=1e-5)
    ink = report["directions"]["ink"]
    assert ink["spearman"] >= 0.95 and ink["class_kept"] >= 0.8, ink
    # found once per checkpoint and split: the table is read from the file the first run wrote
    (kept,) = aeviz_dirs.cache.glob(f"{vae}.*.test.directions.json")
    stamp = kept.stat().st_mtime_ns
    assert main(["directions", vae]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["property", "spearman", "class", "kept"]
    assert table[2].split() == ["ink", f"{ink['spearman']:.3f}", f"{ink['class_kept']:.3f}"]
    assert kept.stat().st_mtime_ns == stamp


def assert_one_line_error(err: str, *words: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("aeviz: ") and "Traceback" not in err, err
    assert all(word in lines[0] for word in words), err


def test_a_model_without_a_code_vector_is_refused_in_one_sentence(capsys):
    photos = shipped("denoising", dataset="debian-photos")
    assert main(["directions", photos, "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, photos, "not a code vector")


def test_an_unknown_checkpoint_is_one_sentence_as_for_eval(capsys):
    assert main(["directions", "no-such-checkpoint"]) == 2
    assert_one_line_error(capsys.readouterr()[1], "no-such-checkpoint")


def test_the_kept_file_reads_back_as_written_and_a_foreign_one_is_unreadable(tmp_path):
    import io

    from aeviz import artifacts

    found = {"ink": directions.Direction(np.array([0.6, 0.8], np.float32), 0.97, 0.9),
             "slant": directions.Direction(np.array([1.0, 0.0], np.float32), 0.5, None)}
    blob = io.BytesIO()
    directions.write(blob, found)
    (tmp_path / "d.json").write_bytes(blob.getvalue())
    again = directions.read(tmp_path / "d.json")
    assert {k: d.row() for k, d in again.items()} == {k: d.row() for k, d in found.items()}
    for foreign in (b"[1, 2]", b'{"ink": [1]}', b"\xff\xfe", b"{"):
        (tmp_path / "d.json").write_bytes(foreign)
        with pytest.raises(artifacts.UNREADABLE):  # so the artifact is computed again and replaced
            directions.read(tmp_path / "d.json")
