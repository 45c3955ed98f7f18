"""How a run is carried out, as opposed to what it learns (config.py): streaming the data,
loader workers, torch.compile. Two runs that differ here train the same model to the same
result within float noise, so none of it enters the checkpoint id; the checkpoint records it
(with the world size) in its metadata."""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..config import ConfigError


@dataclass(frozen=True)
class Runtime:
    # True: stream the training images through a DataLoader; False: hold them in one tensor;
    # None: stream only a folder: or torchvision dataset whose float32 images exceed memory_budget
    # (the embedded datasets are small and always held).
    stream: bool | None = None
    workers: int = 2                  # DataLoader worker processes when streaming
    memory_budget: int | None = None  # bytes; None: $AEVIZ_MEMORY_BUDGET, else a quarter of the RAM
    compile: bool = False             # torch.compile the training loss (the first steps compile it)

    def __post_init__(self):
        if self.workers < 0:
            raise ConfigError(f"workers must be 0 or more, not {self.workers}.")

    def budget(self) -> int:
        if self.memory_budget is not None:
            return self.memory_budget
        if text := os.environ.get("AEVIZ_MEMORY_BUDGET"):
            return parse_bytes(text)
        try:
            return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 4
        except (ValueError, OSError, AttributeError):  # no sysconf (Windows): 4 GiB
            return 4 << 30


def parse_bytes(text: str) -> int:
    """A size as a user writes it: 512M, 8G, 1.5G or a plain number of bytes."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    try:  # OverflowError: "infG"; a size below zero is no size either
        size = int(float(t[:-1]) * units[t[-1]]) if t and t[-1] in units else int(t)
        if size < 0:
            raise ValueError(size)
        return size
    except (ValueError, KeyError, OverflowError):
        raise ConfigError(f"'{text}' is not a memory size; write it as 512M, 8G or a number of bytes.") from None
