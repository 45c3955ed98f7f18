"""The Colorize page's browser code computes what the server computes: Lab as aeviz.color,
hints placed as aeviz.models.colorizer.hint_tensor places them, and the preview composed as
Colorizer.reconstruct composes the download (node runs web/scripts/colorize-stdin.js)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from aeviz.color import lab_to_rgb, rgb_to_lab
from aeviz.images import to_uint8

WEB = Path(__file__).resolve().parents[1] / "web"
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


def browser(ask: dict) -> dict:
    run = subprocess.run(["node", str(WEB / "scripts" / "colorize-stdin.js")], input=json.dumps(ask),
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def test_rgb_to_lab_and_back_match_aeviz_color():
    rng = np.random.default_rng(0)
    rgb = np.concatenate([rng.random((300, 3)), np.eye(3), [[0, 0, 0], [1, 1, 1], [0.02, 0.03, 0.04]]])
    lab = np.stack([rng.uniform(0, 100, 300), rng.uniform(-110, 110, 300), rng.uniform(-110, 110, 300)], 1)
    got = browser({"rgb": rgb.tolist(), "lab": lab.tolist()})
    want_lab = rgb_to_lab(torch.tensor(rgb, dtype=torch.float32).T[None, :, None])[0, :, 0].T.numpy()
    want_rgb = lab_to_rgb(torch.tensor(lab, dtype=torch.float32).T[None, :, None])[0, :, 0].T.numpy()
    np.testing.assert_allclose(got["lab"], want_lab, atol=2e-3, rtol=0)
    np.testing.assert_allclose(got["rgb"], want_rgb, atol=2e-5, rtol=0)


def test_the_preview_is_composed_as_the_server_composes_to_within_one_level():
    rng = np.random.default_rng(1)
    h, w, hh, ww, strength = 37, 53, 7, 11, 0.8
    light = rng.uniform(0, 100, (h, w)).astype(np.float32)
    ab = rng.uniform(-1, 1, (2, hh, ww)).astype(np.float32)
    got = np.asarray(browser({"compose": {"L": light.ravel().tolist(), "width": w, "height": h, "ab": ab.ravel().tolist(),
                                          "ww": ww, "hh": hh, "strength": strength}})["compose"]).reshape(h, w, 4)
    up = F.interpolate(torch.from_numpy(ab)[None] * 110 * strength, size=(h, w), mode="bilinear", align_corners=False)
    want = to_uint8(lab_to_rgb(torch.cat([torch.from_numpy(light)[None, None], up], 1))[0]).astype(int)
    assert np.abs(got[..., :3].astype(int) - want).max() <= 1
    assert (np.abs(got[..., :3].astype(int) - want) == 0).mean() > 0.99
    assert (got[..., 3] == 255).all()


@pytest.mark.parametrize("full, size", [((480, 640), (48, 64)), ((641, 479), (87, 64)), ((64, 64), (64, 64)),
                                        ((3000, 4000), (96, 128))])
def test_hints_are_placed_by_the_contracts_pixel_rule(full, size):
    from aeviz.models.colorizer import hint_tensor

    (H, W), (hh, ww) = full, size
    rng = np.random.default_rng(2)
    corners = [(0, 0), (W - 1, H - 1), (W - 1, 0), (0, H - 1)]
    points = corners + [(int(x), int(y)) for x, y in zip(rng.integers(0, W, 40), rng.integers(0, H, 40))]
    colors = [tuple(int(v) for v in rng.integers(0, 256, 3)) for _ in points]
    hints = [(x, y, c) for (x, y), c in zip(points, colors)]
    hints.append((points[5][0], points[5][1], (10, 200, 30)))  # a later hint on the same pixel wins
    got = np.asarray(browser({"hints": [[x, y, "#%02x%02x%02x" % c] for x, y, c in hints],
                              "size": {"W": W, "H": H, "ww": ww, "hh": hh}})["hints"]).reshape(3, hh, ww)
    want = hint_tensor(hints, (hh, ww), (H, W)).numpy()
    np.testing.assert_array_equal(got[2], want[2])
    np.testing.assert_allclose(got, want, atol=2e-5, rtol=0)
