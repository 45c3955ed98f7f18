"""Fashion-MNIST from Debian's dataset-fashion-mnist, for the tests that stream a real split."""
from __future__ import annotations

import pytest

import aeviz
from aeviz.datasets import torchvision_sets

FASHION = torchvision_sets.DEBIAN_PACKAGES["fashion-mnist"][1]
needs_fashion = pytest.mark.skipif(len(list(FASHION.glob("*-ubyte.gz"))) != 4,
                                   reason="Debian's dataset-fashion-mnist is not installed")


@pytest.fixture(scope="module")
def fashion(tmp_path_factory):
    """A data folder of the module's own, into which fashion-mnist is unpacked from Debian's copy."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AEVIZ_DATA_DIR", str(tmp_path_factory.mktemp("fashion-data")))
        aeviz.datasets.forget_loaded()
        yield
        aeviz.datasets.forget_loaded()  # 60,000 images and their resized copies
