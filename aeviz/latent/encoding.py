"""Encoding a whole split: held in memory, or streamed through a DataLoader when it is above the
memory budget (as training streams it); in one process, or sharded over the processes of a
run, each encoding its contiguous share, and rank 0 gathering the codes in order.

Every path cuts the same batches of the split (a rank's batches start at its share's first
image), so they give the same codes: equal in one process, within float noise across processes.
"""
from __future__ import annotations

import numpy as np
from torch.utils.data import DataLoader

from . import encode_all, encode_batches
from ..datasets import load_dataset
from ..datasets.streaming import Images, streamed_split
from ..training import distributed
from ..training.runtime import Runtime

BATCH = 512  # encode_all's batch


def encode_split(model, split: str = "test", data_dir=None, runtime: Runtime | None = None,
                 limit: int | None = None) -> tuple[np.ndarray, np.ndarray | None] | None:
    """(codes (N, latent_dim) float32, labels (N,) int64 or None) of the split's first `limit`
    images (all of them when None), on rank 0; None on the other ranks of a run."""
    cfg, runtime = model.config, runtime or Runtime()
    opened = streamed_split(cfg.dataset, split, cfg.image_size, cfg.grayscale, data_dir, runtime)
    if opened is None:
        ds = load_dataset(cfg.dataset, split, cfg.image_size, cfg.grayscale, data_dir)
        n, labels = _count(len(ds), limit), ds.y
        mine = distributed.share(n)
        codes = encode_all(model, ds.x[mine], BATCH)
    else:
        n, labels = _count(len(opened), limit), opened.y
        mine = distributed.share(n)
        images = Images(opened.read, len(opened), opened.image_shape, opened.classes)
        codes = _encode_streamed(model, images, mine, runtime.workers)
    codes = distributed.gather_rows(codes)
    if codes is None:
        return None
    return codes, None if labels is None else labels[:n].numpy()


def _count(n: int, limit: int | None) -> int:
    return n if limit is None else min(n, limit)


def _encode_streamed(model, images: Images, rows: slice, workers: int) -> np.ndarray:
    """The codes of images[rows], read by DataLoader workers a batch ahead of the encoder."""
    batches = [list(range(i, min(i + BATCH, rows.stop))) for i in range(rows.start, rows.stop, BATCH)]
    device = next(model.parameters()).device
    loader = DataLoader(images, batch_sampler=batches, num_workers=workers, pin_memory=device.type == "cuda")
    return encode_batches(model, loader)
