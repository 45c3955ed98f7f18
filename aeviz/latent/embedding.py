"""`aeviz embed`: a split's codes, labels and 2D map, written to a file other tools read, in the
format its suffix names. The columns are the same in each format, in this order:

    index         the image's place in the split (Parquet; the row number in npz and csv)
    label         its class; -1 in npz and csv for a split without labels, where Parquet has none
    {method}_x/_y the map (umap_x, umap_y or pca_x, pca_y), unless it was left out (--no-map)
    z0 .. zN-1    the code, float32

npz keeps them as three arrays: codes (N, D), labels (N,) and coords (N, 2).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import artifacts
from . import make_projection, project, projection_kind
from .encoding import encode_split
from ..config import ConfigError
from ..safefile import write_atomic
from ..training import distributed

FORMATS = (".parquet", ".npz", ".csv")


def check_suffix(out) -> None:
    """A ConfigError unless out names a format embed writes."""
    suffix = Path(out).suffix
    if suffix not in FORMATS:
        raise ConfigError(f"--out must end in .parquet, .npz or .csv, not '{suffix or Path(out).name}'.")


def export_embedding(checkpoint, out, split: str = "test", method: str = "umap", data_dir=None, with_map: bool = True,
                     runtime=None, limit: int | None = None, device="cpu") -> Path:
    """Write the codes and labels of a split (its first `limit` images, when given), and its 2D
    map unless with_map is False. Under several processes each encodes its share, and rank 0
    maps and writes; every rank returns the path, or raises rank 0's error."""
    from ..checkpoints import load

    check_suffix(out)
    model = load(checkpoint, device)
    if not model.abilities.vector_code:
        raise ConfigError(f"{model.checkpoint_id} has a feature map, not a code vector, to embed; "
                          "pick a checkpoint with a code vector (`aeviz list`).")
    kind = projection_kind(method, 2)
    # The whole split's map, computed before, holds its codes: there is nothing to encode.
    cached = with_map and limit is None and distributed.from_main(lambda: artifacts.find(model, kind, split) is not None)
    encoded = None if cached else encode_split(model, split, data_dir, runtime, limit)

    def write() -> Path:
        if not with_map:
            return write_embedding(Path(out), *encoded, None, method)
        if limit is not None:  # a part of the split: its map is not the split's, and is not kept
            return write_embedding(Path(out), *encoded, project(encoded[0], method, 2, model.config.seed), method)
        proj = artifacts.get(model, kind, split, lambda: make_projection(model, *encoded, method, 2))
        return write_embedding(Path(out), proj.codes, proj.labels, proj.coords, method)

    return distributed.from_main(write)


def write_embedding(out: Path, codes: np.ndarray, labels: np.ndarray | None, coords: np.ndarray | None,
                    method: str) -> Path:
    """Write the columns to out, atomically, in the format of its suffix."""
    check_suffix(out)
    columns = {"index": np.arange(len(codes), dtype=np.int64)}
    if labels is not None:
        columns["label"] = np.asarray(labels, np.int64)
    if coords is not None:
        columns[f"{method}_x"], columns[f"{method}_y"] = (np.ascontiguousarray(coords[:, i], np.float32) for i in (0, 1))
    columns.update({f"z{i}": np.ascontiguousarray(codes[:, i], np.float32) for i in range(codes.shape[1])})
    writer = {".parquet": _parquet, ".npz": _npz, ".csv": _csv}[out.suffix]
    return write_atomic(out, lambda f: writer(f, columns, method), "the embedding", error=ConfigError)


def _parquet(f, columns: dict[str, np.ndarray], method: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), f)


def _unlabelled(columns: dict[str, np.ndarray]) -> np.ndarray:
    return columns["label"] if "label" in columns else np.full(len(columns["index"]), -1, np.int64)


def _npz(f, columns: dict[str, np.ndarray], method: str) -> None:
    codes = np.stack([v for k, v in columns.items() if k.startswith("z")], 1)
    arrays = {"codes": codes, "labels": _unlabelled(columns)}
    if f"{method}_x" in columns:
        arrays["coords"] = np.stack([columns[f"{method}_x"], columns[f"{method}_y"]], 1)
    np.savez(f, **arrays)


def _csv(f, columns: dict[str, np.ndarray], method: str) -> None:
    columns = {"label": _unlabelled(columns)} | {k: v for k, v in columns.items() if k not in ("index", "label")}
    table = np.column_stack(list(columns.values()))
    fmt = ["%d"] + ["%.6g"] * (table.shape[1] - 1)
    np.savetxt(f, table, delimiter=",", header=",".join(columns), comments="", fmt=fmt)
