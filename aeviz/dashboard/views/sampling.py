"""Sampling: new images decoded from random codes. A VAE or AAE was trained to match a
N(0, I) prior, so it samples from that; a plain autoencoder has no prior, so it samples
from a Gaussian (or a mixture of them) fitted to its training codes, and says so. Temperature and seed are live in the
browser (sampler.py), which samples and decodes there; a browser that cannot decode gets the
server's samples."""
import numpy as np
import streamlit as st

from aeviz import latent
from aeviz.dashboard.components import browser_decoder, sampler
from aeviz.dashboard import cache, ui

GRID = 8

model = ui.current_model()
ui.require_code_vector(model, "sampling")
cfg = model.config
shape = model.image_shape
if not model.abilities.prior:
    ui.dataset_or_stop(model, "train")  # a plain autoencoder samples from its training codes

st.title("Sampling")
if model.abilities.prior:
    st.caption(f"{cfg.model} on {cfg.dataset}: codes drawn from the N(0, I) prior it was trained to match, "
               "scaled by the temperature.")
else:
    st.caption(f"{cfg.model} on {cfg.dataset} has no prior: its codes are drawn from a distribution fitted to "
               "its training codes, so these images show how well that stand-in covers what the decoder learned.")

SOURCES = {"a Gaussian": 1, "a mixture of 10 Gaussians": 10}  # fitted to the training codes: components
NOT_TRAINED = " (not a prior the model was trained with)"


def source_picker(where) -> str:
    if model.abilities.prior:
        return "prior"
    return where.radio("Fitted to the training codes", list(SOURCES), key="sample_source", horizontal=True)


def in_browser(decoder: dict) -> None:
    """Temperature and seed live in the page: the browser samples and decodes the grid."""
    source = source_picker(st)
    if source == "prior":
        dist, described = latent.standard_normal(cfg.latent_dim), "the N(0, I) prior"
    else:
        dist = cache.fitted_codes_of(model, SOURCES[source])
        described = source + " fitted to the training codes"
    sampler.sample_grid(f"sample-grid-{model.checkpoint_id}", {
        "decoder": decoder, "width": int(cfg.latent_dim), "grid": GRID, "shape": list(shape),
        "scale": ui.scale_for(shape[-2], 64), "temperature": 1.0, "seed": 0, "dist": sampler.dist_payload(dist),
        "caption": "Sampled from " + described, "note": "" if model.abilities.prior else NOT_TRAINED,
        "prior": bool(model.abilities.prior)})
    st.caption("Sampled by this browser with aeviz's seeded generator: a seed gives the same grid every time, and the "
               "same codes as aeviz.latent.sample_from draws in Python.")


def on_server(note: str) -> None:
    """The server samples (numpy) and decodes; each change of temperature or seed is a rerun."""
    st.caption(note)
    c1, c2, c3 = st.columns(3)
    temperature = c1.slider("Temperature", 0.1, 2.0, 1.0, 0.05, key="sample_temperature",
                            help="Scales the spread of the codes: low gives typical images, high gives odd ones.")
    seed = int(c2.number_input("Seed", 0, sampler.MAX_SEED, 0, key="sample_seed"))
    source = source_picker(c3)
    n = GRID * GRID
    if source == "a mixture of 10 Gaussians":
        codes = cache.mixture_samples_of(model, n, temperature, seed)
        described = "a mixture of 10 Gaussians fitted to the training codes"
    else:
        train_codes = None if model.abilities.prior else cache.codes_of(model, "train")
        codes, described = latent.sample_codes(model, n, temperature, seed, train_codes)
    images = cache.decode_codes(model, codes)
    label = "Sampled from " + described + f", temperature {temperature:g}, seed {seed}"
    if not model.abilities.prior:
        label += NOT_TRAINED
    st.image(ui.png(ui.tile(images, GRID, pad=1), ui.scale_for(shape[-2], 64)), caption=label, width=min(720, GRID * 80))
    if model.abilities.prior:
        norms = np.linalg.norm(codes, axis=1)
        st.caption(f"Code lengths: mean {norms.mean():.2f} (a {cfg.latent_dim}-d standard Gaussian's are about "
                   f"{np.sqrt(cfg.latent_dim):.2f}; the temperature scales them).")


@st.fragment
def samples():
    reported = browser_decoder.reported(f"sample-grid-{model.checkpoint_id}")
    decodes = browser_decoder.browser_decodes(reported)
    decoder = browser_decoder.graph(model) if decodes else None
    if decoder is not None:
        in_browser(decoder)
    else:
        on_server("This browser cannot run the decoder (WebAssembly), so the server samples and decodes: the grid "
                  "follows the temperature when you release it." if not decodes else
                  "This model's decoder could not be exported for the browser, so the server samples and decodes.")

samples()
