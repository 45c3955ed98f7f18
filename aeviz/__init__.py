"""aeviz: train, cache and explore image autoencoders.

    import aeviz
    ds = aeviz.load_dataset("mnist5k", "test")
    path = aeviz.train(aeviz.TrainConfig(model="vae", epochs=5))
    model = aeviz.load_checkpoint(path)
    z = model.encode(ds.x[:8]); x_hat = model.decode(z)
"""
__version__ = "0.1.0"

import importlib

# The public names, each from the module that defines it. They load on first use (PEP 562),
# so what needs no torch (`aeviz --help`, `aeviz app` handing over to Streamlit, the
# config) does not wait the 2 s its import takes here.
_EXPORTS = {
    "CheckpointError": "checkpoints", "list_checkpoints": "checkpoints", "load_checkpoint": ("checkpoints", "load"),
    "ConfigError": "config", "TrainConfig": "config", "defaults_for": "config",
    "DatasetError": "datasets", "corrupt": "datasets", "load_dataset": "datasets", "to_gray": "datasets",
    "MODELS": "models", "build": "models",
    "TrainingDiverged": "training.loop", "train": "training.loop",
}
__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name: str):
    where = _EXPORTS.get(name)
    if where is None:  # a submodule (aeviz.latent), or nothing
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'aeviz' has no attribute '{name}'") from None
    module, attr = where if isinstance(where, tuple) else (where, name)
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    globals()[name] = value  # once found, an ordinary attribute
    return value


def __dir__():
    return __all__
