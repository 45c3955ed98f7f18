"""The latent map as a plotly figure, and reading clicks on it.

Plotly selections in Streamlit report points only, never empty space, so under the real
points lies an invisible lattice of points covering the plane: a click anywhere lands on
the nearest lattice point, whose x, y the page decodes through the projection's inverse."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from aeviz.latent.neighbours import nearest

from ..components import events

LATTICE = 60           # points per side of the clickable lattice
PALETTE = qualitative.D3 + qualitative.Pastel
LATTICE_CURVE = 0      # the lattice is the first trace, under everything else
NEAR = 0.75            # lattice points closer than this many spacings to a real point are left out


def _names(labels, classes):
    if labels is None:
        return np.zeros(0, int), ["images"]
    uniq = np.unique(labels)
    return uniq, [classes[int(u)] if classes and 0 <= int(u) < len(classes) else str(int(u)) for u in uniq]


def map_figure(proj, classes=None, height: int = 560, title: str | None = None) -> go.Figure:
    """2D map: a clickable lattice, then one WebGL trace per label with the image index as
    customdata (WebGL keeps tens of thousands of points smooth)."""
    xy = proj.coords[:, :2]
    # A square lattice over the data with a margin, and axes fixed to it, so that every
    # visible place on the plot is clickable and the map keeps its aspect ratio.
    center = (xy.min(0) + xy.max(0)) / 2
    half = 0.55 * float((xy.max(0) - xy.min(0)).max() or 1.0)
    gx = np.linspace(center[0] - half, center[0] + half, LATTICE)
    gy = np.linspace(center[1] - half, center[1] + half, LATTICE)
    lattice = np.stack(np.meshgrid(gx, gy), -1).reshape(-1, 2)
    # No lattice point right beside a real one: plotly gives a click to the nearest point of
    # any trace, so such a point took clicks meant for the image it sat next to.
    lattice = lattice[nearest(xy, lattice, 1)[0][:, 0] > NEAR * (gx[1] - gx[0])]
    fig = go.Figure()
    fig.add_trace(go.Scattergl(
        x=lattice[:, 0], y=lattice[:, 1], mode="markers", name="plane", showlegend=False, hoverinfo="none",
        marker=dict(size=9, color="rgba(0,0,0,0)", opacity=0, symbol="x-thin", line=dict(width=2, color="#222")),
        # A clicked lattice point shows as a cross; a box or lasso over empty space as a light
        # hatching (the figure must not change with the click, or Streamlit drops the selection).
        selected=dict(marker=dict(opacity=0.55, color="#222", size=9)),
        unselected=dict(marker=dict(opacity=0))))
    labels = proj.labels
    uniq, names = _names(labels, classes)
    groups = [(np.arange(len(xy)), "images")] if labels is None else [
        (np.flatnonzero(labels == u), n) for u, n in zip(uniq, names)]
    for k, (idx, name) in enumerate(groups):
        fig.add_trace(go.Scattergl(
            x=xy[idx, 0], y=xy[idx, 1], mode="markers", name=name, customdata=idx,
            marker=dict(size=6, color=PALETTE[k % len(PALETTE)], opacity=0.85),
            unselected=dict(marker=dict(opacity=0.6)),
            hovertemplate=f"label {name} · image #%{{customdata}}<extra></extra>"))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10),
                      title=title, legend=dict(title="label", itemsizing="constant"),
                      hovermode="closest", clickmode="event+select", dragmode="zoom")
    fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=False, range=[gx[0], gx[-1]], constrain="domain")
    fig.update_yaxes(showgrid=False, zeroline=False, showticklabels=False, range=[gy[0], gy[-1]],
                     scaleanchor="x", scaleratio=1, constrain="domain")
    return fig


def map_figure_3d(proj, classes=None, height: int = 600) -> go.Figure:
    labels = proj.labels
    uniq, names = _names(labels, classes)
    groups = [(np.arange(len(proj.coords)), "images")] if labels is None else [
        (np.flatnonzero(labels == u), n) for u, n in zip(uniq, names)]
    fig = go.Figure()
    for k, (idx, name) in enumerate(groups):
        c = proj.coords[idx]
        fig.add_trace(go.Scatter3d(x=c[:, 0], y=c[:, 1], z=c[:, 2], mode="markers", name=name,
                                   customdata=idx, marker=dict(size=2.5, color=PALETTE[k % len(PALETTE)]),
                                   hovertemplate=f"label {name} · image #%{{customdata}}<extra></extra>"))
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=0, b=0), legend=dict(itemsizing="constant"),
                      scene=dict(xaxis=dict(showticklabels=False, title=""), yaxis=dict(showticklabels=False, title=""),
                                 zaxis=dict(showticklabels=False, title="")))
    return fig


def add_path(fig: go.Figure, xy: np.ndarray, names=("A", "B")) -> go.Figure:
    """An interpolation path over the map, its ends marked."""
    fig.add_trace(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="lines+markers", name="path", hoverinfo="skip",
                             line=dict(color="black", width=2), marker=dict(size=7, color="black")))
    fig.add_trace(go.Scatter(x=xy[[0, -1], 0], y=xy[[0, -1], 1], mode="markers+text", text=list(names),
                             textposition="top center", name="ends", hoverinfo="skip", showlegend=False,
                             textfont=dict(size=16, color="black"),
                             marker=dict(size=14, color="white", line=dict(color="black", width=2))))
    return fig


def read_selection(event, n: int) -> dict:
    """A plotly selection event over n images -> {"click": ("point", index) | ("place", x, y)
    | None, "indices": [image indices in a box or lasso]}. The event comes from the browser:
    what is not a valid index or place (events.py) counts as nothing clicked or selected."""
    sel = event.get("selection") if isinstance(event, dict) else None
    sel = sel if isinstance(sel, dict) else {}
    points = sel.get("points")
    points = [p for p in points if isinstance(p, dict)] if isinstance(points, list) else []
    boxed = bool(sel.get("box")) or bool(sel.get("lasso"))
    data = [p for p in points if p.get("curve_number") != LATTICE_CURVE and p.get("customdata") is not None]
    indices = events.selection([_scalar(p["customdata"]) for p in data[:n]], n)
    click = None
    if not boxed and points:
        if data:
            click = ("point", indices[0]) if indices else None
        elif xy := events.place(points[0].get("x"), points[0].get("y")):
            click = ("place", *xy)
    return {"click": click, "indices": indices if boxed else []}


def _scalar(v):
    return (v[0] if v else None) if isinstance(v, (list, tuple)) else v
