"""A page of its own for benchmarks/big_map.py --points N: the map component with N seeded
points resampled from the shipped Fashion-MNIST VAE's train map (each a real point's place
plus a jitter of half the map's typical spacing, with that point's label and error), drawn with
that map's decoder, inverse and thumbnail atlas. Not a real map of N images: the drawing and the
hover cost the same for any positions, and the positions keep the real map's shape (clusters,
gaps, empty space to decode). The first ATLAS_MAX points show the atlas's thumbnails (of other
images than theirs); the rest have none held, as a real map that large would not.

Run by big_map.py (copied beside a link to static/); AEVIZ_BENCH_POINTS says how many."""
import os

import numpy as np
import streamlit as st

import aeviz
from aeviz import latent
from aeviz.browser_runtime import map_points
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.dashboard.components import scatter

POINTS = int(os.environ["AEVIZ_BENCH_POINTS"])
DRAWING = ("encoder", "codes", "drawing")  # a map of this many points sends no codes (CODES_MAX)
NOT_THEIRS = ("thumbnails",)  # the server's thumbnails are the train split's, not these points' images


@st.cache_data(show_spinner=False)
def synthetic(n: int) -> dict:
    path = next(SHIPPED_DIR.glob("vae-fashion-mnist-*.safetensors"))
    model = aeviz.load_checkpoint(path)
    proj = latent.cached_projection(model, "train", "umap", 2)
    ds = aeviz.load_dataset("fashion-mnist", "train")
    real = scatter.payload(str(path), path.stat().st_mtime, "train", "UMAP", proj, model, ds.x, tuple(ds.classes))
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(proj.coords), n)
    coords = proj.coords[pick, :2] + rng.normal(0, real["spacing"] / 2, (n, 2))
    errors = real["points"].column("error").to_numpy()[pick]
    frame, points = map_points(coords, proj.labels[pick], errors)
    return {**{k: v for k, v in real.items() if k not in DRAWING + NOT_THEIRS}, **frame, "points": points,
            "key": f"synthetic-{n}", "atlas": {**real["atlas"], "count": min(n, real["atlas"]["count"])}}


data = synthetic(POINTS)
st.title(f"{POINTS:,} points")
scatter.latent_map("big", data)
