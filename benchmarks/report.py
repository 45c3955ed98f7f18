"""What every benchmark prints besides its figures: one line naming the machine and the
library versions, and a markdown table. Imports nothing heavy, so a benchmark that times
its own imports can use it."""
from __future__ import annotations

import os
from importlib import metadata


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


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


def print_table(header, rows) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
