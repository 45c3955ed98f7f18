"""train(cfg): fit a model, evaluate it, and save a self-describing checkpoint, or return
the cached one. The loop knows nothing of its caller: progress goes to callbacks, and so
does the state after each epoch, which train() keeps so a killed run resumes (resume.py)."""
from __future__ import annotations

import contextlib
import logging
import math
import os
import signal
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import torch

from .. import __version__
from . import distributed, feed, resume
from ..checkpoints import find, save, SUFFIX, training_lock, user_dir, verify
from ..config import TrainConfig
from ..datasets import corrupt, ImageDataset, load_dataset
from ..datasets.streaming import training_set
from ..evaluation.metrics import evaluate, mean_neg_elbo, mse_per_image, reconstruct_all
from ..models import build
from .runtime import Runtime
from .schedule import set_rate

EXPLODE_FACTOR = 1e3  # a loss this many times its first value means the run has diverged
# Weights this large mean the optimizer has thrown them away, even when a bounded loss (a
# sigmoid output under MSE) hides it by sitting on a plateau instead of exploding.
MAX_WEIGHT = 1e3
log = logging.getLogger(__name__)


class TrainingDiverged(RuntimeError):
    """The loss went NaN or exploded; nothing was saved."""


@contextlib.contextmanager
def _stops_held():
    """Ctrl+C and SIGTERM (the dashboard's Cancel) wait until the block ends, then stop the
    run as they would have. Held at Python's level, on the main thread, which runs the
    handlers: a mask would not do, since the kernel gives the signal to any thread not masked."""
    stops = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or None in map(signal.getsignal, stops):
        yield
        return
    caught = []
    before = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in stops}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        if caught:
            handler = before[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), caught[0])


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def autocast_for(device: torch.device):
    """bf16 mixed precision where the hardware runs it fast (CUDA); float32 elsewhere."""
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return lambda: torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext


def train(cfg: TrainConfig, on_epoch_end: Callable[[int, dict], None] | None = None,
          on_batch_end: Callable[[int, int, int, dict], None] | None = None, *,
          ckpt_dir: str | Path | None = None, data_dir: str | Path | None = None,
          device: str | torch.device | None = None, force: bool = False, runtime: Runtime | None = None,
          watch: Callable[[int, object, ImageDataset], None] | None = None) -> Path:
    """Train cfg (or find it in the cache) and return the checkpoint's path.

    on_epoch_end(epoch, logs) gets the epoch's train and test figures;
    on_batch_end(epoch, step, steps_per_epoch, terms) gets each step's loss terms.
    A run killed before it finished continues from its last finished epoch (not with force).
    runtime: how to run it (streaming, loader workers, torch.compile), never what it learns.
    watch(epoch, model, test_ds), for observers that need the model itself (the map as it
    learns, latent/learning.py): called before the first epoch (0) and after each epoch.
    Under torchrun (aeviz.distributed) every process calls it: rank 0 alone takes the lock and
    writes the resume state and the checkpoint, and every rank starts from the state it read.
    """
    out_dir = Path(ckpt_dir) if ckpt_dir else user_dir()
    if not force and (hit := distributed.from_main(lambda: cached(cfg, out_dir))):
        return hit
    with distributed.main_only(lambda: training_lock(out_dir, cfg.id)):
        hit, state = distributed.from_main(lambda: _claim(cfg, out_dir, force))
        if hit:  # another process finished it meanwhile
            return hit
        state_path = resume.path_for(out_dir, cfg.id)
        main = distributed.is_main()
        try:
            save_state = (lambda state: resume.save(state, cfg, state_path)) if main else None
            model, meta = fit(cfg, on_epoch_end, on_batch_end, data_dir=data_dir, device=device, state=state,
                              save_state=save_state, runtime=runtime, watch=watch if main else None)
        except TrainingDiverged:
            if main:
                resume.discard(out_dir, cfg.id)  # resuming it would only diverge again
            raise
        return distributed.from_main(lambda: _keep(model, meta, out_dir, cfg))


def _claim(cfg: TrainConfig, out_dir: Path, force: bool) -> tuple[Path | None, dict | None]:
    """(the cached checkpoint, or None and the resume state to start from); under the lock."""
    if not force and (hit := cached(cfg, out_dir)):
        return hit, None
    resume.remove_temporary(out_dir, cfg.id)  # what a killed writer left half-written
    return None, None if force else resume.load(resume.path_for(out_dir, cfg.id), cfg)


def _keep(model, meta: dict, out_dir: Path, cfg: TrainConfig) -> Path:
    path = save(model, meta, out_dir / f"{cfg.id}{SUFFIX}")
    resume.discard(out_dir, cfg.id)
    return path


def cached(cfg: TrainConfig, out_dir: Path) -> Path | None:
    """A cache hit is a file that exists and verifies; a corrupt one is trained over."""
    for p in (out_dir / f"{cfg.id}{SUFFIX}", find(cfg.id)):
        if p is not None and p.is_file() and verify(p):
            return p
    return None


def fit(cfg: TrainConfig, on_epoch_end=None, on_batch_end=None, *, data_dir=None, device=None,
        state: dict | None = None, save_state: Callable[[dict], None] | None = None, runtime: Runtime | None = None,
        watch=None):
    """The training loop proper; returns the trained model and the checkpoint metadata.

    state: one that save_state was given, to continue from its epoch with the same result
    as a run never stopped; save_state(state) gets one after each epoch (its tensors are the
    live ones: write or copy them before returning). watch: as train()'s.
    """
    device = torch.device(device) if device else default_device()
    runtime = runtime or Runtime()
    test_ds = load_dataset(cfg.dataset, "test", cfg.image_size, cfg.grayscale, data_dir)
    train_ds = training_set(cfg, test_ds, data_dir, runtime)
    stream = None if isinstance(train_ds, ImageDataset) else feed.Stream(train_ds, runtime, device)
    model, opts, gen, state = _start(cfg, train_ds.image_shape, device, state, _mean_pixel(train_ds))
    net = distributed.wrap(model, device, find_unused=len(opts) > 1)  # the model itself in one process
    if runtime.compile:
        net = torch.compile(net)
    autocast = autocast_for(device)
    layout = torch.channels_last if model.channels_last else torch.preserve_format
    n, bs = len(train_ds), cfg.batch_size
    steps = feed.steps_per_epoch(n, bs)
    state = state or {"epoch": 0, "history": [], "first_loss": None, "seconds": 0.0, "train_seconds": 0.0}
    done, history, first_loss = state["epoch"], list(state["history"]), state["first_loss"]
    started, stepping = time.perf_counter() - state["seconds"], state["train_seconds"]
    if watch and done == 0:
        watch(0, model, test_ds)
    for epoch in range(done + 1, cfg.epochs + 1):
        model.train()
        _seed_rank(cfg, epoch)
        perm = torch.randperm(n, generator=gen)
        sums: dict[str, float] = {}
        epoch_start = time.perf_counter()
        for step, (clean, noisy) in enumerate(feed.epoch_batches(train_ds, stream, perm, cfg, gen, model.prepare)):
            set_rate(opts, cfg.schedule, ((epoch - 1) * steps + step) / (cfg.epochs * steps))
            # non_blocking: a streamed batch comes pinned on CUDA, so its copy overlaps the step
            terms = model.train_step(noisy.to(device, memory_format=layout, non_blocking=True),
                                     clean.to(device, memory_format=layout, non_blocking=True), opts, autocast, net)
            terms = distributed.mean(terms, len(clean), device)  # the whole batch's figures, on every rank
            first_loss = first_loss if first_loss is not None else abs(terms["loss"])
            _check(terms["loss"], first_loss, cfg, epoch, step + 1)
            for k, v in terms.items():
                sums[k] = sums.get(k, 0.0) + v
            if on_batch_end:
                on_batch_end(epoch, step + 1, steps, terms)
        stepping += time.perf_counter() - epoch_start
        _check_weights(model, cfg, epoch)
        logs = {f"train_{k}": v / steps for k, v in sums.items()}
        logs["test_mse"] = _test_mse(model, test_ds.x, cfg)
        if model.abilities.elbo:  # a VAE's own measure, per epoch: time to quality can be read on it
            logs["test_neg_elbo"] = mean_neg_elbo(model, test_ds.x)
        logs["epoch"], logs["seconds"] = epoch, time.perf_counter() - started
        logs["train_seconds"] = stepping  # the optimizer steps alone, for speed comparisons
        history.append(logs)
        # An epoch kept is an epoch reported, and the other way round: a stop between the two
        # once kept epoch 2 with only epoch 1 in the log, and Continue never reported it.
        with _stops_held():
            if save_state:  # before on_epoch_end: an epoch reported is an epoch kept
                save_state(resume.capture(model, opts, gen, device, {
                    "epoch": epoch, "history": list(history), "first_loss": first_loss,
                    "seconds": logs["seconds"], "train_seconds": stepping}))
            if watch:  # after the state is saved: a frame recorded is of an epoch kept
                watch(epoch, model, test_ds)
            if on_epoch_end:
                on_epoch_end(epoch, logs)
    model = model.to(memory_format=torch.contiguous_format).eval()
    meta = {
        "id": cfg.id, "config": cfg.to_dict(), "image_shape": list(train_ds.image_shape),
        "dataset": {"name": cfg.dataset, "train": len(train_ds), "test": len(test_ds),
                    "classes": train_ds.classes},
        "history": history,
        # rank 0 alone writes the checkpoint: the others need not spend the evaluation
        "test": evaluate(model, test_ds.x, train_ds.x if stream is None else train_ds.sample(), seed=cfg.seed)
        if distributed.is_main() else None,
        "aeviz_version": __version__, "torch_version": torch.__version__,
        "device": device.type, "world_size": distributed.world_size(), "streamed": stream is not None,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "train_seconds": round(time.perf_counter() - started, 2),
        "resumed_from_epoch": done or None,
    }
    return model, meta


def _start(cfg: TrainConfig, image_shape, device: torch.device, state: dict | None, mean: torch.Tensor):
    """A freshly seeded model (started at the data's mean pixel, where it knows how), its
    optimizers and the shuffling generator, with state put back into them; a state that
    does not fit is dropped (returned as None)."""
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    model = build(cfg, image_shape)
    model.start_output_at(mean)
    model = model.to(device)
    if model.channels_last:
        model = model.to(memory_format=torch.channels_last)  # before the optimizers make their state like it
    opts = model.optimizers()
    if state is not None:
        try:
            resume.restore(state, model, opts, gen, device)
        except (ValueError, RuntimeError, KeyError) as exc:
            log.warning("Ignoring the resume state of %s (%s); training from the start.", cfg.id, exc)
            return _start(cfg, image_shape, device, None, mean)
    return model, opts, gen, state


MEAN_SAMPLE = 256  # training images, spread evenly over the split, whose mean pixel a model starts at


def _mean_pixel(train_ds) -> torch.Tensor:
    """Each channel's mean over MEAN_SAMPLE training images: the same picks in memory and
    streamed (Images.sample's), so both paths start alike."""
    if isinstance(train_ds, ImageDataset):
        n = len(train_ds)
        x = train_ds.x[torch.linspace(0, n - 1, min(MEAN_SAMPLE, n)).round().long().unique()]
    else:
        x = train_ds.sample(MEAN_SAMPLE)
    return x.float().mean((0, 2, 3))


def _seed_rank(cfg: TrainConfig, epoch: int) -> None:
    """With several processes, each draws its own model noise (a VAE's sampled codes, the AAE's
    prior) from a stream fixed by seed, epoch and rank: reproducible, and exact on resume
    though only rank 0's state is saved. One process keeps torch's stream as it always had."""
    if distributed.world_size() > 1:
        torch.manual_seed(cfg.seed * 1_000_003 + epoch * 1_009 + distributed.rank())


def _check(loss: float, first: float, cfg: TrainConfig, epoch: int, step: int) -> None:
    if not (math.isfinite(loss) and abs(loss) <= EXPLODE_FACTOR * max(first, 1e-6)):
        _diverged(f"at epoch {epoch}, step {step}: the loss", loss, "exploded to", cfg)


@torch.no_grad()
def _check_weights(model, cfg: TrainConfig, epoch: int) -> None:
    largest = max(float(p.detach().abs().max()) for p in model.parameters())
    if not (math.isfinite(largest) and largest <= MAX_WEIGHT):
        _diverged(f"after epoch {epoch}: the weights", largest, "grew to", cfg)


def _diverged(where: str, value: float, grew: str, cfg: TrainConfig):
    what = "became NaN" if math.isnan(value) else f"{grew} {value:.3g}"
    raise TrainingDiverged(
        f"Training stopped {where} {what}. The learning rate (lr={cfg.lr:g}) is the likely cause; "
        "try one ten times smaller. Nothing was saved.")


@torch.no_grad()
def _test_mse(model, test_x, cfg) -> float:
    model.eval()
    gen = torch.Generator().manual_seed(cfg.seed)
    out = reconstruct_all(model, model.prepare(corrupt(test_x, cfg.noise, cfg.noise_level, gen)))
    return float(mse_per_image(out, test_x).mean())
