"""TrainConfig: every knob of a training run, canonical and hashable.

The canonical JSON of a config (all defaults filled in, keys sorted; a field added later
is left out while at its default) hashes to the checkpoint id, so the same run asked for
twice is found in the cache instead of trained again, whoever asks (the CLI, the app or a
script).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import numbers
from dataclasses import dataclass

from .training.schedule import SCHEDULES

LOSSES = ("mse", "bce", "l1")
NOISES = ("none", "gaussian", "gaussian-range", "salt-pepper", "mask")
SPARSITY = ("l1", "kl")


# Fields added after checkpoints were shipped: left out of the canonical JSON while at their
# default, so every config that does not use them keeps the id (and the checkpoint) it had.
OMITTED_AT_DEFAULT = ("exclude_classes", "schedule", "stage_convs", "log_error", "full_size_conv", "noise_map")


class ConfigError(ValueError):
    """A configuration a user asked for that cannot be trained; the message says why."""


@dataclass(frozen=True)
class TrainConfig:
    model: str = "conv"
    dataset: str = "mnist5k"
    latent_dim: int = 16
    # Dense models: widths of the hidden layers from the input inwards (the decoder mirrors them).
    # Convolutional models: channels of each stride-2 stage.
    hidden: tuple[int, ...] = ()
    loss: str = "mse"
    lr: float = 1e-3
    schedule: str = "constant"        # the learning rate over the run: constant, or onecycle (training/schedule.py)
    epochs: int = 10
    batch_size: int = 128
    # Corruption of the input (the target stays clean): what makes an autoencoder a denoiser.
    noise: str = "none"
    noise_level: float = 0.0
    beta: float = 1.0                 # weight of the KL term (VAE) or adversarial term (AAE)
    sparsity: str = "l1"              # sparse AE: L1 on the code, or KL to a target activation
    sparsity_weight: float = 1e-3
    sparsity_target: float = 0.05     # target mean activation for the KL penalty
    contractive_weight: float = 1e-4  # weight of ||d code / d input||_F^2
    fully_conv: bool = False          # conv family: no dense bottleneck, so any image size works
    # Conv family: 3x3 convs in each stage, the strided one included. 2: a strided conv, then
    # one more at that size; 1: the strided conv alone, the tutorials' shape, about half the cost.
    stage_convs: int = 2
    # Conv family: after the last transposed conv, batch norm, a ReLU and a 3x3 conv to the
    # image at full size (True); or the last transposed conv draws the image itself (False,
    # the tutorials' shape). Without the full-size layers the mnist5k VAE's recipe ends its
    # first epoch at 0.8 s instead of 1.3-1.4 s (BENCHMARKS.md, time to quality).
    full_size_conv: bool = True
    # Colorizer: each image's squared error counts through its log (the PSNR a user judges each
    # photo by), so a nearly gray photo's error counts as much as a colorful one's; the plain
    # sum lets colorful images decide. Paler guesses, fewer wrong tints on gray photos; not the
    # shipped recipe, which gained more on the held-out photos (BENCHMARKS.md, the colorizer).
    # Residual denoiser: the same, so a lightly noisy image counts as much as a heavily noisy
    # one (models/residual.py).
    log_error: bool = False
    # Residual denoiser: the noise level is an input beside the image (FFDNet, Zhang et al.
    # 2018), the noise's own in training and the photo's as read (noise_level) when used; the
    # network then need not guess it from the image, and takes less texture for noise.
    noise_map: bool = False
    image_size: int = 0               # 0: the dataset's own size (folder: and photos are resized)
    grayscale: bool = False           # folder: datasets only: read images as one channel
    seed: int = 0
    # Classes of the dataset (by number) kept out of training, so that the test split holds
    # images of a kind the model never saw: what anomaly detection is measured on.
    exclude_classes: tuple[int, ...] = ()

    def __post_init__(self):
        # JSON gives lists; a tuple keeps the dataclass hashable and its JSON identical.
        try:
            object.__setattr__(self, "hidden", tuple(_integer(h) for h in self.hidden))
        except (TypeError, ValueError):
            raise ConfigError(f"hidden must be a list of whole numbers, not {shown(self.hidden)}.") from None
        try:  # sorted and once each: leaving out (7, 3, 7) is leaving out (3, 7), one id
            object.__setattr__(self, "exclude_classes", tuple(sorted({_integer(c) for c in self.exclude_classes})))
        except (TypeError, ValueError):
            raise ConfigError(f"exclude_classes must be a list of class numbers, not {shown(self.exclude_classes)}.") from None
        self._coerce_types()
        self.validate()

    def _coerce_types(self) -> None:
        """Store each value as its field's type. beta=1 and beta=1.0 compare equal, so they
        must also give one canonical JSON and one checkpoint id (json writes 1 and 1.0);
        a wrong type (latent_dim="16") is a ConfigError, not a TypeError from validate()."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            try:
                if f.type == "float":
                    if isinstance(value, bool) or not isinstance(value, numbers.Real):
                        raise TypeError
                    value = float(value)
                elif f.type == "int":
                    value = _integer(value)
                elif f.type == "bool" and not isinstance(value, bool):
                    raise TypeError
                elif f.type == "str" and not isinstance(value, str):
                    raise TypeError
            except (TypeError, ValueError):
                raise ConfigError(f"{f.name} must be of type {f.type}, not {shown(value)}.") from None
            object.__setattr__(self, f.name, value)

    def validate(self) -> None:
        from .models import MODELS  # on first use: the registry imports torch, which `aeviz --help` never needs

        for what, value, choices in (("model", self.model, sorted(MODELS)), ("loss", self.loss, LOSSES),
                                     ("noise", self.noise, NOISES), ("schedule", self.schedule, SCHEDULES),
                                     ("sparsity penalty", self.sparsity, SPARSITY)):
            if value not in choices:
                raise ConfigError(unknown(what, value, choices))
        checks = [
            (self.latent_dim >= 1, "latent_dim must be at least 1"),
            (all(h >= 1 for h in self.hidden), "hidden widths must be positive"),
            (self.stage_convs >= 1, "stage_convs must be at least 1 (the strided conv of each stage)"),
            (self.lr > 0, "lr must be positive"),
            (self.epochs >= 1, "epochs must be at least 1"),
            (self.batch_size >= 1, "batch_size must be at least 1"),
            (0.0 <= self.noise_level <= 1.0, "noise_level must lie in [0, 1]"),
            (self.beta >= 0, "beta must be non-negative"),
            (0 < self.sparsity_target < 1, "sparsity_target must lie in (0, 1)"),
            (self.image_size >= 0, "image_size must be 0 (the dataset's own) or a positive size"),
            (all(c >= 0 for c in self.exclude_classes), "exclude_classes are class numbers, 0 or more"),
        ]
        model_check = MODELS[self.model].config_problem  # what this one model cannot take
        problem = model_check(self) if model_check else None
        checks.append((problem is None, problem))
        for ok, message in checks:
            if not ok:
                raise ConfigError(message + ".")

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        d["exclude_classes"] = list(self.exclude_classes)
        for f in dataclasses.fields(self):
            if f.name in OMITTED_AT_DEFAULT and getattr(self, f.name) == f.default:
                del d[f.name]
        return d

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @property
    def id(self) -> str:
        """Checkpoint id: model name, dataset and a short hash of the canonical config."""
        digest = hashlib.sha256(self.canonical_json().encode()).hexdigest()[:12]
        dataset = "".join(c if c.isalnum() else "-" for c in self.dataset.split(":")[0])
        return f"{self.model}-{dataset}-{digest}"

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        names = {f.name for f in dataclasses.fields(cls)}
        if unknown := sorted(set(d) - names):
            raise ConfigError(f"Unknown config field(s): {', '.join(shown(u) for u in unknown)}; "
                              f"valid fields: {', '.join(sorted(names))}.")
        return cls(**d)

    def replace(self, **changes) -> "TrainConfig":
        return dataclasses.replace(self, **changes)


def shown(value, limit: int = 60) -> str:
    """A value from a user's file or command line, quoted for a message: repr (so a newline or
    a control character cannot break the message's one line) cut to limit characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def unknown(what: str, value, choices) -> str:
    """The one sentence for a name that is not one of choices."""
    return f"Unknown {what} {shown(value)}; choose one of: {', '.join(choices)}."


def _integer(value) -> int:
    """An int from an int (numpy's too) or a whole float such as 16.0; a bool, a string or
    16.5 is refused rather than silently truncated."""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(value)


def parse_classes(text: str) -> tuple[int, ...]:
    """exclude_classes as a user types it, on the command line or the Train page: "7", "3, 7"."""
    try:
        return tuple(int(c) for c in text.replace(" ", "").split(",") if c)
    except ValueError:
        raise ConfigError(f"'{text}' is not a comma-separated list of class numbers, such as 7 or 3,7.") from None


def parse_widths(text: str) -> tuple[int, ...]:
    """hidden as a user types it: "512,256"; empty gives (), the model's own default widths."""
    try:
        return tuple(int(w) for w in text.replace(" ", "").split(",") if w)
    except ValueError:
        raise ConfigError(f"'{text}' is not a comma-separated list of whole numbers, such as 512,256.") from None


def defaults_for(model: str, **overrides) -> TrainConfig:
    """A config with the model's own sensible defaults (from its registry entry), then overrides."""
    from .models import MODELS

    if model not in MODELS:
        raise ConfigError(unknown("model", model, sorted(MODELS)))
    base = dict(MODELS[model].defaults)
    base.update({k: v for k, v in overrides.items() if v is not None})
    base["model"] = model
    return TrainConfig.from_dict(base)
