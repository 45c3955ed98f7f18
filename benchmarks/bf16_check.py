"""Does bf16 autocast speed up a training step on this CPU? Images per second of the conv,
vae and transformer training steps in float32 and under torch.autocast("cpu", bfloat16).

    python benchmarks/bf16_check.py"""
import contextlib
import statistics
import time

import torch

import aeviz


def images_per_second(name: str, autocast) -> float:
    torch.manual_seed(0)
    ds = aeviz.load_dataset("mnist5k", "train")
    model = aeviz.build(aeviz.defaults_for(name), ds.image_shape)
    opts, x = model.optimizers(), ds.x[:128]
    for _ in range(3):  # warm-up: oneDNN picks its kernels on the first calls
        model.train_step(x, x, opts, autocast)
    times = []
    for _ in range(10):
        start = time.perf_counter()
        model.train_step(x, x, opts, autocast)
        times.append(time.perf_counter() - start)
    return 128 / statistics.median(times)


def main():
    bf16 = lambda: torch.autocast("cpu", dtype=torch.bfloat16)  # noqa: E731
    print(f"torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}")
    print("| model | float32 img/s | bf16 autocast img/s | bf16 / float32 |")
    print("|---|---|---|---|")
    for name in ("conv", "vae", "transformer"):
        f32, b16 = images_per_second(name, contextlib.nullcontext), images_per_second(name, bf16)
        print(f"| {name} | {f32:.0f} | {b16:.0f} | {b16 / f32:.2f}x |")


if __name__ == "__main__":
    main()
