"""Time to quality: how long a user waits for a given test error, aeviz's recipe against the
textbook loop, side by side in one process, for several seeds (aeviz issues 10 and 27).

    python benchmarks/time_to_quality.py                      # conv and VAE, seeds 0 1 2 3 90210
    python benchmarks/time_to_quality.py --models vae --seeds 0,1 --curves
    python benchmarks/time_to_quality.py --set lr=0.002       # aeviz's side with a setting changed

The textbook conv autoencoder (the PyTorch/Keras tutorials' shape): two stride-2 convs
(32, 64 channels), a linear 16-d code, the mirror image in transposed convs, a sigmoid
output; BCE, Adam 1e-3, batch 128, a per-item Dataset with ToTensor() and a DataLoader.
The textbook VAE is pytorch/examples' vae/main.py: 784-400-20 dense layers, BCE summed
plus KL, Adam 1e-3, batch 128, the same loader. aeviz's side is `aeviz.train` on the
model's registry defaults (code size as the textbook's: 16 for conv, 20 for the VAE), with
the seed changed.

Seconds are the wall clock a user waits, from the call: loading the data (read again for
each run), building the model, every step and every epoch's evaluation, to the end of each
epoch (aeviz's checkpoint and final report come after the last epoch and are not counted).
The figure is test MSE (conv) or test -ELBO in nats per image (VAE) on mnist5k's test split;
the textbook's 10-epoch figure with the same seed is the target, and the ratio is the
textbook's seconds over aeviz's seconds to the first epoch that reaches it."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

import aeviz
from aeviz.evaluation.metrics import mse_per_image
from aeviz.training.loop import train

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import cpu_name, device_name, print_table, setting  # noqa: E402
from train_speed import TextbookDataset  # noqa: E402


class TextbookConvAE(nn.Module):
    def __init__(self, latent_dim: int = 16):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(),
                                     nn.Flatten(), nn.Linear(64 * 7 * 7, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
                                     nn.ConvTranspose2d(64, 32, 3, 2, 1, output_padding=1), nn.ReLU(),
                                     nn.ConvTranspose2d(32, 1, 3, 2, 1, output_padding=1))

    def forward(self, x):
        return self.decoder(self.encoder(x))  # logits

    def loss(self, x):
        return F.binary_cross_entropy_with_logits(self(x), x)

    @torch.no_grad()
    def quality(self, x):
        return float(mse_per_image(torch.sigmoid(self(x)), x).mean())


class TextbookVAE(nn.Module):
    """pytorch/examples vae/main.py."""

    def __init__(self, latent_dim: int = 20):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = nn.Linear(784, 400), nn.Linear(400, latent_dim), nn.Linear(400, latent_dim)
        self.fc3, self.fc4 = nn.Linear(latent_dim, 400), nn.Linear(400, 784)

    def encode(self, x):
        h = F.relu(self.fc1(x.flatten(1)))
        return self.fc21(h), self.fc22(h)

    def decode_logits(self, z):
        return self.fc4(F.relu(self.fc3(z)))

    def loss(self, x):
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        bce = F.binary_cross_entropy_with_logits(self.decode_logits(z), x.flatten(1), reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return (bce + kld) / len(x)

    @torch.no_grad()
    def quality(self, x):
        """-ELBO per image with the mean code's decoder, as aeviz's VAE.neg_elbo computes it."""
        mu, logvar = self.encode(x)
        bce = F.binary_cross_entropy_with_logits(self.decode_logits(mu), x.flatten(1), reduction="sum") / len(x)
        return float(bce - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / len(x))


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":  # CUDA runs ahead of Python: wait for its steps before reading the clock
        torch.cuda.synchronize(device)


def textbook(make, epochs: int, device, seed: int) -> list[tuple[int, float, float]]:
    """(epoch, wall-clock seconds since the call, test figure) after every epoch, in float32 as
    the tutorials run it."""
    start = time.perf_counter()
    aeviz.datasets.forget_loaded()
    train_x, test_x = aeviz.load_dataset("mnist5k", "train").x, aeviz.load_dataset("mnist5k", "test").x
    torch.manual_seed(seed)
    model, test_x = make().to(device), test_x.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = torch.utils.data.DataLoader(TextbookDataset(train_x), batch_size=128, shuffle=True)
    curve = []
    for epoch in range(1, epochs + 1):
        model.train()
        for x in loader:
            opt.zero_grad()
            model.loss(x.to(device, non_blocking=True)).backward()
            opt.step()
        model.eval()
        q = model.quality(test_x)
        synchronize(device)  # CUDA runs ahead of Python: its steps are done before the clock is read
        curve.append((epoch, time.perf_counter() - start, q))
    return curve


def ours(cfg, device) -> list[tuple[int, float, float]]:
    figure = "test_neg_elbo" if aeviz.models.abilities(cfg).elbo else "test_mse"
    curve = []
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        aeviz.datasets.forget_loaded()
        train(cfg, on_epoch_end=lambda epoch, logs: curve.append((epoch, time.perf_counter() - start, logs[figure])),
              ckpt_dir=folder, device=device, force=True)
    return curve


def first_reaching(curve, target: float) -> tuple[int, float] | None:
    return next(((e, s) for e, s, q in curve if q <= target), None)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=10, help="epochs of the textbook loop (its figure is the target)")
    ap.add_argument("--models", default="conv,vae")
    ap.add_argument("--seeds", default="0,1,2,3,90210")
    ap.add_argument("--curves", action="store_true", help="print every epoch of every run too")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (aeviz trains with bf16 autocast there)")
    ap.add_argument("--set", nargs="*", type=setting, default=[],
                    help="aeviz's side with settings changed from its defaults, e.g. hidden=(8,16) batch_size=64")
    args = ap.parse_args(argv)
    device = torch.device(args.device)
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"{cpu_name()}, torch {torch.__version__}, {torch.get_num_threads()} threads, mnist5k, "
          f"device {device_name(device)}; wall-clock seconds from the call")
    summary = []
    for name in args.models.split(","):
        vae = name == "vae"
        make, unit = (lambda: TextbookVAE(20), "test -ELBO") if vae else (lambda: TextbookConvAE(16), "test MSE")
        rows, ratios = [], []
        for seed in seeds:
            cfg = aeviz.defaults_for(name, latent_dim=20 if vae else 16, seed=seed, **dict(args.set))
            ref, mine = textbook(make, args.epochs, device, seed), ours(cfg, device)
            if args.curves:
                print(f"\n{name}, seed {seed}: {unit} against wall-clock seconds")
                print_table(("loop", "epoch", "seconds", unit),
                            [("textbook", e, f"{s:.1f}", f"{q:.5g}") for e, s, q in ref]
                            + [("aeviz", e, f"{s:.1f}", f"{q:.5g}") for e, s, q in mine])
            target, ref_seconds = ref[-1][2], ref[-1][1]
            hit = first_reaching(mine, target)
            ratios.append(ref_seconds / hit[1] if hit else 0.0)
            rows.append((seed, f"{target:.5g} in {ref_seconds:.1f} s",
                         f"epoch {hit[0]}, {hit[1]:.1f} s" if hit else "never", f"{ratios[-1]:.2f}x",
                         f"{mine[0][2]:.5g}", f"{mine[-1][2]:.5g} in {mine[-1][1]:.1f} s"))
        print(f"\n{name} ({unit}): time to the textbook's {args.epochs}-epoch figure, per seed")
        print_table(("seed", f"textbook after {args.epochs} epochs", "aeviz reaches it", "sooner",
                     "aeviz after epoch 1", "aeviz final"), rows)
        summary.append((name, unit, len(seeds), f"{statistics.median(ratios):.2f}x", f"{min(ratios):.2f}x"))
    print("\nTime to the textbook's final figure over the seeds (targets: median 3x, worst 2x)")
    print_table(("model", "figure", "seeds", "median sooner", "worst"), summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
