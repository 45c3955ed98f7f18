"""Uniform scalar quantization of codes (or PCA coefficients), per dimension, to b bits.

The range of each dimension is fitted on the training codes, from their 0.5th to their
99.5th percentile: a few outlying codes would otherwise stretch every bin, and the codes
beyond it are clipped to the end bins. A symbol decodes to its bin's midpoint. The ranges
are the quantizer's only parameters (two float32 numbers a dimension), and side_bytes
counts them, so that a compressed split pays for them once."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TAIL = 0.5  # percent of the training codes left beyond each end of a dimension's range


@dataclass(frozen=True)
class Quantizer:
    low: np.ndarray    # (D,) float32
    high: np.ndarray   # (D,) float32, above low
    bits: int

    @classmethod
    def fit(cls, train: np.ndarray, bits: int) -> Quantizer:
        if not 1 <= bits <= 8:
            raise ValueError(f"bits must lie from 1 to 8, not {bits}.")
        low, high = np.percentile(train, [TAIL, 100 - TAIL], axis=0).astype(np.float32)
        high = np.maximum(high, low + 1e-6)  # a constant dimension still gets a range
        return cls(low, high, bits)

    @property
    def levels(self) -> int:
        return 2 ** self.bits

    @property
    def side_bytes(self) -> int:
        return self.low.nbytes + self.high.nbytes

    def symbols(self, values: np.ndarray) -> np.ndarray:
        scaled = (np.asarray(values, np.float32) - self.low) / (self.high - self.low) * self.levels
        return np.clip(np.floor(scaled), 0, self.levels - 1).astype(np.uint8)

    def values(self, symbols: np.ndarray) -> np.ndarray:
        return (self.low + (symbols.astype(np.float32) + 0.5) / self.levels * (self.high - self.low)).astype(np.float32)
