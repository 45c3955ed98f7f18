"""What every benchmark prints besides its figures: one line naming the machine and the
library versions, and a markdown table. Imports nothing heavy, so a benchmark that times
its own imports can use it."""
from __future__ import annotations

import ast
import os
import platform
from importlib import metadata


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def device_name(device) -> str:
    """"cpu", or the GPU's own name ("cuda: NVIDIA H200"): a figure says where it was measured."""
    if device.type != "cuda":
        return device.type
    import torch
    return f"cuda: {torch.cuda.get_device_name(device)}, bf16 {'yes' if torch.cuda.is_bf16_supported() else 'no'}"


def machine_line() -> str:
    model = cpu_name()
    versions = []
    for pkg in ("torch", "umap-learn", "pynndescent", "numba", "scikit-learn"):
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            pass
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    return f"machine: {model}, {os.cpu_count()} cores, OMP_NUM_THREADS={threads}; " + ", ".join(versions)


def server_machine() -> str:
    """The line for the benchmarks that drive a Streamlit server (imports torch and streamlit)."""
    import streamlit
    import torch
    return (f"{cpu_name()}, {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), torch {torch.__version__} "
            f"({torch.get_num_threads()} threads), streamlit {streamlit.__version__}, "
            f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, Python {platform.python_version()}")


def setting(text: str) -> tuple[str, object]:
    """A --set argument, key=value, as a recipe setting: a Python literal, else a word."""
    key, _, value = text.partition("=")
    try:
        return key, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return key, value  # a word: a loss or noise name


def pct(xs, q: float) -> float:
    """The q-th percentile of xs; nan when there is none."""
    import numpy as np
    return float(np.percentile(xs, q)) if len(xs) else float("nan")


def print_table(header, rows) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
