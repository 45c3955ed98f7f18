"""Training speed: aeviz's loop against the textbook loop, same architecture, same epochs.

    python benchmarks/train_speed.py [--epochs 3] [--models conv,vae]

The reference is the loop of the PyTorch tutorials: a per-item Dataset returning
transforms.ToTensor() of a PIL image, a DataLoader with batch 128 and shuffling, float32,
one optimizer step per batch with plain Adam. aeviz's loop keeps the split as one tensor
and slices batches from it, its Adam is fused and its conv models run channels-last. Both
train the model aeviz.build() makes from the same config and seed, and both report the
final test loss, so speed is never bought with quality.
Images per second are medians over --repeats runs of each, interleaved, in one process.

The ceiling: a training step's floating-point work (forward and backward, counted by
torch's FlopCounterMode) times its images per second, as a share of the machine's own
float32 matmul throughput measured in the same process (a 2048x2048 matmul, median of 10).
A model near 100% cannot be trained much faster on this CPU in float32, whatever the loop."""
from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

import torch
from PIL import Image
from torch.utils.flop_counter import FlopCounterMode

import aeviz
from aeviz.images import to_uint8
from aeviz.training.loop import fit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import cpu_name, print_table  # noqa: E402

PHOTO_MODELS = {"colorizer": {}, "denoising-photos": {"dataset": "photos", "fully_conv": True, "latent_dim": 48}}


class TextbookDataset(torch.utils.data.Dataset):
    """One PIL image per item through ToTensor(), as the tutorials write it."""

    def __init__(self, x: torch.Tensor):
        from torchvision import transforms

        self.images = [Image.fromarray(to_uint8(img)) for img in x]
        self.to_tensor = transforms.ToTensor()

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.to_tensor(self.images[i])


def textbook_optimizers(model) -> list[torch.optim.Optimizer]:
    """The model's own optimizers as a tutorial writes them: Adam, not fused."""
    return [torch.optim.Adam(o.param_groups[0]["params"], lr=o.param_groups[0]["lr"], betas=o.param_groups[0]["betas"])
            for o in model.optimizers()]


def reference_fit(cfg, train_x, test_x):
    torch.manual_seed(cfg.seed)
    model = aeviz.build(cfg, tuple(train_x.shape[1:]))
    opts = textbook_optimizers(model)
    loader = torch.utils.data.DataLoader(TextbookDataset(train_x), batch_size=128, shuffle=True)
    gen = torch.Generator().manual_seed(cfg.seed)
    start = time.perf_counter()
    for _ in range(cfg.epochs):
        model.train()
        for clean in loader:
            noisy = model.prepare(aeviz.corrupt(clean, cfg.noise, cfg.noise_level, gen))
            model.train_step(noisy, clean, opts, contextlib.nullcontext)
    seconds = time.perf_counter() - start
    return model, seconds


@torch.no_grad()
def test_loss(model, test_x, cfg) -> float:
    model.eval()
    gen = torch.Generator().manual_seed(0)
    noisy = model.prepare(aeviz.corrupt(test_x, cfg.noise, cfg.noise_level, gen))
    torch.manual_seed(0)
    return float(model.loss(noisy, test_x)["recon"]) / test_x[0].numel()


def matmul_gflops(n: int = 2048, repeats: int = 10) -> float:
    """The machine's float32 matmul throughput with this process's threads."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t)
    return 2 * n**3 / statistics.median(times) / 1e9


def step_flops(cfg, train_x) -> float:
    """Floating-point operations of one training step, per image (forward and backward)."""
    torch.manual_seed(cfg.seed)
    model = aeviz.build(cfg, tuple(train_x.shape[1:]))
    clean = train_x[:128]
    noisy = model.prepare(aeviz.corrupt(clean, cfg.noise, cfg.noise_level, torch.Generator().manual_seed(0)))
    with FlopCounterMode(display=False) as counter:
        model.train_step(noisy, clean, model.optimizers(), contextlib.nullcontext)
    return counter.get_total_flops() / len(clean)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", default=",".join([*sorted(aeviz.MODELS), "denoising-photos"]))
    args = ap.parse_args(argv)
    peak = matmul_gflops()
    print(f"{cpu_name()}, torch {torch.__version__}, {torch.get_num_threads()} threads, device cpu, "
          f"epochs {args.epochs}; float32 matmul {peak:.0f} GFLOP/s")
    rows = []
    for name in args.models.split(","):
        model_name = name.split("-")[0]
        cfg = aeviz.defaults_for(model_name, epochs=args.epochs, batch_size=128, **PHOTO_MODELS.get(name, {}))
        train = aeviz.load_dataset(cfg.dataset, "train")
        test = aeviz.load_dataset(cfg.dataset, "test")
        flops = step_flops(cfg, train.x)
        ours, ref = [], []
        for _ in range(args.repeats):
            model, meta = fit(cfg, device="cpu")
            ours.append(len(train) * cfg.epochs / meta["history"][-1]["train_seconds"])
            ref_model, seconds = reference_fit(cfg, train.x, test.x)
            ref.append(len(train) * cfg.epochs / seconds)
        ours_ips, ref_ips = statistics.median(ours), statistics.median(ref)
        share = flops * ours_ips / 1e9 / peak
        rows.append((name, cfg.dataset, f"{ref_ips:.0f}", f"{ours_ips:.0f}", f"{ours_ips / ref_ips:.2f}x",
                     f"{test_loss(ref_model, test.x, cfg):.5f}", f"{test_loss(model, test.x, cfg):.5f}",
                     f"{flops / 1e6:.1f}", f"{share:.0%}", f"{1 / share:.1f}x" if share > 0 else "-"))
        print(rows[-1], file=sys.stderr, flush=True)
    header = ("model", "dataset", "reference img/s", "aeviz img/s", "speed-up", "reference test loss",
              "aeviz test loss", "MFLOP per image", "share of matmul peak", "headroom")
    print(f"matmul at the end: {matmul_gflops():.0f} GFLOP/s")
    print_table(header, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
