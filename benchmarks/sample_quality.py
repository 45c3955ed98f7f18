"""Sample quality for MNIST-like images: a small CNN classifier trained here, with a fixed
seed, on mnist5k train, and two figures computed with it on a set of images:

- Frechet distance (the FID formula, Heusel et al., 2017) between the classifier's
  penultimate-layer features (128-d) of the images and of the 1,000 real mnist5k test
  images; lower is better, the real train images give the floor;
- the share of images the classifier labels confidently (max softmax > 0.9).

The classifier is not Inception, so the figures are comparable only with this protocol
(same seed, epochs, architecture and sample count), not with published FIDs."""
from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import nn

CONFIDENT = 0.9


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU())
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        return self.head(self.features(x))


def train_classifier(train_x, train_y, epochs: int = 8, seed: int = 0) -> Classifier:
    """Adam (lr 1e-3), batch 64, cross-entropy, float32 on the CPU; the same seed gives the
    same network, so the figures it yields are comparable run to run."""
    torch.manual_seed(seed)
    net = Classifier()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        net.train()
        for idx in torch.randperm(len(train_x), generator=gen).split(64):
            opt.zero_grad()
            nn.functional.cross_entropy(net(train_x[idx]), train_y[idx]).backward()
            opt.step()
    return net.eval()


@torch.no_grad()
def features_and_probs(net: Classifier, x: torch.Tensor):
    feats = torch.cat([net.features(x[i:i + 500]) for i in range(0, len(x), 500)])
    return feats.double().numpy(), torch.softmax(net.head(feats), 1).numpy()


@torch.no_grad()
def accuracy(net: Classifier, x, y) -> float:
    return float((net(x).argmax(1) == y).float().mean())


def frechet(a: np.ndarray, b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))."""
    from scipy import linalg

    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", linalg.LinAlgWarning)  # dead ReLU units: handled below
        root = linalg.sqrtm(cov_a @ cov_b)
        if not np.isfinite(root).all():  # a singular product: offset the diagonals, as pytorch-fid does
            eye = np.eye(len(cov_a)) * 1e-6
            root = linalg.sqrtm((cov_a + eye) @ (cov_b + eye))
    if np.iscomplexobj(root):
        root = root.real  # rounding leaves tiny imaginary parts
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root))


class Judge:
    """The trained classifier and the real test images' features, to score image sets."""

    def __init__(self, train, test, epochs: int = 8, seed: int = 0):
        self.net = train_classifier(train.x, train.y, epochs, seed)
        self.test_accuracy = accuracy(self.net, test.x, test.y)
        self.reference, _ = features_and_probs(self.net, test.x)

    def score(self, images: torch.Tensor) -> tuple[float, float]:
        """(Frechet distance to the real test images, share labelled confidently)."""
        feats, probs = features_and_probs(self.net, images.float().clamp(0, 1))
        return frechet(feats, self.reference), float((probs.max(1) > CONFIDENT).mean())


def pca_gaussian_samples(train_x: torch.Tensor, n: int, k: int = 16, seed: int = 0) -> torch.Tensor:
    """A linear baseline: a Gaussian over the top-k PCA coefficients of the train images,
    sampled and mapped back to pixels."""
    from sklearn.decomposition import PCA

    flat = train_x.flatten(1).numpy()
    pca = PCA(n_components=k, random_state=seed).fit(flat)
    rng = np.random.default_rng(seed)
    coeffs = rng.standard_normal((n, k)) * np.sqrt(pca.explained_variance_)
    return torch.from_numpy(pca.inverse_transform(coeffs).reshape(n, *train_x.shape[1:])).float().clamp(0, 1)
