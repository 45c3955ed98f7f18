"""Compression: the codes quantized to b bits a dimension and entropy-coded, decoded, and
the bytes per test image against PSNR and SSIM; beside them, at the same bytes per image,
PCA's quantized coefficients (the same quantizer and coder), JPEG and WebP.

"At the same bytes" means the best a baseline does without spending more: the highest
PSNR among its settings (PCA's number of components and bits; a codec's size and quality)
whose bytes per image are at most the autoencoder's; None where even its smallest setting
needs more. The autoencoder's decoder and PCA's axes, like JPEG's decoder, are the codec
and are not counted; everything an image needs beyond them is."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..latent import decode
from . import codecs, entropy
from .curves import BYTES, PSNR, best_within, sweep
from .quantize import Quantizer
from .spaces import Spaces

BITS = (2, 3, 4, 6, 8)
# Baselines are measured up to this many times the codes' largest bytes per image (and one
# setting beyond): the range the plot shows, where the comparisons at equal bytes are made.
PLOT_RANGE = 4


def coded(quantizer: Quantizer, values: np.ndarray) -> tuple[float, np.ndarray]:
    """Bytes per row of values (the stream, and the quantizer's ranges shared by the rows),
    and the values decoded from those bytes."""
    blob = entropy.encode(quantizer.symbols(values))
    return (len(blob) + quantizer.side_bytes) / len(values), quantizer.values(entropy.decode(blob))


def code_curve(model, spaces: Spaces) -> np.ndarray:
    """Rows of (bits, bytes per image, PSNR, SSIM) of the model's quantized codes."""
    def measure(setting):
        size, codes = coded(Quantizer.fit(spaces.train_codes[spaces.seen], setting[0]), spaces.test_codes)
        return size, decode(model, codes)
    return sweep([[(bits,) for bits in BITS]], measure, spaces.test_x)


def pca_curve(spaces: Spaces, up_to: float = np.inf) -> np.ndarray:
    """Rows of (components, bits, bytes per image, PSNR, SSIM) of PCA's quantized coefficients."""
    def measure(setting):
        k, bits = setting
        train, test = spaces.pca(k)
        size, coefficients = coded(Quantizer.fit(train[spaces.seen], bits), test)
        return size, spaces.pca_images(coefficients)
    return sweep([[(k, bits) for bits in BITS] for k in spaces.pca_sizes()], measure, spaces.test_x, up_to)


def compression(model, spaces: Spaces, progress: Callable[[float, str], None]) -> tuple[list[dict], dict]:
    """The JSON rows, one per bit depth, and every curve (for the rate-distortion plot)."""
    progress(0.0, "quantizing and entropy-coding the codes")
    curves = {"codes": code_curve(model, spaces)}
    up_to = PLOT_RANGE * curves["codes"][:, BYTES].max()
    progress(0.25, "PCA with quantized coefficients")
    curves["pca"] = pca_curve(spaces, up_to)
    progress(0.4, "JPEG at several sizes and qualities")
    curves["jpeg"] = codecs.curve("jpeg", spaces.test_x, up_to)
    progress(0.7, "WebP at several sizes and qualities")
    curves["webp"] = codecs.curve("webp", spaces.test_x, up_to)
    rows = [{"bits": int(bits), "bytes_per_image": float(size), "psnr": float(p), "ssim": float(s),
             "jpeg_psnr": best_within(curves["jpeg"], size), "webp_psnr": best_within(curves["webp"], size),
             "pca_psnr": best_within(curves["pca"], size)}
            for bits, size, p, s in curves["codes"]]
    return rows, curves


def overtakes(curve: np.ndarray, codes: np.ndarray) -> float | None:
    """The fewest bytes per image at which a baseline beats the codes' best PSNR; None if
    it never does in the range measured."""
    better = curve[curve[:, PSNR] > codes[:, PSNR].max()]
    return float(better[:, BYTES].min()) if len(better) else None
