"""The model registry: one dict from name to a spec, and build(cfg) to make one.

Each spec holds the factory, a one-line description, the defaults that make the model
what its name says (the denoiser's noise, the VAE's loss), with a recipe (epochs, learning
rate) that beats PCA on mnist5k in about two minutes on a 2-core CPU at most
(benchmarks/recipes.py), and what the model can do (Abilities). The views, the CLI and the dashboard ask a spec's abilities, never a name:
a model registered here (or with register()) shows up everywhere with no other edit.

    MODELS["vae"].abilities.prior            # True: it samples from N(0, I)
    abilities(cfg).vector_code               # for one config: a fully_conv conv model has none
"""
from __future__ import annotations

from dataclasses import replace

from .checks import residual_problem
from .spec import SETTINGS, Abilities, ModelSpec, lazy

# The classes are named, not imported: they import torch (2 s), and reading a checkpoint's
# header, its abilities and title (the dashboard's sidebar and first page) needs none of it.
DenseAE, ContractiveAE, SparseAE = lazy("dense", "DenseAE"), lazy("dense", "ContractiveAE"), lazy("dense", "SparseAE")
build_conv, VAE, AAE = lazy("conv", "build_conv"), lazy("vae", "VAE"), lazy("aae", "AAE")
Colorizer, ResidualDenoiser, TransformerAE = lazy("colorizer", "Colorizer"), lazy("residual", "ResidualDenoiser"), \
    lazy("transformer", "TransformerAE")
config_problem = lazy("transformer", "config_problem")

MODELS: dict[str, ModelSpec] = {
    "vanilla": ModelSpec(DenseAE, "one dense layer to the code and one back", {"latent_dim": 32, "epochs": 60, "lr": 3e-3}),
    "deep": ModelSpec(DenseAE, "a stack of dense layers, the decoder mirrors the encoder",
                      {"hidden": (512, 256), "latent_dim": 16, "epochs": 40, "lr": 2e-3}),
    "conv": ModelSpec(build_conv, "strided convolutions, a dense code, transposed convolutions",
                      # Half the channels, one conv a stage and batches of 32: the textbook model's 10-epoch
                      # test error in under a third of its time, and a far better one at 10 (BENCHMARKS.md,
                      # time to quality).
                      {"latent_dim": 16, "hidden": (16, 32), "stage_convs": 1, "batch_size": 32, "lr": 3e-3,
                       "epochs": 10},
                      Abilities(settings=("fully_conv", "stage_convs", "full_size_conv"))),
    "denoising": ModelSpec(build_conv, "a conv autoencoder trained to remove noise from its input",
                           {"noise": "gaussian", "noise_level": 0.3, "latent_dim": 32, "epochs": 10},
                           Abilities(settings=("fully_conv", "stage_convs", "full_size_conv")), title="denoiser"),
    "sparse": ModelSpec(SparseAE, "a wide code kept sparse by an L1 or KL penalty",
                        {"hidden": (512,), "latent_dim": 256, "sparsity_weight": 0.1, "epochs": 40, "lr": 3e-3},
                        Abilities(sparse_code=True, settings=("sparsity",))),
    "contractive": ModelSpec(ContractiveAE, "a sigmoid code penalized by its Jacobian's Frobenius norm",
                             {"hidden": (256,), "latent_dim": 32, "contractive_weight": 1e-4, "epochs": 120,
                              "lr": 3e-3},
                             Abilities(settings=("contractive",))),
    "vae": ModelSpec(VAE, "variational: a Gaussian code, KL to N(0, I), weighted by beta",
                     # One stage of 16 channels, one conv a stage, the last transposed conv drawing the
                     # image, batches of 16 at lr 4e-3: the textbook VAE's 10-epoch -ELBO after one
                     # epoch of 0.8-1.0 s for each of 11 seeds. With the full-size conv an epoch took
                     # 1.1-1.4 s (batches of 24 at 3e-3; 32 needed two epochs for some seeds); without
                     # it, batches of 24 or 20 needed two (BENCHMARKS.md, time to quality).
                     {"loss": "bce", "latent_dim": 16, "hidden": (16,), "stage_convs": 1, "full_size_conv": False,
                      "batch_size": 16, "lr": 4e-3, "epochs": 10},
                     Abilities(prior=True, elbo=True, gaussian_posterior=True,
                               settings=("beta", "stage_convs", "full_size_conv")),
                     title="VAE"),
    "aae": ModelSpec(AAE, "adversarial: a discriminator pushes the codes towards N(0, I)",
                     {"hidden": (512, 256), "latent_dim": 8, "epochs": 60, "lr": 2e-3},
                     Abilities(prior=True, settings=("beta",)),
                     title="AAE"),
    "colorizer": ModelSpec(Colorizer, "gray in, color out, steered by color hints and a reference photo: "
                                      "predicts Lab's a and b, any image size",
                           # Half the old automatic colorizer's widths, scenes of 32 px (its working size), batches
                           # of 32 and a one-cycle rate: the U-Net with its hint branch costs more a pixel. 60
                           # epochs (about 16 minutes on a 2-core CPU) against 2, on validation photos of subjects
                           # it never saw: 10 hints +5.16 dB against +4.26, 5 hints +3.27 against +2.51
                           # (benchmarks/colorizer_validation.py, BENCHMARKS.md, the colorizer on photos).
                           {"dataset": "debian-scenes", "fully_conv": True, "latent_dim": 64, "hidden": (16, 32, 64),
                            "image_size": 32, "batch_size": 32, "lr": 2e-3, "schedule": "onecycle", "epochs": 60},
                           Abilities(vector_code=False, colorizes=True, hints=True, settings=("stage_convs", "log_error"))),
    "residual": ModelSpec(ResidualDenoiser, "predicts the noise and subtracts it: a small U-Net for every noise level",
                          # Every noise level from 0 to 0.5, each image's error through its log: with the
                          # summed error (and 6 epochs) the held-out photos at sigma 0.05, 0.1, 0.2 and 0.3
                          # gained -1.39, +4.35, +9.77 and +11.34 dB; with the log +3.87, +7.79, +10.67 and
                          # +11.86, all of the predicted noise taken away (BENCHMARKS.md, photo denoisers
                          # against the classical ones; models/residual.py takes less at light noise).
                          # Told the noise level (noise_map), on training photos +5.92 and +9.00 dB at
                          # sigma 0.05 and 0.1 against +4.78 and +8.38 blind at 14 epochs; +6.65 and +9.97
                          # at 30, +7.09 and +10.39 at 60, +7.60 and +10.58 at 120 (benchmarks/denoiser_shrink.py,
                          # BENCHMARKS.md).
                          {"dataset": "debian-photos", "noise": "gaussian-range", "noise_level": 0.5,
                           "hidden": (32, 64, 128), "stage_convs": 2, "batch_size": 64, "lr": 3e-3, "schedule": "onecycle",
                           "epochs": 120, "log_error": True, "noise_map": True},
                          Abilities(vector_code=False, code_size=False, settings=("stage_convs", "log_error", "noise_map")),
                          title="residual denoiser", config_problem=residual_problem),
    "transformer": ModelSpec(TransformerAE, "patch tokens through a transformer encoder and decoder",
                             {"latent_dim": 32, "hidden": (64, 64), "lr": 3e-3, "batch_size": 64, "epochs": 20},
                             config_problem=config_problem),
}


def register(name: str, spec: ModelSpec) -> None:
    """Add a model to the registry: the CLI, the Train page and every view pick it up."""
    if not name or not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"A model name is letters, digits, '-' and '_', not {name!r}.")
    MODELS[name] = spec


def abilities(cfg) -> Abilities:
    """What the model of this config (a TrainConfig or its dict) can do: its spec's
    abilities, with a fully convolutional choice giving a feature map, not a code vector."""
    get = cfg.get if isinstance(cfg, dict) else lambda k, default=None: getattr(cfg, k, default)
    spec = MODELS[get("model")]
    ab = spec.abilities
    if "fully_conv" in ab.settings and get("fully_conv", False):
        ab = replace(ab, vector_code=False)
    return ab


def title(name: str) -> str:
    return MODELS[name].title or name


def code_phrase(cfg) -> str:
    """What a model's code is, as a picker or a heading says it: "16-d code", "64-channel map",
    or "no bottleneck" for a model that squeezes nothing through a code. cfg: a TrainConfig or
    its dict."""
    can = abilities(cfg)
    dim = cfg["latent_dim"] if isinstance(cfg, dict) else cfg.latent_dim
    if not can.code_size:
        return "no bottleneck"
    return f"{dim}-d code" if can.vector_code else f"{dim}-channel map"


def build(cfg, image_shape) -> Autoencoder:
    """The one place a model is made: from its config and the (C, H, W) of its images."""
    model = MODELS[cfg.model].factory(cfg, tuple(image_shape))
    model.abilities = abilities(cfg)
    return model


def __getattr__(name: str):
    if name == "Autoencoder":  # the base class, for type hints and subclasses: torch comes with it
        from .base import Autoencoder
        return Autoencoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["MODELS", "SETTINGS", "Abilities", "Autoencoder", "ModelSpec", "abilities", "build", "code_phrase", "register",
           "title"]
