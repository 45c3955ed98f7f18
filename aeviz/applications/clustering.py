"""Clustering: k-means with as many clusters as the dataset has classes, on the test
split's codes, on PCA of the same size and on the pixels, scored against the labels by
normalized mutual information and the adjusted Rand index (1: the clusters are the
classes; about 0: no better than chance)."""
from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

RESTARTS = 4  # k-means from this many seeded starts, the best kept


def kmeans(features: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """The cluster of each row."""
    return KMeans(n_clusters=k, n_init=RESTARTS, random_state=seed).fit_predict(np.asarray(features, np.float64))


def clustering(test_features: dict[str, np.ndarray], labels: np.ndarray, k: int) -> tuple[dict, np.ndarray]:
    """{"nmi": {space: F}, "ari": {space: F}}, and the clusters of the codes (the map's colours)."""
    clusters = {name: kmeans(f, k) for name, f in test_features.items()}
    scores = {"nmi": {name: float(normalized_mutual_info_score(labels, c)) for name, c in clusters.items()},
              "ari": {name: float(adjusted_rand_score(labels, c)) for name, c in clusters.items()}}
    return scores, clusters["codes"]
