"""Models side by side: one table of every figure for several checkpoints, and their maps
aligned by Procrustes on the images they share, so that one image sits in the same place
in each map."""
from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes

SPACES = ("codes", "pca", "pixels")
SPACE_NAMES = {"codes": "codes", "pca": "PCA", "pixels": "pixels"}


def align(reference: np.ndarray, other: np.ndarray) -> np.ndarray:
    """other's (N, 2) points, the same N images in the same order as the reference's,
    shifted, scaled to the reference's spread and turned (or mirrored) so that the squared
    distances between each image's two places are the least (orthogonal Procrustes, as
    scipy.spatial.procrustes: the spread is matched, not fitted, so a map unlike the
    reference keeps its size instead of shrinking towards its centre)."""
    ref_center, other_center = reference.mean(0), other.mean(0)
    a, b = reference - ref_center, other - other_center
    b = b * (np.linalg.norm(a) / max(float(np.linalg.norm(b)), 1e-12))
    rotation, _ = orthogonal_procrustes(b, a)
    return (b @ rotation + ref_center).astype(np.float32)


def align_all(maps: list[np.ndarray]) -> list[np.ndarray]:
    """Every map aligned onto the first."""
    return [maps[0]] + [align(maps[0], m) for m in maps[1:]]


def _number(value, spec: str = ".4g") -> str:
    return "-" if value is None else format(value, spec)


def table(summaries: list[dict], tests: list[dict]) -> list[list[str]]:
    """Rows of [figure, one value per checkpoint], a header first: the test metrics of each
    checkpoint (tests: its meta["test"]) and every figure of its applications summary. "-"
    is a figure that does not apply, or a codec that cannot go as small."""
    rows = [["figure", *(s["checkpoint"] for s in summaries)]]

    def add(label: str, values, spec: str = ".4g"):
        rows.append([label, *(_number(v, spec) for v in values)])

    for key, name, spec in (("mse", "MSE", ".5f"), ("psnr", "PSNR (dB)", ".2f"), ("ssim", "SSIM", ".3f")):
        add(f"test {name}", [t.get(key) for t in tests], spec)
    for i, row in enumerate(summaries[0]["compression"]):
        each = [s["compression"][i] for s in summaries]
        bits = row["bits"]
        add(f"{bits}-bit codes: bytes per image", [r["bytes_per_image"] for r in each], ".2f")
        add(f"{bits}-bit codes: PSNR (dB)", [r["psnr"] for r in each], ".2f")
        add(f"{bits}-bit codes: SSIM", [r["ssim"] for r in each], ".3f")
        for codec, name in (("pca", "PCA"), ("jpeg", "JPEG"), ("webp", "WebP")):
            add(f"{bits}-bit codes: {name} PSNR at as many bytes", [r[f"{codec}_psnr"] for r in each], ".2f")
    for metric, name in (("nmi", "k-means NMI"), ("ari", "k-means ARI")):
        for space in SPACES:
            add(f"{name}: {SPACE_NAMES[space]}", [_get(s, "clustering", metric, space) for s in summaries], ".3f")
    for labels in ("10", "100", "all"):
        for space in SPACES:
            add(f"probe accuracy, {labels} labels a class: {SPACE_NAMES[space]}" if labels != "all" else
                f"probe accuracy, all labels: {SPACE_NAMES[space]}",
                [_get(s, "probe", labels, space) for s in summaries], ".3f")
    for space in SPACES:
        add(f"precision@10: {SPACE_NAMES[space]}", [_get(s, "retrieval", "p_at_10", space) for s in summaries], ".3f")
    rows.append(["anomaly: classes left out", *(", ".join(map(str, s["anomaly"]["classes"])) if s["anomaly"] else "-"
                                                for s in summaries)])
    for score, name in (("auroc_error", "reconstruction error"), ("auroc_density", "latent density")):
        add(f"anomaly AUROC: {name}", [_get(s, "anomaly", score) for s in summaries], ".3f")
    return rows


def _get(summary: dict, *keys):
    """summary[k1][k2]..., or None where a part is missing (null in the JSON)."""
    value = summary
    for k in keys:
        if value is None:
            return None
        value = value[k]
    return value
