"""Reconstructions: originals beside the model's reconstructions and PCA's at the same code
size, per-image error, sorted to bring out the anomalies; test metrics and training curves.

The dashboard's first page: a shipped checkpoint's is drawn from what is stored beside it
(its header, per-image errors and reconstructions) and the dataset's arrays, without torch;
the model is loaded only for what is not stored (another split, a denoiser's noisy inputs)."""
import os

import numpy as np
import streamlit as st

from aeviz.datasets import AUGMENTED
from aeviz.evaluation import per_image
from aeviz.dashboard import cache, ui
from aeviz.dashboard.charts import training_curves

PER_PAGE = 24
METRICS = [("mse", "test MSE", "{:.5f}"), ("psnr", "PSNR (dB)", "{:.2f}"), ("ssim", "SSIM", "{:.3f}"),
           ("pca_mse", "PCA MSE", "{:.5f}"), ("mse_vs_pca", "MSE ÷ PCA's", "{:.2f}"),
           ("psnr_gain", "PSNR gain", "{:+.2f} dB"), ("psnr_gray", "PSNR of gray input", "{:.2f}"),
           ("neg_elbo", "−ELBO", "{:.1f}")]

model = ui.current_checkpoint()  # its header: the weights are read only if a view needs them
split = ui.current_split()
cfg = model.config
ds = ui.images_or_stop(model, split)
path, mtime = str(model.path), os.path.getmtime(model.path)

st.title("Reconstructions")
st.caption(f"{cfg.model} on {cfg.dataset} ({split} split, {len(ds):,} images). What the model gives back for "
           "each image; sort by error to see what it finds hard: the worst reconstructions are the anomalies.")

test = model.meta.get("test", {})
shown = [(label, fmt.format(test[k])) for k, label, fmt in METRICS if k in test]
for col, (label, value) in zip(st.columns(max(1, len(shown))), shown):
    col.metric(label, value)
if "mse_vs_pca" in test:
    better = "better" if test["mse_vs_pca"] < 1 else "worse"
    st.caption(f"The autoencoder's test MSE is {test['mse_vs_pca']:.2f}× that of PCA with {cfg.latent_dim} "
               f"components: {better} than the best linear code of the same size.")

history = model.meta.get("history") or []
if history:
    left, right = st.columns(2)
    left.caption("Training loss per epoch (its named terms)")
    # The loss and the weighted terms that sum to it; not the diagnostics nor the timers.
    keys = dict.fromkeys(k for epoch in history for k in epoch)
    terms = [k for k in keys if k.startswith("train_") and not k.startswith(("train_diag/", "train_seconds"))]
    training_curves.line_chart(left, history, "epoch", terms, 220)
    right.caption("Test MSE per epoch")
    training_curves.line_chart(right, history, "epoch", ["test_mse"], 220)


@st.fragment
def gallery():
    c1, c2, c3 = st.columns([2, 1, 1])
    order_by = c1.radio("Order", ["worst first", "best first", "dataset order"], horizontal=True, key="rec_order")
    noisy = False
    if per_image.noisy_by_default(model) and split != AUGMENTED:  # its images are made one by one: no split-wide noise
        noisy = c3.toggle(f"Add the training noise ({cfg.noise}, {cfg.noise_level:g})", value=True, key="rec_noisy")
    with ui.unloadable_stops():  # the model is loaded for what is not stored
        errs = cache.split_errors(path, mtime, split, noisy)
    mse, pca_mse = errs.mse, errs.pca_mse
    pages = max(1, -(-len(ds) // PER_PAGE))
    page = c2.number_input(f"Page (of {pages})", 1, pages, 1, key="rec_page")
    order = np.argsort(mse)
    order = order[::-1] if order_by == "worst first" else order if order_by == "best first" else np.arange(len(ds))
    picked = order[(page - 1) * PER_PAGE: page * PER_PAGE]
    with ui.unloadable_stops():
        shown = cache.shown_images(path, mtime, split, noisy, tuple(int(i) for i in picked))

    show_original = noisy or model.abilities.colorizes  # the input is not the clean image then
    columns = ["input"] + (["original"] if show_original else []) + ["reconstruction"]
    columns += ["PCA"] if pca_mse is not None else []
    st.caption("Each tile: " + " | ".join(columns) + ". Caption: image number, label, per-image MSE.")
    tiles, captions = [], []
    for j, i in enumerate(picked):
        row = [shown["inputs"][j]] + ([shown["originals"][j]] if show_original else []) + [shown["outputs"][j]]
        row += [shown["pca"][j]] if pca_mse is not None else []
        tiles.append(ui.side_by_side(row))
        label = f" · {ds.classes[int(ds.y[i])] if ds.classes else int(ds.y[i])}" if ds.y is not None else ""
        pca_err = f" (PCA {pca_mse[i]:.4f})" if pca_mse is not None else ""
        captions.append(f"#{i}{label} · MSE {mse[i]:.4f}{pca_err}")
    ui.pictures(st, tiles, captions, ui.scale_for(ds.x.shape[-2], 84))

    st.caption(f"Per-image MSE over the {split} split: mean {mse.mean():.5f}, "
               f"worst {mse.max():.5f} (image #{int(np.argmax(mse))}).")
    training_curves.histogram(st, mse, "per-image MSE", 220)


gallery()
