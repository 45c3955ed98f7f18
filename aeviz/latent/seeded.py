"""The samplers' seeded noise, the same in numpy as in the page (web/sampler/generator.js):
mulberry32 for uniforms and Box-Muller for standard normals. A seed so gives the same codes
from aeviz.latent's sampling as from the Sampling page's sliders.

mulberry32's state after k draws is seed + k * 0x6D2B79F5 (mod 2**32), so every uniform is a
function of its index alone and the whole stream is computed at once."""
from __future__ import annotations

import numpy as np

_STEP = 0x6D2B79F5
_MASK = 0xFFFFFFFF


def _imul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """JavaScript's Math.imul on uint32 bit patterns: the low 32 bits of the product."""
    return (a * b) & _MASK  # two 32-bit factors fit in uint64


def uniforms(seed: int, count: int) -> np.ndarray:
    """The first count uniforms in [0, 1) of mulberry32 seeded with seed's low 32 bits."""
    a = (np.uint64(seed & _MASK) + np.arange(1, count + 1, dtype=np.uint64) * np.uint64(_STEP)) & _MASK
    t = _imul(a ^ (a >> 15), a | 1)
    t = ((t + _imul(t ^ (t >> 7), t | 61)) & _MASK) ^ t
    return (t ^ (t >> 14)).astype(np.float64) / 2.0**32


def mixture_noise(seed: int, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """For n codes of d numbers, in the page's order of draws (a code's component, then its d
    normals, a Box-Muller pair's second normal kept for the next request): the n uniforms
    that choose components and the (n, d) standard normals."""
    pairs = (n * d + 1) // 2
    p = np.arange(pairs)
    # uniforms drawn before pair p: a component's per code asked for so far, and two per earlier pair
    first = (2 * p) // d + 1 + 2 * p
    i = np.arange(n)
    choice = i + 2 * ((i * d + 1) // 2)
    u = uniforms(seed, int(max(first[-1] + 2 if pairs else 0, choice[-1] + 1 if n else 0)))
    r = np.sqrt(-2 * np.log(1 - u[first]))
    angle = 2 * np.pi * u[first + 1]
    normals = np.stack([r * np.cos(angle), r * np.sin(angle)], 1).ravel()[:n * d]
    return u[choice], normals.reshape(n, d)
