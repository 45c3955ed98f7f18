"""Decoders, encoders, map inverses and the hint colorizer as ONNX graphs, so a browser (onnxruntime-web)
or any other runtime can run them without the server.

A decoder or an inverse takes float32 codes (N, latent_dim) or map points (N, 2) and returns
what the dashboard shows: images (N, C, H, W) in [0, 1], or codes; an encoder takes flat
images (N, C*H*W) and returns codes. The colorizer's graph is
Colorizer.guess: gray, hints and palette in, a and b out, at any size. An export is computed once per
checkpoint (or map) and kept beside it in the user's cache, like the maps themselves; the
cache key carries the checkpoint's checksum, so a retrained checkpoint never meets a stale
graph."""
from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import torch

from .. import artifacts
from ..latent import Projection
from ..safefile import write_atomic

# Opset 17 runs in every onnxruntime and onnxruntime-web of the last three years.
OPSET = 17


class ExportError(ValueError):
    """A model that has nothing to export (no vector code); the message says why."""


class _Decoder(torch.nn.Module):
    """codes -> images as the dashboard shows them: cropped to the data's size (fully
    convolutional decoders pad) and clamped, as Autoencoder.reconstruct does."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.h, self.w = model.image_shape[-2:]

    def forward(self, z):
        return self.model.decode(z)[..., : self.h, : self.w].clamp(0, 1)


def _to_onnx(module: torch.nn.Module, examples: tuple, names: tuple[list[str], list[str]],
             dynamic: dict[str, dict[int, str]]) -> bytes:
    buf = io.BytesIO()
    fastpath = torch.backends.mha.get_fastpath_enabled()
    # The transformer's layers take a fused inference kernel in eval mode that ONNX has no
    # operator for; the plain path they trace to instead computes the same thing.
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        with warnings.catch_warnings():
            # The TorchScript exporter: it needs no onnxscript and writes one self-contained file
            # for these small feed-forward graphs; torch warns that it is no longer the default
            # (and, for the colorizer, that its padding reads the input's size: see colorizer_bytes).
            warnings.simplefilter("ignore")
            torch.onnx.export(module, examples, buf, dynamo=False, opset_version=OPSET,
                              input_names=names[0], output_names=names[1], dynamic_axes=dynamic)
    finally:
        torch.backends.mha.set_fastpath_enabled(fastpath)
    return buf.getvalue()


def _batched(inputs: str, output: str) -> tuple:
    """A one-input graph whose first axis (N) is free."""
    return ([inputs], [output]), {inputs: {0: "n"}, output: {0: "n"}}


def decoder_bytes(model) -> bytes:
    """The ONNX graph of model.decode: input "z" (N, latent_dim), output "image" (N, C, H, W)."""
    if not model.abilities.vector_code:
        raise ExportError(f"A {model.cfg.model} model has no vector code to decode from, "
                          "so it has no decoder to export.")
    if next(model.parameters()).device.type != "cpu":
        raise ExportError("Export a model loaded on the CPU.")
    example = torch.zeros(2, model.cfg.latent_dim)
    # The wrapper in eval mode too: the exporter puts back the mode of the module it is given,
    # and a wrapper left in training mode took the model's batch norms with it.
    with torch.no_grad():
        return _to_onnx(_Decoder(model.eval()).eval(), (example,), *_batched("z", "image"))


class _Encoder(torch.nn.Module):
    """Flat images (N, C*H*W) in [0, 1] -> codes (N, latent_dim), as latent.encode_all makes
    them (a VAE's mean). Flat, so a page runs it through the same (N, width) call as a decoder."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.shape = tuple(model.image_shape)

    def forward(self, x):
        return self.model.encode(self.model.prepare(x.reshape(-1, *self.shape))).flatten(1)


def encoder_bytes(model) -> bytes:
    """The ONNX graph of model.encode: input "image" (N, C*H*W), output "z" (N, latent_dim)."""
    if not model.abilities.vector_code:
        raise ExportError(f"A {model.cfg.model} model has no vector code, so it has no encoder to export.")
    if next(model.parameters()).device.type != "cpu":
        raise ExportError("Export a model loaded on the CPU.")
    example = torch.rand(2, int(np.prod(model.image_shape)))
    with torch.no_grad():
        return _to_onnx(_Encoder(model.eval()).eval(), (example,), *_batched("image", "z"))


class _Inverse(torch.nn.Module):
    """Projection.inverse as a graph: (point - center) / scale through the ReLU network."""

    def __init__(self, proj: Projection):
        super().__init__()
        w = [torch.from_numpy(np.asarray(a, np.float32)) for a in proj.inverse_weights]
        self.layers = torch.nn.ModuleList()
        for i in range(0, len(w), 2):
            layer = torch.nn.Linear(*w[i].shape)
            layer.weight.data, layer.bias.data = w[i].T.contiguous(), w[i + 1]
            self.layers.append(layer)
        self.register_buffer("center", torch.from_numpy(np.asarray(proj.center, np.float32)))
        self.scale = float(proj.scale)

    def forward(self, p):
        h = (p - self.center) / self.scale
        for layer in self.layers[:-1]:
            h = torch.relu(layer(h))
        return self.layers[-1](h)


def inverse_bytes(proj: Projection) -> bytes:
    """The ONNX graph of a 2D map's inverse: input "point" (N, 2), output "z" (N, latent_dim)."""
    if proj.inverse_weights is None:
        raise ExportError("This map has no inverse to export (only 2D maps have one).")
    with torch.no_grad():
        return _to_onnx(_Inverse(proj).eval(), (torch.zeros(2, 2),), *_batched("point", "z"))


class _Guess(torch.nn.Module):
    """Colorizer.guess as the module the exporter traces."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, gray, hints, palette):
        return self.model.guess(gray, hints, palette)


# The traced example's size: neither side a multiple of the network's stride, so the padding
# it needs is traced (from the input's shape, as Pad and Slice operators) rather than left out,
# and inputs that need none pad by zero rows. tests/test_core_onnx.py runs both kinds of size.
EXAMPLE_SIZE = (67, 93)


def colorizer_bytes(model) -> bytes:
    """The ONNX graph of Colorizer.guess: inputs "gray" (1, 1, h, w), "hints" (1, 3, h, w) and
    "palette" (1, PALETTE_SIZE), output "ab" (1, 2, h, w); h and w free."""
    from ..color import PALETTE_SIZE

    if not model.abilities.hints:
        raise ExportError(f"A {model.cfg.model} model takes no hints, so it has no colorizer graph to export.")
    if next(model.parameters()).device.type != "cpu":
        raise ExportError("Export a model loaded on the CPU.")
    h, w = EXAMPLE_SIZE
    examples = (torch.rand(1, 1, h, w), torch.zeros(1, 3, h, w), torch.zeros(1, PALETTE_SIZE))
    free = {2: "h", 3: "w"}
    with torch.no_grad():
        return _to_onnx(_Guess(model.eval()).eval(), examples, (["gray", "hints", "palette"], ["ab"]),
                        {"gray": free, "hints": free, "ab": free})


def read_graph(path: Path) -> bytes:
    """An ONNX file's bytes; a file that is not an ONNX graph (damaged, foreign) is a ValueError."""
    import onnx
    from google.protobuf.message import DecodeError

    data = path.read_bytes()
    try:
        graph = onnx.load_model_from_string(data).graph
    except DecodeError as exc:
        raise ValueError(f"{path.name} is not an ONNX graph") from exc
    if not graph.node:
        raise ValueError(f"{path.name} is not an ONNX graph")
    return data


# The decoder does not depend on a split: its file is `{checkpoint}.{checksum}.all.decoder.onnx`.
DECODER = artifacts.Kind("decoder", "the decoder's ONNX export", read_graph, lambda f, data: f.write(data), ".onnx")


def cached_decoder(model) -> bytes:
    """decoder_bytes, computed once per checkpoint: beside the checkpoint when shipped with it,
    else in the user's cache."""
    return artifacts.get(model, DECODER, "all", lambda: decoder_bytes(model))


# The encoder's, per checkpoint too: `{checkpoint}.{checksum}.all.encoder.onnx`.
ENCODER = artifacts.Kind("encoder", "the encoder's ONNX export", read_graph, lambda f, data: f.write(data), ".onnx")


def cached_encoder(model) -> bytes:
    """encoder_bytes, computed once per checkpoint (beside it when shipped, else in the user's cache)."""
    return artifacts.get(model, ENCODER, "all", lambda: encoder_bytes(model))


# The colorizer's graph, per checkpoint too: `{checkpoint}.{checksum}.all.colorizer3.onnx`. The
# "3": the graph holds guess()'s reading of hints and of the reference, which changed (hints
# spread across lightness, and read by lightness and texture beyond their spread; the reference's
# colors given by lightness and texture, through a longer palette input), and a graph cached
# before it would otherwise stay in the user's cache.
COLORIZER = artifacts.Kind("colorizer3", "the colorizer's ONNX export", read_graph, lambda f, data: f.write(data), ".onnx")


def cached_colorizer(model) -> bytes:
    """colorizer_bytes, computed once per checkpoint (beside it when shipped, else in the user's cache)."""
    return artifacts.get(model, COLORIZER, "all", lambda: colorizer_bytes(model))


def write_decoder(model, out: Path) -> Path:
    """`aeviz export CKPT --onnx FILE`."""
    return write_atomic(Path(out), cached_decoder(model), "the ONNX file")
