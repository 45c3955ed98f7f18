"""The figures of the Applications and Compare pages: the rate-distortion plot, the ROC
curves of the anomaly scores, and a plain map of the test codes coloured by groups
(clusters, seen and unseen classes, labels), with one image marked in every map."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from aeviz.applications.curves import frontier

from .map_plot import PALETTE

CODECS = {  # curve name: (legend, colour, how a setting reads in the hover)
    "codes": ("autoencoder codes", "#d62728", lambda r: f"{r[0]:.0f} bits a dimension"),
    "pca": ("PCA, quantized", "#1f77b4", lambda r: f"{r[0]:.0f} components, {r[1]:.0f} bits"),
    "jpeg": ("JPEG", "#2ca02c", lambda r: f"1/{r[0]:.0f} size, quality {r[1]:.0f}"),
    "webp": ("WebP", "#ff7f0e", lambda r: f"1/{r[0]:.0f} size, quality {r[1]:.0f}"),
}


def rate_distortion(curves: dict[str, np.ndarray], metric: str = "psnr", height: int = 420) -> go.Figure:
    """Bytes per image (log scale) against PSNR or SSIM: the codes at each bit depth, and
    each baseline's best settings (those no other of its settings beats on PSNR)."""
    column = -2 if metric == "psnr" else -1
    fig = go.Figure()
    for name, (legend, colour, setting) in CODECS.items():
        rows = curves[name] if name == "codes" else frontier(curves[name])
        fig.add_trace(go.Scatter(
            x=rows[:, -3], y=rows[:, column], mode="lines+markers", name=legend,
            line=dict(color=colour, width=3 if name == "codes" else 2), marker=dict(size=8 if name == "codes" else 6),
            text=[setting(r) for r in rows],
            hovertemplate=f"{legend}<br>%{{text}}<br>%{{x:.2f}} bytes an image<br>%{{y:.3f}}<extra></extra>"))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), hovermode="closest",
                      legend=dict(orientation="h", y=-0.2))
    fig.update_xaxes(type="log", title="bytes per image (log scale)")
    fig.update_yaxes(title="PSNR (dB)" if metric == "psnr" else "SSIM")
    return fig


def roc(curves: dict[str, np.ndarray], summary: dict, height: int = 380) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line=dict(color="#999", dash="dot")))
    for name, legend, colour in (("error", "reconstruction error", "#d62728"), ("density", "latent density", "#9467bd")):
        points = curves[f"roc_{name}"]
        fig.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="lines", line=dict(color=colour, width=2),
                                 name=f"{legend} (AUROC {summary[f'auroc_{name}']:.3f})"))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(x=0.4, y=0.05))
    fig.update_xaxes(title="false positive rate (seen classes flagged)", range=[0, 1], constrain="domain")
    fig.update_yaxes(title="true positive rate (left-out classes found)", range=[0, 1], scaleanchor="x")
    return fig


def groups_map(coords: np.ndarray, groups: np.ndarray, names: list[str], title: str | None = None,
               mark: int | None = None, bounds: tuple | None = None, height: int = 460,
               colours: list[str] | None = None, legend: bool = True) -> go.Figure:
    """(N, 2) points coloured by group (groups[i] indexes names), image #mark starred;
    bounds ((x0, x1), (y0, y1)) gives several maps one frame (and one legend is enough)."""
    colours = colours or PALETTE
    fig = go.Figure()
    for g, name in enumerate(names):
        idx = np.flatnonzero(groups == g)
        fig.add_trace(go.Scattergl(x=coords[idx, 0], y=coords[idx, 1], mode="markers", name=name, customdata=idx,
                                   marker=dict(size=5, color=colours[g % len(colours)], opacity=0.8),
                                   hovertemplate=f"{name} · image #%{{customdata}}<extra></extra>"))
    if mark is not None:
        fig.add_trace(go.Scatter(x=[coords[mark, 0]], y=[coords[mark, 1]], mode="markers", name=f"image #{mark}",
                                 marker=dict(symbol="star", size=18, color="black", line=dict(color="white", width=1)),
                                 hoverinfo="skip"))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10), title=title,
                      showlegend=legend, legend=dict(itemsizing="constant"), hovermode="closest")
    fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=False, constrain="domain",
                     range=None if bounds is None else list(bounds[0]))
    fig.update_yaxes(showgrid=False, zeroline=False, showticklabels=False, scaleanchor="x", scaleratio=1,
                     constrain="domain", range=None if bounds is None else list(bounds[1]))
    return fig


def shared_bounds(maps: list[np.ndarray], margin: float = 0.05) -> tuple:
    """One frame ((x0, x1), (y0, y1)) around every map's points."""
    points = np.concatenate([m[:, :2] for m in maps])
    low, high = points.min(0), points.max(0)
    pad = margin * float((high - low).max() or 1.0)
    return (low[0] - pad, high[0] + pad), (low[1] - pad, high[1] + pad)
