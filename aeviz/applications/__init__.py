"""What autoencoders are for, measured on a user's own checkpoint: compression (bytes per
image against PSNR, beside PCA, JPEG and WebP), clustering, linear-probe features,
retrieval and anomaly detection, each on the codes, on PCA of the same size and on the
pixels; and several checkpoints side by side.

    from aeviz.applications import cached_report
    report = cached_report(aeviz.load_checkpoint("vae-mnist5k-e4fbd8312e88"))
    report.summary["clustering"]["nmi"]     # {"codes": ..., "pca": ..., "pixels": ...}
"""
from .compare import align, align_all, table
from .report import Report, applies, cached_report, to_json

__all__ = ["Report", "align", "align_all", "applies", "cached_report", "table", "to_json"]
