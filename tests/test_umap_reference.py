"""aeviz's own UMAP (aeviz/fuzzymap.py, through latent.project) against umap-learn, the UMAP
the design names: on the same 1,000 codes of a shipped model, aeviz's map must keep its
neighbourhoods at least about as well. Slow tier: umap-learn's numba compiles for 24-50 s
on first use (why aeviz carries its own, BENCHMARKS.md "Time to a latent map")."""
from __future__ import annotations

import pytest

import aeviz
from aeviz import latent
from aeviz.checkpoints import SHIPPED_DIR

VAE = "vae-mnist5k-e4fbd8312e88"  # a shipped 16-d VAE; mnist5k's test split is 1,000 digits


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:n_jobs value:UserWarning")  # a seed makes umap-learn single-threaded, as wanted
def test_aevizs_map_is_as_trustworthy_as_umap_learns_on_a_shipped_models_codes():
    umap = pytest.importorskip("umap", reason="umap-learn is in the test extras: pip install -e '.[test]'")
    from sklearn.manifold import trustworthiness

    model = aeviz.load_checkpoint(SHIPPED_DIR / f"{VAE}.safetensors")
    codes = latent.encode_all(model, aeviz.load_dataset("mnist5k", "test").x)
    assert codes.shape == (1000, 16)
    ours = latent.project(codes, "umap", 2, seed=0)  # 15 neighbours, min_dist 0.1, 500 epochs
    # The same settings, spelled out; a random_state makes umap-learn seeded (and single-threaded).
    reference = umap.UMAP(n_neighbors=15, min_dist=0.1, n_epochs=500, random_state=0).fit_transform(codes)
    trust_ours = trustworthiness(codes, ours, n_neighbors=10)
    trust_reference = trustworthiness(codes, reference, n_neighbors=10)
    assert trust_ours >= trust_reference - 0.01, (trust_ours, trust_reference)
