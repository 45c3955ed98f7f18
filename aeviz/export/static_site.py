"""`aeviz export CKPT --html DIR`: a latent space as a folder of static files.

Any static file server can serve DIR (no Python). The page is the dashboard's own browser
code (web/explorer mounting the built map, walk and scrubber components, copied from
dashboard/static/ with onnxruntime-web and regl-scatterplot and their licences); beside it
the decoder and the map's inverse as ONNX, the data (explorer.json) and a sprite atlas of the
split's images. In the page: the map with a thumbnail under a hovered point and the decoded
image of any empty place under the cursor (with its distance from real data), a click to pin
a code, a continuous slider per dimension, an interpolation scrubber between two pins, and
a drawing pad (or an upload) whose drawing the encoder (ONNX too) places on the map.

Names that come from a user's folder (classes, the dataset's path) reach the page as JSON
data and are shown as text, never as HTML. Nothing is written outside DIR, and a DIR that
holds anything is refused unless the caller says to overwrite."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import latent
from ..latent import activity
from . import onnx_graphs
from ..browser_runtime import byte_labels, drawing_frame, floats, map_frame, STATIC
from ..config import ConfigError
from ..datasets import load_dataset
from ..images import sprite_sheet
from ..safefile import write_atomic

# what the page loads, from the dashboard's static folder: the built components and what they run on
BUILT = ("explorer", "map", "walk", "scrubber", "ort", "scatter")
ATLAS_MAX = 4096      # thumbnails in the sprite atlas; points beyond it show their label only
SLIDERS_MAX = 16      # the most alive dimensions get sliders (latent.activity's order)
SLIDER_STEPS = 100
MAP_SIZE = 560        # px, the square map


def write_explorer(model, out: Path, split: str = "test", method: str = "umap", overwrite: bool = False,
                   data_dir=None) -> Path:
    """Write the static explorer of model's split into out; returns out."""
    out = Path(out)
    check_destination(out, overwrite)  # before any work: a wrong --html is said at once
    decoder = onnx_graphs.cached_decoder(model)  # refuses a model without a vector code, first
    proj = latent.cached_projection(model, split, method, 2, data_dir=data_dir)
    cfg = model.config
    ds = load_dataset(cfg.dataset, split, cfg.image_size, cfg.grayscale, data_dir)
    codes = proj.codes.astype(np.float32)
    alive = activity.cached_activity(model, split, data_dir)  # the walk's order and fold, as the dashboard's
    dims = alive.order()[:SLIDERS_MAX]
    lo, hi = latent.slider_ranges(codes, model.abilities.prior)
    shape = list(ds.x.shape[1:])
    scale = max(1, 168 // shape[1])
    count = min(len(ds), ATLAS_MAX)
    thumbs, cols = sprite_sheet(ds.x, count)
    meta = {"title": f"{cfg.model} on {cfg.dataset}: {cfg.latent_dim}-d code",
            "subtitle": f"{method.upper()} map of the {split} split ({len(codes)} images), checkpoint {model.checkpoint_id}",
            "latent_dim": int(cfg.latent_dim), "codes": floats(codes), "places": floats(proj.coords[:, :2]),
            "decoder": "decoder.onnx", "inverse": "inverse.onnx", "encoder": "encoder.onnx",
            "map": {**map_frame(proj.coords), "size": MAP_SIZE, "labels": byte_labels(proj.labels),
                    "classes": _classes(proj.labels, ds.classes), "errors": None, "error_range": "", "shape": shape,
                    "atlas": {"url": "thumbs.png", "cols": cols, "count": count}, "drawing": drawing_frame(ds.x)},
            "walk": {"dims": dims, "lo": lo[dims].tolist(), "hi": hi[dims].tolist(), "steps": SLIDER_STEPS,
                     "caption": "decoded code (follows the slider you drag)", "shape": shape,
                     "px": shape[2] * scale, "aspect": shape[1] / shape[2],
                     "figures": alive.figure[dims].tolist(), "figure_name": "KL" if alive.kl is not None else "var",
                     "active": alive.active[dims].tolist()},
            "scrubber": {"caption": "A → B, straight", "shape": shape, "px": shape[2] * scale,
                         "aspect": shape[1] / shape[2]}}
    files = {"explorer.json": json.dumps(meta).encode(), "decoder.onnx": decoder,
             "inverse.onnx": onnx_graphs.inverse_bytes(proj), "encoder.onnx": onnx_graphs.cached_encoder(model),
             "thumbs.png": thumbs}
    for folder in BUILT:  # the explorer's own files at the top, as index.html loads them
        files.update({(f.name if folder == "explorer" else f"{folder}/{f.name}"): f.read_bytes()
                      for f in (STATIC / folder).iterdir() if f.is_file()})
    return write_files(out, files)


def check_destination(out: Path, overwrite: bool) -> None:
    """A ConfigError of one sentence unless out is a folder the explorer may be written into:
    a new one (its parents made), an empty one, or any with overwrite."""
    if out.is_symlink() and not out.exists():
        raise ConfigError(f"{out} is a broken link; give --html a folder.")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is a file; give --html a folder.")
    try:
        if out.is_dir() and any(out.iterdir()) and not overwrite:
            raise ConfigError(f"{out} is not empty; pass --overwrite to write the explorer into it anyway.")
    except OSError as exc:  # a folder that cannot be read
        raise ConfigError(f"Could not read the folder {out}: {exc.strerror or exc}.") from None


def write_files(out: Path, files: dict[str, bytes]) -> Path:
    """Write files (name relative to out -> bytes) into out, each atomically. Every target is
    checked before the first is written: a link left in out (to a folder outside it) is
    refused with nothing written, rather than half an explorer; a file is replaced, never
    written through, so a link to a file outside cannot send a write there either."""
    try:
        # Resolved first: mkdir of a/../site itself would leave an empty a beside DIR.
        root = out.resolve()
        root.mkdir(parents=True, exist_ok=True)
    except RuntimeError:
        raise ConfigError(f"{out} is a link that leads to itself; give --html a folder.") from None
    except OSError as exc:  # a file where a parent folder should be, a folder that cannot be written
        raise ConfigError(f"Could not make the folder {out}: {exc.strerror or exc}.") from None
    for name in files:
        parent = (root / name).parent
        if not _leads_into(parent, root):
            raise ConfigError(f"{parent} leads outside {out}; remove it, or choose another folder.")
        if parent.exists() and not parent.is_dir():
            raise ConfigError(f"{parent} is a file where the explorer needs a folder; remove it, or choose another folder.")
    for name, data in files.items():
        write_atomic(root / name, data, name)
    return out


def _classes(labels, names) -> list[str] | None:
    """The map's class names (a user's folder names: shown as text, never HTML)."""
    if labels is None:
        return None
    names = list(names or [])
    return [names[k] if k < len(names) else str(k) for k in range(int(max(labels)) + 1)]


def _leads_into(p: Path, root: Path) -> bool:
    try:
        return p.resolve().is_relative_to(root)
    except (RuntimeError, OSError):  # a link loop leads nowhere, and so not into root
        return False
