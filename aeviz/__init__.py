"""aeviz: train, cache and explore image autoencoders.

    import aeviz
    ds = aeviz.load_dataset("mnist5k", "test")
    path = aeviz.train(aeviz.TrainConfig(model="vae", epochs=5))
    model = aeviz.load_checkpoint(path)
    z = model.encode(ds.x[:8]); x_hat = model.decode(z)
"""
__version__ = "0.1.0"

from .checkpoints import CheckpointError, list_checkpoints  # noqa: E402
from .checkpoints import load as load_checkpoint  # noqa: E402
from .config import ConfigError, TrainConfig, defaults_for  # noqa: E402
from .data import DatasetError, corrupt, load_dataset, to_gray  # noqa: E402
from .models import MODELS, build  # noqa: E402
from .training import TrainingDiverged, train  # noqa: E402

__all__ = [
    "CheckpointError", "ConfigError", "DatasetError", "MODELS", "TrainConfig", "TrainingDiverged",
    "build", "corrupt", "defaults_for", "list_checkpoints", "load_checkpoint", "load_dataset",
    "to_gray", "train", "__version__",
]
