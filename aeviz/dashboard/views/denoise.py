"""Denoise: uploads, example photos or the dataset's images; noise of a chosen kind and level
added (or the upload denoised as it is); input, output and the clean original with PSNR
and SSIM when it is known; the result to download; non-local means beside it, the classical
baseline. Photos of any size go through a fully convolutional denoiser whole, in tiles,
under a spinner. (A progress bar drawn from inside the cached call broke the page on a rerun:
Streamlit replays a cached call's elements, and the bar's block was the page's.)"""
from pathlib import Path

import numpy as np
import streamlit as st

from aeviz import datasets
from aeviz.datasets import EXAMPLE_PHOTOS, DatasetError
from aeviz.evaluation.classical import REGION
from aeviz.images import ImageError
from aeviz.dashboard import cache, ui

NOISES = {"gaussian": "Gaussian", "gaussian-range": "Gaussian, each image's level drawn from 0 to the level",
          "salt-pepper": "salt and pepper", "mask": "masking (pixels set to black)",
          "none": "none: denoise the image as it is"}
SOURCES = ["upload", "example photo", "dataset images"]
SHOWN = 8

st.title("Denoise")
denoisers = [r for r in cache.checkpoint_table() if not r["error"] and r["denoises"]]
if not denoisers:
    st.info("No denoising checkpoint yet: train one on the Train page (model 'denoising').")
    st.stop()


def in_color(row: dict) -> bool:
    """Whether the checkpoint was trained on color images (its dataset's registry entry)."""
    try:
        return datasets.find(row["dataset"])[0].image_shape[0] == 3
    except DatasetError:  # a dataset this aeviz does not know
        return False


def preferred(source: str) -> dict:
    """Whole photos want a fully convolutional denoiser of color images, the best on its test
    split (the residual one gains 1.2 dB over the other shipped one there, and more on whole
    photos: BENCHMARKS.md); dataset images the one trained on them."""
    want_fc = source != "dataset images"
    return sorted(denoisers, key=lambda r: (r["vector_code"] == want_fc, not r["shipped"],
                                            want_fc and not in_color(r), -(r["psnr"] or 0) if want_fc else 0,
                                            r["id"]))[0]


@st.fragment
def page():
    c1, c2 = st.columns([1, 2])
    source = c1.radio("Images", SOURCES, key="dn_source")
    row = ui.pick_checkpoint("Denoiser", denoisers, preferred(source), key=f"dn_model_{source}")
    model = ui.model_or_message(row)
    if model is None:
        return
    cfg = model.config
    told = cfg.noise_map  # told the level it reads from the photo, not asked the user for one
    levels = (f"Gaussian noise of every level from 0 to {cfg.noise_level:g} "
              + ("(it reads each photo's noise level and is told it)" if told else "(a blind denoiser)")
              if cfg.noise == "gaussian-range" else f"{cfg.noise} noise at {cfg.noise_level:g} only")
    c2.caption(f"Trained on {cfg.dataset} with {levels}"
               + ("; fully convolutional, so any image size goes through whole." if not row["vector_code"]
                  else f"; a dense code, so images are resized to {model.image_shape[-1]} pixels and back."))
    n1, n2, n3 = st.columns(3)
    kinds = list(NOISES) if source != "dataset images" else [k for k in NOISES if k != "none"]
    noise = n1.selectbox("Noise to add", kinds, format_func=NOISES.get, key=f"dn_noise_{source}")
    level = n2.slider("Noise level", 0.0, 0.8, float(cfg.noise_level or 0.3), 0.05, key="dn_level",
                      disabled=noise == "none",
                      help="Gaussian: the standard deviation; the others: the share of pixels hit.")
    seed = int(n3.number_input("Noise seed", 0, 2**31 - 1, 0, key="dn_seed"))
    path, mtime = row["path"], row["mtime"]

    if source == "dataset images":
        try:
            ds = cache.dataset_for(model, "test")
        except DatasetError as exc:
            st.error(str(exc))
            return
        first = int(st.number_input(f"First test image (of {len(ds)})", 0, len(ds) - 1, 0, key="dn_first"))
        idx = tuple(range(first, min(len(ds), first + SHOWN)))
        r = cache.denoise_images(path, mtime, "test", idx, noise, level, seed)
        s = ui.scale_for(ds.x.shape[-2], 84)
        for name, key in (("Noisy input", "noisy"), ("Denoised", "output"), ("Clean original", "clean")):
            st.caption(name + (" (PSNR against the clean original)" if key != "clean" else ""))
            psnr = r["psnr_in"] if key == "noisy" else r["psnr_out"]
            captions = [f"#{i}" + (f" · {p:.1f} dB" if key != "clean" else "") for i, p in zip(idx, psnr)]
            ui.pictures(st, r[key], captions, s)
        st.caption(f"Mean PSNR: noisy {np.mean(r['psnr_in']):.2f} dB → denoised {np.mean(r['psnr_out']):.2f} dB "
                   f"(mean SSIM {np.mean(r['ssim_out']):.3f}).")
        return

    if source == "example photo":
        items = [(name, None, name) for name in [st.selectbox("Photo", EXAMPLE_PHOTOS, key="dn_example")]]
    else:
        files = st.file_uploader("Images to denoise (PNG, JPEG, WebP, BMP, GIF or TIFF)", type=ui.UPLOAD_TYPES,
                                 accept_multiple_files=True, key="dn_upload")
        if not files:
            st.info("Upload one or more images, or pick an example photo.")
            return
        items = [(f.name, ui.upload_bytes(f), None) for f in files]
    for k, (name, data, example) in enumerate(items):
        st.subheader(name)
        try:
            result = cache.apply_model(path, mtime, data, example, noise, level, seed)
        except ImageError as exc:
            st.error(f"{name}: {exc}")
            continue
        fed = "noisy input" if noise != "none" and level > 0 else "input"
        ui.image_result(result, (fed, "denoised", "clean original"), f"{Path(name).stem}-denoised", key=f"dn_dl_{k}")
        show_nl_means(cache.nl_means_beside(path, mtime, data, example, noise, level, seed), noise)


def show_nl_means(beside: dict | None, noise: str) -> None:
    """Non-local means beside the model, as the Reconstructions page shows PCA beside it."""
    if beside is None:
        st.caption(f"Non-local means is made for Gaussian noise, not {NOISES[noise]}: not shown.")
        return
    where = "the whole image" if beside["whole"] else f"the central {REGION}×{REGION} pixels (it is slow on big photos)"
    level = f"{'estimated' if beside['estimated'] else 'added'} noise level {beside['sigma']:.3f}"
    st.caption(f"The classical baseline: scikit-image's non-local means on {where}, given the {level}.")
    left, right = st.columns(2)
    scores = "psnr_nlm" in beside
    left.image(ui.display_png(beside["nlm"]), width="stretch", caption="non-local means"
               + (f" · PSNR {beside['psnr_nlm']:.2f} dB" if scores else ""))
    right.image(ui.display_png(beside["output"]), width="stretch", caption="the denoiser, same region"
                + (f" · PSNR {beside['psnr_out']:.2f} dB" if scores else ""))


page()
