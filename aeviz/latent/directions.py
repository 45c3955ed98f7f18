"""Automatic sliders: directions in code space along which a property that can be measured on
the image (ink, slant, width; brightness, colourfulness) changes, and how well each works.

A direction is found by regressing the property, measured on a split's images, on their codes
(ridge): it is the unit vector of the coefficients, the way the predicted property rises
fastest. It is then scored as a user meets it, by walking codes along it and decoding:
- spearman: the Spearman correlation between the step and the property of the decoded image,
  over +- WALK_SPAN standard deviations of the codes' projection on the direction, in
  WALK_STEPS steps from the start image's code; the median over START_IMAGES start images;
- class_kept: the fraction of those steps at which a linear probe (logistic regression on the
  training split's codes) still reads the start image's class. The start images are ones the
  probe reads right, so a probe's mistake is not counted as the walk's. None without labels.

Which properties apply is decided by the images' channels (PROPERTIES), not by a dataset's
name. Computed once per checkpoint and split, and kept on disk (artifacts.py)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import artifacts
from ..config import ConfigError
from ..datasets import load_dataset
from . import decode, encode_all

WALK_SPAN = 2.0     # standard deviations of the codes' projection on the direction, each way
WALK_STEPS = 21
START_IMAGES = 50
RIDGE_ALPHA = 1.0   # small beside thousands of images: it only keeps a collapsed code solvable
EPS = 1e-8


# --- measurable properties ------------------------------------------------------------------

def _gray(images) -> np.ndarray:
    return np.asarray(images, np.float64)[:, 0]


def _moments(images) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The ink's (weight: pixel intensity) mean-free x and y, per image, the weights and their sum.
    x grows to the right and y upwards, in pixels, so a digit leaning right has a positive slant."""
    ink = _gray(images)
    _, h, w = ink.shape
    total = ink.sum((1, 2)) + EPS
    xs = np.arange(w, dtype=np.float64)[None, None, :]
    ys = (h - 1 - np.arange(h, dtype=np.float64))[None, :, None]
    mean_x = (ink * xs).sum((1, 2)) / total
    mean_y = (ink * ys).sum((1, 2)) / total
    return xs - mean_x[:, None, None], ys - mean_y[:, None, None], ink, total


def ink(images) -> np.ndarray:
    """Mean intensity of a gray image."""
    return _gray(images).mean((1, 2))


def slant(images) -> np.ndarray:
    """The shear of the ink: Cov(x, y) / Var(y) of its pixels weighted by intensity, the factor
    MNIST deskewing undoes (x' = x - slant * y); positive leans right."""
    dx, dy, weights, total = _moments(images)
    cov = (weights * dx * dy).sum((1, 2)) / total
    var_y = (weights * dy * dy).sum((1, 2)) / total
    return cov / (var_y + EPS)


def width(images) -> np.ndarray:
    """The ink's standard deviation in x, as a fraction of the image's width."""
    dx, _, weights, total = _moments(images)
    return np.sqrt((weights * dx * dx).sum((1, 2)) / total) / np.shape(images)[-1]


def brightness(images) -> np.ndarray:
    """Mean luminance of a colour image (ITU-R BT.601 weights, as aeviz's gray conversion)."""
    rgb = np.asarray(images, np.float64)
    return np.tensordot(np.array([0.299, 0.587, 0.114]), rgb, axes=(0, 1)).mean((1, 2))


def colourfulness(images) -> np.ndarray:
    """Hasler & Suesstrunk's (2003) M = sigma_rgyb + 0.3 mu_rgyb, on their 0..255 scale (about 33
    is "moderately", 59 "quite", 82 "highly" colourful)."""
    r, g, b = (np.asarray(images, np.float64)[:, c] * 255 for c in range(3))
    rg, yb = (r - g).reshape(len(r), -1), (0.5 * (r + g) - b).reshape(len(r), -1)
    sigma = np.sqrt(rg.var(1) + yb.var(1))
    mu = np.sqrt(rg.mean(1) ** 2 + yb.mean(1) ** 2)
    return sigma + 0.3 * mu


@dataclass(frozen=True)
class Property:
    measure: Callable[[np.ndarray], np.ndarray]  # (N, C, H, W) in [0, 1] -> (N,)
    channels: int                                # the images it applies to


PROPERTIES = {
    "ink": Property(ink, 1), "slant": Property(slant, 1), "width": Property(width, 1),
    "brightness": Property(brightness, 3), "colourfulness": Property(colourfulness, 3),
}


def applicable(channels: int) -> list[str]:
    """The properties measured on images of that many channels, in PROPERTIES' order."""
    return [name for name, prop in PROPERTIES.items() if prop.channels == channels]


# --- directions and their scores ------------------------------------------------------------

@dataclass(frozen=True)
class Direction:
    vector: np.ndarray          # (D,) unit vector in code space
    spearman: float
    class_kept: float | None    # None for a split without labels

    def row(self) -> dict:
        return {"vector": self.vector.tolist(), "spearman": self.spearman, "class_kept": self.class_kept}


def fit_direction(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The unit vector of a ridge regression's coefficients of values on codes."""
    from sklearn.linear_model import Ridge

    coef = Ridge(alpha=RIDGE_ALPHA).fit(codes, values).coef_.astype(np.float64)
    return coef / max(np.linalg.norm(coef), EPS)


def fit_probe(codes: np.ndarray, labels: np.ndarray):
    """A linear probe: logistic regression on standardised codes."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(codes, labels)


def score(model, measure, vector, codes, starts, labels=None, probe=None) -> Direction:
    """Walk each start code along vector, decode, measure: see the module's docstring."""
    from scipy.stats import spearmanr

    offsets = WALK_SPAN * float((codes @ vector).std()) * np.linspace(-1, 1, WALK_STEPS)
    walks = (codes[starts][:, None, :] + offsets[None, :, None] * vector).astype(np.float32)
    flat = walks.reshape(-1, codes.shape[1])
    values = measure(decode(model, flat).numpy()).reshape(len(starts), WALK_STEPS)
    rhos = [spearmanr(offsets, row).statistic for row in values]
    spearman = float(np.median(np.nan_to_num(rhos)))  # a walk whose image never changes scores 0
    kept = None
    if probe is not None:
        kept = float((probe.predict(flat) == np.repeat(labels[starts], WALK_STEPS)).mean())
    return Direction(vector.astype(np.float32), spearman, kept)


def start_images(n: int, seed: int, codes: np.ndarray, labels=None, probe=None) -> np.ndarray:
    """START_IMAGES indices drawn with the seed, among those the probe reads right when there is one."""
    pool = np.arange(n) if probe is None else np.flatnonzero(probe.predict(codes) == labels)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(pool, min(START_IMAGES, len(pool)), replace=False))


def find_directions(model, images, codes, labels=None, train_codes=None, train_labels=None) -> dict[str, Direction]:
    """One direction per property that applies to the images, fitted on these codes and scored."""
    probe = None
    if labels is not None and train_labels is not None:
        probe = fit_probe(train_codes, train_labels)
    starts = start_images(len(codes), model.config.seed, codes, labels, probe)
    found = {}
    for name in applicable(images.shape[1]):
        measure = PROPERTIES[name].measure
        vector = fit_direction(codes, measure(images))
        found[name] = score(model, measure, vector, codes, starts, labels, probe)
    return found


# --- directions a user picks: two groups, and analogies ---------------------------------------

def group_direction(codes: np.ndarray, a, b) -> tuple[np.ndarray, float]:
    """From group a's mean code to group b's (index arrays or boolean masks into codes): the
    unit vector, and the distance between the two means (White 2016, "Sampling Generative
    Networks": attribute vectors as differences of means)."""
    a_codes, b_codes = np.asarray(codes)[a], np.asarray(codes)[b]
    if len(a_codes) == 0 or len(b_codes) == 0:
        raise ValueError("Each group needs at least one image.")
    diff = b_codes.mean(0).astype(np.float64) - a_codes.mean(0)
    length = float(np.linalg.norm(diff))
    if length < EPS:
        raise ValueError("The two groups have the same mean code, so there is no direction between them.")
    return (diff / length).astype(np.float32), length


def spread(codes: np.ndarray, vector: np.ndarray) -> float:
    """How far a slider along vector goes each way: WALK_SPAN standard deviations of the codes'
    projection on it, as the automatic sliders are scored."""
    return WALK_SPAN * float((np.asarray(codes) @ vector).std())


def walk(code: np.ndarray, vector: np.ndarray, span: float, steps: int) -> np.ndarray:
    """steps codes from code - span * vector to code + span * vector."""
    offsets = np.linspace(-span, span, steps)[:, None]
    return (np.asarray(code, np.float32)[None] + offsets * np.asarray(vector, np.float32)[None]).astype(np.float32)


def analogy(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """A is to B as C is to what? The code c + (b - a) (Mikolov et al.'s word-vector arithmetic,
    as White 2016 does for images)."""
    return (np.asarray(c, np.float32) + np.asarray(b, np.float32) - np.asarray(a, np.float32)).astype(np.float32)


def read(path: Path) -> dict[str, Direction]:
    rows = json.loads(path.read_text())
    if not isinstance(rows, dict):
        raise ValueError("not a directions file")
    return {name: Direction(np.asarray(r["vector"], np.float32), float(r["spearman"]),
                            None if r["class_kept"] is None else float(r["class_kept"])) for name, r in rows.items()}


def write(f, directions: dict[str, Direction]) -> None:
    f.write(json.dumps({name: d.row() for name, d in directions.items()}).encode())


# `{checkpoint}.{checksum}.{split}.directions.json` (artifacts.py)
KIND = artifacts.Kind("directions", "the attribute directions", read, write, ".json")


def cached_directions(model, split: str = "test", data_dir=None) -> dict[str, Direction]:
    """The split's directions, from disk when found before, else found and saved."""
    if not model.abilities.vector_code:
        raise ConfigError(f"{model.checkpoint_id} has a feature map, not a code vector, so it has no directions "
                          "in code space; pick a checkpoint with a code vector (`aeviz list`).")

    def compute() -> dict[str, Direction]:
        from .encoding import encode_split

        cfg = model.config
        ds = load_dataset(cfg.dataset, split, cfg.image_size, cfg.grayscale, data_dir)
        labels = None if ds.y is None else ds.y.numpy()
        train_codes, train_labels = (None, None) if labels is None else encode_split(model, "train", data_dir)
        return find_directions(model, ds.x.numpy(), encode_all(model, ds.x), labels, train_codes, train_labels)

    return artifacts.get(model, KIND, split, compute)
