"""`aeviz locate`: where image files land on a split's 2-D UMAP map (the one the dashboard
shows), and the map's nearest real images there. Each file is read as an upload is (untrusted),
prepared as the Interpolation page prepares one, encoded, and placed by the one placement
method (placement.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from . import cached_projection, encode_all, neighbours
from .placement import place_on_map
from ..config import ConfigError
from ..datasets import center_square
from ..images import ImageError, decode_image

NEAREST = 5  # map points listed beside each image


def prepare_upload(model, data: bytes) -> torch.Tensor:
    """An image file's bytes -> (1, C, H, W) in the model's image shape: its channels (gray or
    colour), then its centre square resized to the model's size. Raises ImageError."""
    image = decode_image(data, channels=model.image_shape[0])
    return center_square(image[None], model.image_shape[-1])


def read_upload(model, path: Path) -> torch.Tensor:
    """prepare_upload of a file, its problems (unreadable, not an image) an ImageError naming it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImageError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    try:
        return prepare_upload(model, data)
    except ImageError as exc:
        raise ImageError(f"{path}: {exc}") from None


def locate(model, paths: list[Path], split: str = "test", data_dir=None, on_miss=None) -> list[dict]:
    """One dict per image file: {"image", "code", "position", "nearest": [{"index", "label"}]}.
    Every file is read before anything is computed, so a bad one costs nothing."""
    if not model.abilities.vector_code:
        raise ConfigError(f"{model.checkpoint_id} has a feature map, not a code vector, to place on a map; "
                          "pick a checkpoint with a code vector (`aeviz list`).")
    x = torch.cat([read_upload(model, p) for p in paths])
    proj = cached_projection(model, split, "umap", 2, data_dir, on_miss)
    codes = encode_all(model, x)
    places = place_on_map(proj.coords, proj.codes, codes)
    xy = np.asarray(proj.coords[:, :2], np.float32)
    near = neighbours.nearest(xy, places, min(NEAREST, len(xy)))[1]
    labels = None if proj.labels is None else np.asarray(proj.labels).ravel()
    return [{"image": str(p), "code": code.tolist(), "position": place.tolist(),
             "nearest": [{"index": int(i), "label": None if labels is None else int(labels[i])} for i in idx]}
            for p, code, place, idx in zip(paths, codes, places, near)]
