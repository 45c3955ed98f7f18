"""The model registry: one dict from name to a spec, and build(cfg) to make one.

Each spec holds the factory, a one-line description and the defaults that make the model
what its name says (the denoiser's noise, the VAE's loss); a user's config overrides them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .aae import AAE
from .base import Autoencoder
from .colorizer import Colorizer
from .conv import build_conv
from .dense import ContractiveAE, DenseAE, SparseAE
from .transformer import TransformerAE
from .vae import VAE


@dataclass(frozen=True)
class ModelSpec:
    factory: Callable[..., Autoencoder]
    description: str
    defaults: dict = field(default_factory=dict)


MODELS: dict[str, ModelSpec] = {
    "vanilla": ModelSpec(DenseAE, "one dense layer to the code and one back", {"latent_dim": 32}),
    "deep": ModelSpec(DenseAE, "a stack of dense layers, the decoder mirrors the encoder",
                      {"hidden": (512, 256), "latent_dim": 16}),
    "conv": ModelSpec(build_conv, "strided convolutions, a dense code, transposed convolutions",
                      {"latent_dim": 16}),
    "denoising": ModelSpec(build_conv, "a conv autoencoder trained to remove noise from its input",
                           {"noise": "gaussian", "noise_level": 0.3, "latent_dim": 32}),
    "sparse": ModelSpec(SparseAE, "a wide code kept sparse by an L1 or KL penalty",
                        {"hidden": (512,), "latent_dim": 256, "sparsity_weight": 1e-3}),
    "contractive": ModelSpec(ContractiveAE, "a sigmoid code penalized by its Jacobian's Frobenius norm",
                             {"hidden": (256,), "latent_dim": 32, "contractive_weight": 1e-4}),
    "vae": ModelSpec(VAE, "variational: a Gaussian code, KL to N(0, I), weighted by beta",
                     {"loss": "bce", "latent_dim": 16}),
    "aae": ModelSpec(AAE, "adversarial: a discriminator pushes the codes towards N(0, I)",
                     {"hidden": (512, 256), "latent_dim": 8}),
    "colorizer": ModelSpec(Colorizer, "gray in, color out: predicts Lab's a and b, any image size",
                           {"dataset": "photos", "fully_conv": True, "latent_dim": 64, "hidden": (32, 64)}),
    "transformer": ModelSpec(TransformerAE, "patch tokens through a transformer encoder and decoder",
                             {"latent_dim": 32, "lr": 5e-4}),
}


def build(cfg, image_shape) -> Autoencoder:
    """The one place a model is made: from its config and the (C, H, W) of its images."""
    return MODELS[cfg.model].factory(cfg, tuple(image_shape))


__all__ = ["MODELS", "ModelSpec", "Autoencoder", "build"]
