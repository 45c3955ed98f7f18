"""Compare: two or more checkpoints side by side. One table of every figure the
Applications page measures, with each one's test MSE, PSNR and SSIM and its number of active
code dimensions; the same test images
reconstructed by each; and their maps, aligned by Procrustes on the images they share, so
that one image sits in the same place in every map."""
import time

import numpy as np
import pandas as pd
import streamlit as st
import torch

from aeviz.applications import align_all, table
from aeviz.dashboard import cache, jobs, reports, ui
from aeviz.dashboard.charts import application_plots
from aeviz.latent import activity

SHOWN = 10  # test images reconstructed side by side

st.title("Compare")
rows = {r["id"]: r for r in cache.checkpoint_table() if not r["error"] and r["vector_code"]}
if len(rows) < 2:
    st.info("Comparing needs two checkpoints with a code vector; train another on the Train page.")
    st.stop()
# The sidebar's checkpoint and another on its dataset, to start from.
current = ui.current_row()
first_id = current["id"] if current and current["id"] in rows else next(iter(rows))
same_data = [i for i, r in rows.items() if i != first_id and r["dataset"] == rows[first_id]["dataset"]]
chosen = st.multiselect("Checkpoints", list(rows), default=[first_id, *same_data[:1]], key="cmp_ids",
                        format_func=lambda i: rows[i]["label"], help="Two or more, with a code vector.")
if len(chosen) < 2:
    st.info("Pick two or more checkpoints to compare them.")
    st.stop()
models = [ui.model_or_message(rows[i]) for i in chosen]
if any(m is None for m in models):
    st.stop()

found = [reports.report_or_job(m) for m in models]
if any([jobs.show_failure(job) for _, job in found]):  # a list: every failure is shown
    st.stop()
if any(report is None for report, _ in found):
    def wait_for_reports():
        # Polls every checkpoint's job; a full rerun draws the page once all are ready.
        now = [reports.report_or_job(m) for m in models]
        if all(report is not None or job.error() for report, job in now):
            st.rerun()
        for m, (report, job) in zip(models, now):
            done = report is not None
            st.progress(1.0 if done else min(job.fraction, 1.0),
                        text=f"{m.checkpoint_id}: " + ("ready" if done else
                                                       f"{job.stage}… {time.time() - job.since:.0f} s so far"))
    st.caption("Measuring each checkpoint once (then it is saved to disk), one after the other.")
    st.fragment(wait_for_reports, run_every=1.0)()
    st.stop()

summaries = [report.summary for report, _ in found]
rows_out = table(summaries, [m.meta.get("test", {}) for m in models])
alive = [cache.dim_activity_of(m, "test") for m in models]
rows_out.append(["active code dimensions (test split)", *(f"{a.count} of {len(a.variance)}" for a in alive)])
st.dataframe(pd.DataFrame(rows_out[1:], columns=rows_out[0]).set_index("figure"), height=420)
st.caption("\"-\": does not apply (no left-out classes, no labels), or a codec that cannot make an image that small. "
           f"A code dimension is active when its mean KL to the prior is above {activity.KL_ACTIVE} nats (a VAE), else "
           f"when its variance is above {activity.VARIANCE_ACTIVE:.0%} of the largest one's. "
           "Each checkpoint's own page (Applications) draws its curves.")

datasets = {m.config.dataset for m in models}
if len(datasets) > 1:
    st.info(f"These checkpoints were trained on different datasets ({', '.join(sorted(datasets))}), so they share no "
            "images to reconstruct or to align their maps on.")
    st.stop()
ds = ui.dataset_or_stop(models[0], "test")
scale = max(1, ui.scale_for(ds.x.shape[-2]) // 2)  # a row of SHOWN images fits the page

st.subheader("The same test images, reconstructed by each")
first = st.number_input("First image", 0, len(ds) - SHOWN, 0, key="cmp_first")
idx = list(range(int(first), int(first) + SHOWN))
ui.picture(st, ui.tile(ds.x[idx], SHOWN), "originals", scale)
for m in models:
    outputs = torch.from_numpy(cache.shown_images_of(m, "test", idx)["outputs"])
    ui.picture(st, ui.tile(outputs, SHOWN), m.checkpoint_id, scale)

st.subheader("Their maps, aligned")
c1, c2 = st.columns([1, 2])
method = c1.radio("Projection", ["UMAP", "PCA"], horizontal=True, key="cmp_method").lower()
mark = c2.number_input("Star this test image in every map", 0, len(ds) - 1, int(first), key="cmp_mark")
maps = [jobs.projection_or_fallback(m, "test", method, 2) for m in models]
if any([jobs.show_failure(job) for _, _, job in maps]):
    st.stop()
if any(proj is None or shown_as != f"{method.upper()} 2D" for proj, shown_as, _ in maps):
    def wait_for_maps():
        # A full rerun draws the maps once all are ready, or says which failed.
        now = [jobs.projection_or_fallback(m, "test", method, 2)[2] for m in models]
        if all(job is None or job.error() for job in now):
            st.rerun()
        st.info(f"The {method.upper()} maps are computing (once per checkpoint; then saved to disk).")
    st.fragment(wait_for_maps, run_every=2.0)()
    st.stop()
coords = align_all([proj.coords[:, :2] for proj, _, _ in maps])
bounds = application_plots.shared_bounds(coords)
labels = ds.y.numpy() if ds.y is not None else np.zeros(len(ds), int)
names = (ds.classes or [str(c) for c in range(int(labels.max()) + 1)]) if ds.y is not None else ["images"]
st.caption(f"Each map is shifted, turned (or mirrored) and scaled onto the first by Procrustes on all {len(ds)} test "
           "images, so that an image lies as near as it can to the same place in each; the star is one image.")
per_row = min(3, len(models))
for row in range(0, len(models), per_row):
    for col, i in zip(st.columns(per_row), range(row, min(row + per_row, len(models)))):
        col.plotly_chart(application_plots.groups_map(coords[i], labels, names, title=models[i].checkpoint_id, mark=int(mark),
                                            bounds=bounds, height=420, legend=i % per_row == per_row - 1),
                         key=f"cmp-map-{models[i].checkpoint_id}-{method}", config={"displaylogo": False})
