"""What a registry entry says about a model: how to build it, what it is, its defaults and
what it can do. Its own module, so the model classes can name their abilities too."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

# The model-specific settings a spec can declare, with the TrainConfig fields each one sets.
# Every model also takes the general ones (code size, widths, loss, lr, epochs, noise).
SETTINGS: dict[str, tuple[str, ...]] = {
    "beta": ("beta",),
    "sparsity": ("sparsity", "sparsity_weight", "sparsity_target"),
    "contractive": ("contractive_weight",),
    "fully_conv": ("fully_conv",),
    "stage_convs": ("stage_convs",),  # the conv family's depth per stage
    "full_size_conv": ("full_size_conv",),  # the conv family's layers at the image's full size
    "log_error": ("log_error",),      # the error per image through its log (colorizer, residual denoiser)
    "noise_map": ("noise_map",),      # the noise level as an input (residual denoiser)
}


@dataclass(frozen=True)
class Abilities:
    """What a model can do, so that a page asks `abilities(cfg).prior`, not `name == "vae"`."""
    vector_code: bool = True      # encode() gives (N, latent_dim): maps, sliders, sampling, PCA
    colorizes: bool = False       # takes the gray image and gives colour back
    # a colorizer the user steers: guess(gray, hints, palette) takes color hints at pixels and a
    # reference photo's palette (models/colorizer.py); aeviz.apply.colorize passes them
    hints: bool = False
    prior: bool = False           # trained towards N(0, I), so sample() draws from that prior
    elbo: bool = False            # neg_elbo() gives the model's -ELBO (a likelihood bound)
    # encode_dist() gives q(z|x) as a diagonal Gaussian (mean, log-variance): a KL per dimension
    gaussian_posterior: bool = False
    # A wide code of which each image uses a few units: its fair linear baseline is PCA with as
    # many components as the units an image uses on average, not as the code is wide.
    sparse_code: bool = False
    # latent_dim sizes its code (a vector, or a map's channels); False where nothing is squeezed
    # through a code (the residual denoiser's is the noise it predicts, at the image's size)
    code_size: bool = True
    settings: tuple[str, ...] = ()  # keys of SETTINGS that apply to it

    def __post_init__(self):
        unknown = set(self.settings) - set(SETTINGS)
        if unknown:
            raise ValueError(f"Unknown setting(s) {sorted(unknown)}; choose from {sorted(SETTINGS)}.")

    def fields(self) -> set[str]:
        """The TrainConfig fields of the model-specific settings that apply."""
        return {f for s in self.settings for f in SETTINGS[s]}


@dataclass(frozen=True)
class lazy:  # noqa: N801 - stands where the class or function it names would
    """A class or function of a module of aeviz.models, imported when first called: the
    registry then costs no torch until a model is built or a config of it checked."""
    module: str
    name: str

    def resolve(self):
        """The class or function itself (its module imported)."""
        return getattr(importlib.import_module(f"{__package__}.{self.module}"), self.name)

    def __call__(self, *args, **kwargs):
        return self.resolve()(*args, **kwargs)


@dataclass(frozen=True)
class ModelSpec:
    factory: Callable[..., "Autoencoder"]  # noqa: F821  (models/base.py)
    description: str
    defaults: dict = field(default_factory=dict)
    abilities: Abilities = Abilities()
    title: str = ""  # how the model reads in a picker ("VAE", "denoiser"); the name when empty
    # cfg -> what in it the model cannot take (a phrase), or None; TrainConfig.validate asks it
    config_problem: Callable[..., str | None] | None = None
