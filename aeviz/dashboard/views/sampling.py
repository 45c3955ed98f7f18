"""Sampling: new images decoded from random codes. A VAE or AAE was trained to match a
N(0, I) prior, so it samples from that; a plain autoencoder has no prior, so it samples
from a Gaussian (or a mixture of them) fitted to its training codes, and says so."""
import numpy as np
import streamlit as st

from aeviz import latent

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

@st.fragment
def samples():
    c1, c2, c3 = st.columns(3)
    temperature = c1.slider("Temperature", 0.1, 2.0, 1.0, 0.05, key="sample_temperature",
                            help="Scales the spread of the codes: low gives typical images, high gives odd ones.")
    seed = int(c2.number_input("Seed", 0, 2**31 - 1, 0, key="sample_seed"))
    source = "prior"
    if not model.abilities.prior:
        source = c3.radio("Fitted to the training codes", ["a Gaussian", "a mixture of 10 Gaussians"],
                          key="sample_source", horizontal=True)
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
        label += " (not a prior the model was trained with)"
    st.image(ui.png(ui.tile(images, GRID, pad=1), ui.scale_for(shape[-2], 64)), caption=label, width=min(720, GRID * 80))
    if model.abilities.prior:
        norms = np.linalg.norm(codes, axis=1)
        st.caption(f"Code lengths: mean {norms.mean():.2f} (a {cfg.latent_dim}-d standard Gaussian's are about "
                   f"{np.sqrt(cfg.latent_dim):.2f}; the temperature scales them).")

samples()
