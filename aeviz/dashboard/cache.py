"""The dashboard's caches: models as shared resources, arrays and images as data.

Everything is keyed by the checkpoint's path and modification time, so a checkpoint
trained again under the same name is never served stale, and every page, every user
and every rerun reuses the same computation."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import streamlit as st

import aeviz
from aeviz import artifacts, checkpoints, datasets, lazy, models
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.evaluation import pca, per_image

# Imported on first use (lazy.py): the first page draws what is stored, without torch.
torch = lazy.module("torch")
latent, activity = lazy.module("aeviz.latent"), lazy.module("aeviz.latent.activity")
classical, metrics = lazy.module("aeviz.evaluation.classical"), lazy.module("aeviz.evaluation.metrics")


@st.cache_data(ttl=30, show_spinner=False)
def checkpoint_table() -> list[dict]:
    """Every checkpoint as a plain dict (id, path, label, flags), shipped ones first.
    A short ttl picks up checkpoints trained from the command line meanwhile."""
    rows = []
    for e in aeviz.list_checkpoints():
        shipped = Path(e.path).resolve().parent == SHIPPED_DIR.resolve()
        if e.meta is None:
            rows.append({"id": e.id, "path": str(e.path), "error": e.error, "shipped": shipped})
            continue
        c, test = e.meta["config"], e.meta.get("test", {})
        if c["model"] not in models.MODELS:  # written by a newer aeviz, or a model registered elsewhere
            rows.append({"id": e.id, "path": str(e.path), "shipped": shipped,
                         "error": f"{e.path.name}: this aeviz has no model '{c['model']}'."})
            continue
        can = models.abilities(c)
        rows.append({
            "id": e.id, "path": str(e.path), "error": None, "shipped": shipped,
            "model": c["model"], "title": models.title(c["model"]), "dataset": c["dataset"],
            "latent_dim": c["latent_dim"], "code": models.code_phrase(c), "vector_code": can.vector_code, "prior": can.prior,
            "colorizes": can.colorizes, "denoises": c.get("noise", "none") != "none" and not can.colorizes,
            "noise": c.get("noise", "none"), "mse": test.get("mse"), "psnr": test.get("psnr"),
            "exclude_classes": c.get("exclude_classes", []),
            "mtime": os.path.getmtime(e.path),
        })
    rows.sort(key=lambda r: (not r["shipped"], r["error"] is not None, r.get("model", ""), r["id"]))
    for r in rows:
        r["label"] = label(r)
    return rows


def label(row: dict) -> str:
    """How a checkpoint reads in a picker: model, dataset, code size, test error."""
    if row["error"]:
        return f"{row['id']} (unreadable)"
    model = row["title"]
    code = row["code"]
    where = "shipped" if row["shipped"] else "yours"
    err = f"test MSE {row['mse']:.4f}" if row.get("mse") is not None else "no test figures"
    left_out = row.get("exclude_classes")
    data = f"{row['dataset']} without {', '.join(map(str, left_out))}" if left_out else row["dataset"]
    return f"{model} · {data} · {code} · {err} · {where}"


@st.cache_resource(show_spinner="Loading the model…", max_entries=12)
def load_model(path: str, mtime: float):
    """A model shared by all sessions; it stays in eval mode and is only ever read."""
    return aeviz.load_checkpoint(path)


def model_for(row: dict):
    return load_model(row["path"], row["mtime"])


@st.cache_resource(show_spinner=False, max_entries=64)
def header_at(path: str, mtime: float) -> checkpoints.Header:
    """The checkpoint's header, weights unread: enough to find what is stored beside it."""
    return checkpoints.header(path)


def header_for(row: dict) -> checkpoints.Header:
    return header_at(row["path"], row["mtime"])


def augmented_map_built(row: dict) -> bool:
    """Whether the checkpoint's UMAP map of the augmented set is on disk (unread): the sidebar
    offers that split then. The name is latent.projection_kind("umap", 2)'s, read here
    without importing torch."""
    return artifacts.stored(header_for(row), "umap2", datasets.AUGMENTED)


def dataset_for(model, split: str):
    """The model's own dataset (aeviz caches the tensors in memory); model may be a header."""
    cfg = model.config
    return aeviz.load_dataset(cfg.dataset, split, cfg.image_size, cfg.grayscale)


def images_for(model, split: str):
    """The split's images as arrays when its dataset reads without torch, else as tensors:
    what a page that only shows them takes (len, x, y, classes)."""
    cfg = model.config
    arrays = datasets.load_arrays(cfg.dataset, split, cfg.image_size)
    return arrays if arrays is not None else dataset_for(model, split)


def key(model, *what) -> tuple:
    """The key of everything the dashboard keeps for a checkpoint (these caches, the background
    jobs): the checkpoint file as it is now, so one trained again under its name is new, and
    what is kept of it."""
    return str(model.path), os.path.getmtime(model.path), *what


@st.cache_data(show_spinner="Measuring every image's error…", max_entries=16)
def split_errors(path: str, mtime: float, split: str, noisy: bool) -> per_image.Errors:
    """Per-image errors of the model and of PCA over a split: from disk when known (the
    model is then not loaded), else computed and kept."""
    return artifacts.get(header_at(path, mtime), per_image.kind(noisy), split,
                         lambda: per_image.compute(load_model(path, mtime), split, noisy))


@st.cache_data(show_spinner=False, max_entries=64)
def shown_images(path: str, mtime: float, split: str, noisy: bool, indices: tuple) -> dict:
    """What the gallery shows for some images of a split: the input the model was fed, its
    reconstruction and, for a model with a code vector, PCA's at the same code size. From
    the stored reconstructions when they and the images read without torch."""
    idx = list(indices)
    header = header_at(path, mtime)
    images = datasets.load_arrays(header.config.dataset, split, header.config.image_size)
    stored = (artifacts.find(header, per_image.RECONSTRUCTIONS, split)
              if images is not None and not noisy and per_image.shows_clean(header) else None)
    if stored is not None and stored.shape == images.x.shape:
        x = images.x[idx].astype(np.float32) / 255.0
        out = {"inputs": x, "outputs": stored[idx].astype(np.float32) / 255.0, "originals": x}
        errs = split_errors(path, mtime, split, noisy)
        if errs.pca_axes is not None:
            out["pca"] = pca.pca_images(x, errs.pca_mean, errs.pca_axes)
        return out
    model = load_model(path, mtime)
    x = dataset_for(model, split).x
    fed = per_image.inputs(model, x, noisy)[idx]
    out = {"inputs": model.prepare(fed).numpy() if model.abilities.colorizes else fed.numpy(),
           "outputs": metrics.reconstruct_all(model, model.prepare(fed)).numpy(), "originals": x[idx].numpy()}
    errs = split_errors(path, mtime, split, noisy)
    if errs.pca_axes is not None:
        out["pca"] = metrics.pca_project(x[idx], torch.from_numpy(errs.pca_mean), torch.from_numpy(errs.pca_axes)).numpy()
    return out


@st.cache_data(show_spinner="Encoding the images…", max_entries=16)
def codes(path: str, mtime: float, split: str) -> np.ndarray:
    model = load_model(path, mtime)
    return latent.encode_all(model, dataset_for(model, split).x)


@st.cache_data(show_spinner="Measuring each code dimension…", max_entries=16)
def dim_activity(path: str, mtime: float, split: str) -> activity.Activity:
    """Each code dimension's variance (and KL, for a VAE) over a split: which are alive."""
    return activity.cached_activity(load_model(path, mtime), split)


@st.cache_data(show_spinner=False, max_entries=64)
def decoded(path: str, mtime: float, z: np.ndarray) -> np.ndarray:
    """Decoded images for codes, as an array (cached: a slider revisits the same codes)."""
    return latent.decode(load_model(path, mtime), z).numpy()


@st.cache_data(show_spinner="Fitting a Gaussian mixture to the training codes…", max_entries=8)
def mixture_samples(path: str, mtime: float, n: int, temperature: float, seed: int) -> np.ndarray:
    return latent.sample_mixture(codes(path, mtime, "train"), n, 10, temperature, seed)


@st.cache_data(show_spinner="Fitting a distribution to the training codes…", max_entries=8)
def fitted_codes(path: str, mtime: float, components: int) -> dict:
    """The parameters of a Gaussian (components=1) or a mixture fitted to the training codes."""
    train = codes(path, mtime, "train")
    return latent.fit_gaussian(train) if components == 1 else latent.fit_mixture(train, components)


def fitted_codes_of(model, components: int) -> dict:
    return fitted_codes(*key(model), components)


def split_errors_of(model, split: str, noisy: bool = False) -> per_image.Errors:
    return split_errors(*key(model), split, noisy)


def shown_images_of(model, split: str, indices, noisy: bool = False) -> dict:
    return shown_images(*key(model), split, noisy, tuple(int(i) for i in indices))


def mixture_samples_of(model, n: int, temperature: float, seed: int) -> np.ndarray:
    return mixture_samples(*key(model), n, temperature, seed)


def codes_of(model, split: str) -> np.ndarray:
    return codes(*key(model), split)


def dim_activity_of(model, split: str) -> activity.Activity:
    return dim_activity(*key(model), split)


def decode_codes(model, z) -> torch.Tensor:
    return torch.from_numpy(decoded(*key(model), np.ascontiguousarray(np.asarray(z, np.float32))))


@st.cache_data(show_spinner=False, max_entries=4)
def example_photo(name: str) -> np.ndarray:
    return datasets.example_photo(name).numpy()


# Keyed by upload bytes: an entry holds three float copies of the image (576 MB at 16 MP), so
# a byte budget, not only a count, bounds the cache's memory; an hour unused frees it.
@st.cache_data(show_spinner="Running the model on the image…", max_entries=16, max_size="1GiB", ttl=3600)
def apply_model(path: str, mtime: float, data: bytes | None, example: str | None,
                noise: str = "none", level: float = 0.0, seed: int = 0, saturation: float | None = None) -> dict:
    """A denoiser or colorizer on one whole image (an upload's bytes or an example photo):
    what it was fed, what it gave, and the clean original with PSNR/SSIM when one is known.
    saturation: how much of its guessed colors a colorizer paints (None: its default).
    Raises aeviz.images.ImageError for an upload that is not a usable image."""
    from aeviz.apply import run_on_image
    from aeviz.images import decode_image

    model = load_model(path, mtime)
    image = torch.from_numpy(example_photo(example)) if example else decode_image(data)
    gen = torch.Generator().manual_seed(seed)
    if model.abilities.colorizes:
        fed = aeviz.to_gray(image[None])[0]
        clean = image if image.shape[0] == 3 else None  # a gray upload has no colors to compare with
    else:
        fed = aeviz.corrupt(image[None], noise, level, gen)[0]
        clean = image if noise != "none" and level > 0 else None
    out = run_on_image(model, fed, saturation=saturation)
    result = {"fed": fed.numpy(), "output": out.numpy(), "clean": None if clean is None else clean.numpy()}
    if clean is not None:
        ref, fed_, out_ = (_channels(t[None], out.shape[0]) for t in (clean, fed, out))
        result.update(psnr_in=float(metrics.psnr(fed_, ref)), psnr_out=float(metrics.psnr(out_, ref)),
                      ssim_in=float(metrics.photo_ssim(fed_, ref)), ssim_out=float(metrics.photo_ssim(out_, ref)),
                      ssim_scale=metrics.viewing_scale(*ref.shape[-2:]))
    return result


def _channels(x: torch.Tensor, c: int) -> torch.Tensor:
    """x with c channels, to compare images of a gray model with color ones and back."""
    if x.shape[1] == c:
        return x
    return aeviz.to_gray(x) if c == 1 else x.expand(-1, c, -1, -1)


# Noise non-local means is made for: Gaussian, of a level the page knows (it added it) or
# estimates (an upload as it is, or each image's level drawn at random).
KNOWN_SIGMA = {"gaussian": True, "gaussian-range": False, "none": False}


@st.cache_data(show_spinner="Non-local means…", max_entries=16, ttl=3600)
def nl_means_beside(path: str, mtime: float, data: bytes | None, example: str | None,
                    noise: str = "none", level: float = 0.0, seed: int = 0) -> dict | None:
    """Non-local means on the central region (classical.REGION pixels a side at most) of what
    apply_model fed the denoiser, with the denoiser's output on the same region and both PSNRs
    when the clean original is known; None for noise it is not made for (salt and pepper, masking)."""
    if noise not in KNOWN_SIGMA:
        return None
    result = apply_model(path, mtime, data, example, noise, level, seed)  # the page's own call: a cache hit
    rows, cols = classical.region(*result["fed"].shape[-2:])
    fed, out = (torch.from_numpy(result[k][:, rows, cols]) for k in ("fed", "output"))
    sigma = level if KNOWN_SIGMA[noise] else classical.noise_sigma(fed)
    beside = {"nlm": classical.nl_means(fed, sigma).numpy(), "output": out.numpy(), "sigma": sigma,
              "estimated": not KNOWN_SIGMA[noise], "whole": fed.shape[-2:] == result["fed"].shape[-2:]}
    if result["clean"] is not None:
        clean = torch.from_numpy(result["clean"][:, rows, cols])[None]
        beside["psnr_nlm"] = float(metrics.psnr(_channels(torch.from_numpy(beside["nlm"])[None], clean.shape[1]), clean))
        beside["psnr_out"] = float(metrics.psnr(_channels(out[None], clean.shape[1]), clean))
    return beside


@st.cache_data(show_spinner="Denoising…", max_entries=16)
def denoise_images(path: str, mtime: float, split: str, indices: tuple, noise: str, level: float, seed: int) -> dict:
    """Some of a split's images, corrupted, then denoised, with per-image PSNR."""
    model = load_model(path, mtime)
    clean = dataset_for(model, split).x[list(indices)]
    noisy = aeviz.corrupt(clean, noise, level, torch.Generator().manual_seed(seed))
    out = metrics.reconstruct_all(model, noisy)
    return {"clean": clean.numpy(), "noisy": noisy.numpy(), "output": out.numpy(),
            "psnr_in": metrics.psnr(noisy, clean).numpy(), "psnr_out": metrics.psnr(out, clean).numpy(),
            "ssim_out": metrics.ssim(out, clean).numpy()}
