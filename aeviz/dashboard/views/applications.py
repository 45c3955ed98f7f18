"""Applications: what this autoencoder is good for, measured on its test split. Compression
against PCA, JPEG and WebP at as many bytes; clustering, linear-probe features and retrieval
against PCA of the same size and the pixels; anomaly detection for a model trained with
classes left out. Computed once per checkpoint in the background, then read from disk."""
import time

import numpy as np
import pandas as pd
import streamlit as st

from aeviz.applications.compare import SPACE_NAMES, SPACES
from aeviz.applications.compression import overtakes
from aeviz.applications.curves import PSNR
from aeviz.datasets.classes import class_names
from aeviz.dashboard.charts import application_plots
from aeviz.dashboard import jobs, reports, ui

model = ui.current_model()
st.title("Applications")
ui.require_code_vector(model, "measuring compression, clustering and features")
ds = ui.dataset_or_stop(model, "test")

report, job = reports.report_or_job(model)
if jobs.show_failure(job):
    st.stop()
if report is None:
    def wait_for_report():
        # Polls the background job; a full rerun draws the page once the report is ready.
        ready, running = reports.report_or_job(model)
        if ready is not None or running.error():
            st.rerun()
        st.progress(min(running.fraction, 1.0),
                    text=f"{running.stage}… {time.time() - running.since:.0f} s so far (once per checkpoint; "
                         "then it is saved to disk)")
    st.caption(f"Measuring what {model.checkpoint_id} is good for on its {len(ds)} test images: "
               "compression, clustering, features, retrieval and anomalies.")
    st.fragment(wait_for_report, run_every=1.0)()
    st.stop()

summary, curves, notes = report.summary, report.curves, report.notes
names_of_classes = [] if ds.y is None else (ds.classes or class_names(ds, range(int(ds.y.max()) + 1)))


def compression() -> None:
    metric = st.radio("Quality measure", ["PSNR", "SSIM"], horizontal=True, key="app_rd_metric")
    st.plotly_chart(application_plots.rate_distortion(curves, metric.lower()), key=f"rd-{model.checkpoint_id}-{metric}",
                    config={"displaylogo": False})
    table = pd.DataFrame([{"bits a dimension": r["bits"], "bytes per image": r["bytes_per_image"],
                           "PSNR (dB)": r["psnr"], "SSIM": r["ssim"], "PCA PSNR at as many bytes": r["pca_psnr"],
                           "JPEG PSNR at as many bytes": r["jpeg_psnr"], "WebP PSNR at as many bytes": r["webp_psnr"]}
                          for r in summary["compression"]])
    st.dataframe(table, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.2f")
                                                        for c in table.columns[1:]})
    best = curves["codes"][:, PSNR].max()
    beaten = [f"{name} from {b:.0f} bytes an image" for name, key in (("PCA", "pca"), ("JPEG", "jpeg"), ("WebP", "webp"))
              if (b := overtakes(curves[key], curves["codes"])) is not None]
    st.caption(f"The codes reach at most {best:.2f} dB, the model's own reconstruction quality; "
               + (f"more bytes buy more with {', '.join(beaten)}." if beaten else "no baseline beats that in the range shown.")
               + " Codes and PCA's coefficients: quantized per dimension (range from the training codes) and "
               "LZMA-coded over the whole split; JPEG and WebP: each image's own bytes, headers shared by all "
               "counted once, at full, half and quarter size. None: the codec cannot make an image that small. "
               "Decoders (the model's, PCA's axes, the codecs') are not counted.")


def spaces_table(rows: dict[str, dict]) -> pd.DataFrame:
    return pd.DataFrame({SPACE_NAMES[s]: [values[s] for values in rows.values()] for s in SPACES}, index=list(rows))


def map_of_test_codes():
    """The checkpoint's map of the test codes (UMAP, or PCA while UMAP computes), or a message."""
    proj, shown_as, _ = jobs.projection_or_fallback(model, "test", "umap", 2)
    if proj is None:
        st.info("The map of the test codes is still computing (see the Latent map page); it shows here when done.")
    return proj, shown_as


def clustering() -> None:
    st.dataframe(spaces_table({"NMI": summary["clustering"]["nmi"], "ARI": summary["clustering"]["ari"]}))
    st.caption(f"k-means with k = {len(names_of_classes)} on the test split, against the labels: 1 is the classes "
               "found exactly, 0 no better than chance.")
    proj, shown_as = map_of_test_codes()
    if proj is None:
        return
    by = st.radio("Colour the map by", ["k-means cluster of the codes", "label"], horizontal=True, key="app_cluster_by")
    clusters = curves["clusters"]
    if by == "label":
        groups, names = ds.y.numpy(), names_of_classes
    else:
        groups, names = clusters, [f"cluster {c}" for c in range(int(clusters.max()) + 1)]
    st.plotly_chart(application_plots.groups_map(proj.coords, groups, names, title=f"{shown_as} map of the test codes"),
                    key=f"clusters-{model.checkpoint_id}-{by}", config={"displaylogo": False})


def features() -> None:
    probe = summary["probe"]
    st.dataframe(spaces_table({"10 labels a class": probe["10"], "100 labels a class": probe["100"],
                               "all labels": probe["all"]}))
    st.caption("Test accuracy of a logistic regression on standardized features, trained on that many labelled "
               "training images a class (the same images for every space).")


def retrieval() -> None:
    st.dataframe(spaces_table({"precision@10": summary["retrieval"]["p_at_10"]}))
    st.caption("For each test image, its 10 nearest training images (Euclidean): the share with its label.")


def anomalies() -> None:
    found = summary["anomaly"]
    if found is None:
        st.info(notes.get("anomaly", "No anomaly figures for this checkpoint."))
        return
    left_out = ", ".join(class_names(ds, found["classes"]))
    a, b = st.columns(2)
    a.metric("AUROC, reconstruction error", f"{found['auroc_error']:.3f}")
    b.metric("AUROC, latent density", f"{found['auroc_density']:.3f}")
    st.caption(f"How well each score tells the test images of {left_out} (never seen in training) from the rest: "
               "1 is perfectly, 0.5 is chance. Latent density: the mean distance to the 10 nearest codes of the "
               "training images.")
    left, right = st.columns(2)
    left.plotly_chart(application_plots.roc(curves, found), key=f"roc-{model.checkpoint_id}", config={"displaylogo": False})
    with right:
        proj, shown_as = map_of_test_codes()
        if proj is not None:
            unseen = np.isin(ds.y.numpy(), found["classes"]).astype(int)
            st.plotly_chart(application_plots.groups_map(proj.coords, unseen, ["classes seen in training", f"left out: {left_out}"],
                                               title=f"Where the unseen class lands ({shown_as})",
                                               colours=["#c7c7c7", "#d62728"]),
                            key=f"unseen-{model.checkpoint_id}", config={"displaylogo": False})


tabs = st.tabs(["Compression", "Clustering", "Features", "Retrieval", "Anomalies"])
with tabs[0]:
    compression()
for tab, section in zip(tabs[1:], (clustering, features, retrieval, anomalies)):
    with tab:
        if "labels" in notes:
            st.info(notes["labels"])
        else:
            section()
