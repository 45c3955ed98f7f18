"""Speed levers for aeviz's training step on this CPU, each against plain eager float32.

    python benchmarks/levers.py [--models conv,denoising,deep,sparse,aae,vae] [--steps 30]

One training step on a batch of 128 mnist5k images, the same model and seed, median of
--steps steps after 5 warm-up steps; the two variants alternate step by step in one
process, so a busy moment hits both. Levers: channels-last memory format (convolutional
models only), torch.compile of the whole model (the first step's compile time printed
apart), and Adam with fused=True."""
from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time

import torch
from torch import nn

import aeviz
from train_speed import textbook_optimizers


def setup(cfg, shape, lever: str | None):
    torch.manual_seed(cfg.seed)
    model = aeviz.build(cfg, shape)
    opts = textbook_optimizers(model)  # aeviz's own are fused: the plain step is the textbook one
    if lever == "channels-last":
        model = model.to(memory_format=torch.channels_last)
    elif lever == "fused Adam":
        opts = [torch.optim.Adam(o.param_groups[0]["params"], lr=o.param_groups[0]["lr"],
                                 betas=o.param_groups[0]["betas"], fused=True) for o in opts]
    elif lever == "torch.compile":
        for name, child in list(model.named_children()):
            setattr(model, name, torch.compile(child))
    return model, opts


def step_time(model, opts, x) -> float:
    t = time.perf_counter()
    model.train_step(x, x, opts, contextlib.nullcontext)
    return time.perf_counter() - t


def compare(name: str, lever: str, steps: int) -> tuple[float, float, float]:
    cfg = aeviz.defaults_for(name, batch_size=128)
    x = aeviz.load_dataset("mnist5k", "train").x[:128]
    base, base_opts = setup(cfg, tuple(x.shape[1:]), None)
    other, other_opts = setup(cfg, tuple(x.shape[1:]), lever)
    xo = x.contiguous(memory_format=torch.channels_last) if lever == "channels-last" else x
    first = step_time(other, other_opts, xo)  # compiles, for torch.compile
    plain, tuned = [], []
    for i in range(5 + steps):
        a, b = step_time(base, base_opts, x), step_time(other, other_opts, xo)
        if i >= 5:
            plain.append(a)
            tuned.append(b)
    return statistics.median(plain), statistics.median(tuned), first


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="conv,denoising,vae,deep,sparse,aae")
    ap.add_argument("--levers", default="channels-last,torch.compile,fused Adam")
    ap.add_argument("--steps", type=int, default=30)
    args = ap.parse_args(argv)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device cpu")
    print("| model | lever | plain step (ms) | with lever (ms) | speed-up | first step with lever (s) |")
    print("|---|---|---|---|---|---|")
    for name in args.models.split(","):
        has_conv = any(isinstance(m, nn.Conv2d) for m in aeviz.build(aeviz.defaults_for(name), (1, 28, 28)).modules())
        for lever in args.levers.split(","):
            if lever == "channels-last" and not has_conv:
                continue
            plain, tuned, first = compare(name, lever, args.steps)
            print(f"| {name} | {lever} | {plain * 1e3:.1f} | {tuned * 1e3:.1f} | {plain / tuned:.2f}x | {first:.1f} |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
