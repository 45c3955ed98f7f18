"""Everything aeviz.applications measures for one checkpoint, assembled, and kept on disk:
computed once per checkpoint (13 to 25 s for the shipped mnist5k models on two busy CPU
cores, BENCHMARKS.md), then read back, beside the checkpoint or in the user's cache like its
maps and per-image errors.

The summary is the JSON object `aeviz eval --applications --json` prints; the curves are
what the dashboard draws (rate-distortion curves, the codes' clusters, ROC curves); the
notes say in one line why a part is missing (null in the summary)."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from .. import artifacts
from ..config import ConfigError
from ..evaluation.per_image import cached_errors
from .anomaly import anomaly
from .clustering import clustering
from .compression import compression
from .probe import probe
from .retrieval import retrieval
from .spaces import Spaces, spaces_for

VERSION = 1  # in the file's name: a change to what is measured never meets an old file
KEYS = ("checkpoint", "compression", "clustering", "probe", "retrieval", "anomaly")


@dataclass
class Report:
    summary: dict
    curves: dict[str, np.ndarray] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def applies(model) -> str | None:
    """Why the applications do not apply to this checkpoint, in one sentence; None if they do."""
    if not model.abilities.vector_code:
        return (f"{model.checkpoint_id} has a feature map, not a code vector, to quantize, cluster or probe; "
                "pick a checkpoint with a code vector (`aeviz list`).")
    return None


def cached_report(model, data_dir=None, progress: Callable[[float, str], None] | None = None) -> Report:
    """The checkpoint's report, from disk when computed before, else computed and saved.
    progress(fraction, what) hears how far the computation is. A checkpoint without a code
    vector is a ConfigError."""
    problem = applies(model)
    if problem:
        raise ConfigError(problem)
    return artifacts.get(model, KIND, "test", lambda: compute(model, data_dir, progress or (lambda fraction, what: None)))


def compute(model, data_dir, progress: Callable[[float, str], None]) -> Report:
    progress(0.0, "encoding the train and test splits")
    spaces = spaces_for(model, data_dir)
    rows, curves = compression(model, spaces, lambda f, what: progress(0.1 + 0.6 * f, what))
    report = Report({"checkpoint": model.checkpoint_id, "compression": rows, "clustering": None, "probe": None,
                     "retrieval": None, "anomaly": None}, curves)
    if spaces.label_problem:
        report.notes["labels"] = (f"Clustering, probes, retrieval and anomaly detection need classes, and "
                                  f"{model.config.dataset} has none to use: {spaces.label_problem}.")
    else:
        # One BLAS thread: these are small problems, and on two busy cores two threads made
        # the pixels' probe and k-means several times slower, never faster.
        with threadpool_limits(1):
            _labelled(model, spaces, report, data_dir, progress)
    progress(1.0, "done")
    return report


def _labelled(model, spaces: Spaces, report: Report, data_dir, progress) -> None:
    """The figures that need labels, into the report."""
    features = spaces.features()
    progress(0.7, "k-means on the codes, PCA and the pixels")
    report.summary["clustering"], report.curves["clusters"] = clustering(
        {name: test for name, (_, test) in features.items()}, spaces.test_y, spaces.n_classes)
    progress(0.8, "linear probes with 10, 100 and all labels a class")
    report.summary["probe"] = probe(features, spaces.train_y, spaces.test_y)
    progress(0.92, "nearest neighbours")
    report.summary["retrieval"] = retrieval(features, spaces.train_y, spaces.test_y)
    left_out = model.config.exclude_classes
    if not left_out:
        report.notes["anomaly"] = ("This model was trained on every class: train one with classes left out "
                                   "(`aeviz train --exclude-classes 7`, or the Train page) to measure anomaly "
                                   "detection.")
        return
    progress(0.96, "anomaly scores of the left-out classes")
    report.summary["anomaly"], roc = anomaly(left_out, spaces.test_y,
                                             cached_errors(model, "test", data_dir=data_dir).mse,
                                             spaces.train_codes[spaces.seen], spaces.test_codes)
    report.curves.update(roc)


def write(f, report: Report) -> None:
    np.savez(f, summary=np.array(json.dumps(report.summary)), notes=np.array(json.dumps(report.notes)),
             **{f"curve_{name}": value for name, value in report.curves.items()})


def read(path: Path) -> Report:
    with np.load(path, allow_pickle=False) as f:
        summary, notes = json.loads(str(f["summary"])), json.loads(str(f["notes"]))
        curves = {name[len("curve_"):]: f[name] for name in f.files if name.startswith("curve_")}
    if tuple(summary) != KEYS:
        raise ValueError("not an applications report")
    return Report(summary, curves, notes)


# The test split's report: `{checkpoint}.{checksum}.test.applications1.npz` (artifacts.py).
KIND = artifacts.Kind(f"applications{VERSION}", "the applications report", read, write)


def to_json(report: Report) -> str:
    """The summary as one line of JSON."""
    return json.dumps(report.summary, separators=(", ", ": "))
