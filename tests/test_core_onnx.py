"""ONNX exports of decoders and map inverses: onnxruntime gives what torch gives, for every
registered model with a vector code (parametrized over the registry)."""
from __future__ import annotations

import contextlib

import numpy as np
import onnxruntime as ort
import pytest
import torch

import aeviz
from aeviz import artifacts, latent
from aeviz.export import onnx_graphs
from aeviz.cli import main
from aeviz.models import abilities

VECTOR_CODE = sorted(n for n in aeviz.MODELS if abilities(aeviz.defaults_for(n)).vector_code)


def run(graph: bytes, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(graph, providers=["CPUExecutionProvider"])
    (name,) = [i.name for i in session.get_inputs()]
    return session.run(None, {name: x})[0]


def built(name: str):
    cfg = aeviz.defaults_for(name)
    ds = aeviz.load_dataset(cfg.dataset, "test", cfg.image_size, cfg.grayscale)
    torch.manual_seed(0)
    model = aeviz.build(cfg, ds.image_shape).eval()
    # A few optimizer steps, so the weights are not the initial ones (batch norms' statistics
    # move too): an export that ignored trained state would differ from torch here.
    model.train()
    opts = model.optimizers()
    for _ in range(3):
        model.train_step(model.prepare(ds.x[:32]), ds.x[:32], opts, contextlib.nullcontext)
    return model.eval(), ds


@pytest.mark.parametrize("name", VECTOR_CODE)
def test_the_exported_decoder_decodes_as_torch_does(name):
    model, ds = built(name)
    z = np.random.default_rng(0).normal(size=(5, model.cfg.latent_dim)).astype(np.float32)
    graph = onnx_graphs.decoder_bytes(model)
    got = run(graph, z)
    want = latent.decode(model, z).numpy()
    assert got.shape == (5, *ds.image_shape)
    np.testing.assert_allclose(got, want, atol=1e-4, rtol=0)
    # one code at a time too: the browser decodes batches of one while a slider moves
    np.testing.assert_allclose(run(graph, z[:1]), want[:1], atol=1e-4, rtol=0)


@pytest.mark.parametrize("name", VECTOR_CODE)
def test_the_exported_encoder_encodes_as_torch_does(name):
    # The page places a drawing with it: its codes are the map's codes (a VAE's mean).
    model, ds = built(name)
    x = ds.x[:5]
    got = run(onnx_graphs.encoder_bytes(model), x.flatten(1).numpy())
    want = latent.encode_all(model, x)
    assert got.shape == (5, model.cfg.latent_dim)
    np.testing.assert_allclose(got, want, atol=1e-4, rtol=0)


def test_a_model_without_a_vector_code_says_so():
    name = next(n for n in sorted(aeviz.MODELS) if n not in VECTOR_CODE)
    model, _ = built(name)
    with pytest.raises(onnx_graphs.ExportError, match="no vector code"):
        onnx_graphs.decoder_bytes(model)
    with pytest.raises(onnx_graphs.ExportError, match="no vector code"):
        onnx_graphs.encoder_bytes(model)


def test_the_exported_map_inverse_matches_the_projection():
    rng = np.random.default_rng(1)
    coords = rng.normal(size=(300, 2)).astype(np.float32) * 4 + 7
    codes = np.tanh(coords @ rng.normal(size=(2, 6))).astype(np.float32)
    proj = latent.Projection(coords, codes, None, "umap")
    proj.inverse_weights, proj.center, proj.scale = latent.fit_inverse(coords, codes, steps=50)
    points = rng.uniform(-10, 20, size=(40, 2)).astype(np.float32)
    np.testing.assert_allclose(run(onnx_graphs.inverse_bytes(proj), points), proj.inverse(points), atol=1e-4)


def test_export_cli_writes_a_file_onnxruntime_runs_and_caches_the_graph(tmp_path, small_data, capsys):
    path = aeviz.train(aeviz.defaults_for("vae", dataset="digits", epochs=1, latent_dim=3, hidden=(16,)))
    out = tmp_path / "decoder.onnx"
    assert main(["export", str(path), "--onnx", str(out)]) == 0
    model = aeviz.load_checkpoint(path)
    z = np.linspace(-2, 2, 12, dtype=np.float32).reshape(4, 3)
    np.testing.assert_allclose(run(out.read_bytes(), z), latent.decode(model, z).numpy(), atol=1e-4)
    # computed once: the cached graph is what a second export (or the dashboard) gets
    cached = list(artifacts.cache_dir().glob(f"{model.checkpoint_id}.*.decoder.onnx"))
    assert len(cached) == 1 and cached[0].read_bytes() == out.read_bytes()


def test_export_cli_refuses_a_model_without_a_code_in_one_sentence(tmp_path, small_data, capsys):
    name = next(n for n in sorted(aeviz.MODELS) if n not in VECTOR_CODE)
    cfg = aeviz.defaults_for(name, epochs=1)
    path = aeviz.train(aeviz.defaults_for(name, epochs=1, dataset="digits") if cfg.dataset == "mnist5k" else cfg)
    assert main(["export", str(path), "--onnx", str(tmp_path / "x.onnx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aeviz: ") and "no vector code" in err and "Traceback" not in err
    assert not (tmp_path / "x.onnx").exists()



@pytest.mark.parametrize("size", [onnx_graphs.EXAMPLE_SIZE, (64, 64), (48, 85), (96, 128), (9, 13)])
def test_the_exported_colorizer_guesses_as_torch_does_at_any_size(size, tmp_path):
    from aeviz.color import PALETTE_SIZE, palette
    from support.colorizer import save_colorizer

    model = aeviz.load_checkpoint(save_colorizer(tmp_path))
    graph = onnx_graphs.cached_colorizer(model)
    rng = np.random.default_rng(0)
    h, w = size
    gray = rng.random((1, 1, h, w), dtype=np.float32)
    hints = np.zeros((1, 3, h, w), np.float32)
    hints[0, :, h // 2, w // 3] = [0.4, -0.3, 1]
    reference = palette(torch.from_numpy(rng.random((3, 40, 30), dtype=np.float32)), model.image_shape[-1])
    for pal in (np.zeros((1, PALETTE_SIZE), np.float32), reference[None].numpy()):
        with torch.no_grad():
            want = model.guess(*(torch.from_numpy(a) for a in (gray, hints, pal))).numpy()
        session = ort.InferenceSession(graph, providers=["CPUExecutionProvider"])
        got = session.run(["ab"], {"gray": gray, "hints": hints, "palette": pal})[0]
        assert got.shape == (1, 2, h, w) and np.abs(want).max() > 1e-3  # a guess, not all gray
        np.testing.assert_allclose(got, want, atol=1e-4, rtol=0)
    # computed once per checkpoint: kept in the user's cache, which a second ask reads
    cached = list(artifacts.cache_dir().glob(f"{model.checkpoint_id}.*.all.colorizer3.onnx"))
    assert len(cached) == 1 and cached[0].read_bytes() == graph == onnx_graphs.cached_colorizer(model)


def test_a_model_without_hints_has_no_colorizer_graph():
    model, _ = built(VECTOR_CODE[0])
    with pytest.raises(onnx_graphs.ExportError, match="takes no hints"):
        onnx_graphs.colorizer_bytes(model)
