"""Outlier detectors side by side on 2-D toy data sets
=====================================================

As in scikit-learn's "Comparing anomaly detection algorithms for outlier
detection on toy datasets".

Each row of the figure is a data set of 300 points, 15 % of them uniform
outliers; each column a detector, fitted on the whole (contaminated) set with
``contamination=0.15``. The black line is each detector's decision boundary
(``decision_function == 0``), the points are coloured by ``predict``, and the
corner gives the fit time. An autoencoder with a one-number code learns a curve
through the data: it flags what lies far from that curve, not what lies in an
empty region between clusters on it.

    python examples/outlier_comparison.py [--epochs N] [--out DIR]
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from _common import parse_args, save
from sklearn.datasets import make_blobs, make_moons
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.svm import OneClassSVM

from skae import AutoencoderOutlierDetector

args = parse_args(__doc__, epochs=100)

n_samples, contamination = 300, 0.15
n_outliers = int(contamination * n_samples)
n_inliers = n_samples - n_outliers
blobs = dict(random_state=0, n_samples=n_inliers, n_features=2)
datasets = {
    "one blob": make_blobs(centers=[[0, 0], [0, 0]], cluster_std=0.5, **blobs)[0],
    "two blobs": make_blobs(centers=[[2, 2], [-2, -2]], cluster_std=0.5, **blobs)[0],
    "unequal blobs": make_blobs(
        centers=[[2, 2], [-2, -2]], cluster_std=[1.5, 0.3], **blobs
    )[0],
    "moons": 4.0 * (make_moons(n_inliers, noise=0.05, random_state=0)[0] - [0.5, 0.25]),
}
detectors = {
    "AutoencoderOutlierDetector": lambda: AutoencoderOutlierDetector(
        hidden_layer_sizes=(32, 32),
        epochs=args.epochs,
        contamination=contamination,
        random_state=0,
    ),
    "IsolationForest": lambda: IsolationForest(
        contamination=contamination, random_state=0
    ),
    "LocalOutlierFactor": lambda: LocalOutlierFactor(
        n_neighbors=35, novelty=True, contamination=contamination
    ),
    "OneClassSVM": lambda: OneClassSVM(nu=contamination, gamma=0.1),
}

rng = np.random.default_rng(42)
xx, yy = np.meshgrid(np.linspace(-7, 7, 150), np.linspace(-7, 7, 150))
grid = np.c_[xx.ravel(), yy.ravel()]
fig, axes = plt.subplots(
    len(datasets), len(detectors), figsize=(3 * len(detectors), 3 * len(datasets))
)
for i, (data_name, X_inliers) in enumerate(datasets.items()):
    X = np.r_[X_inliers, rng.uniform(-6, 6, size=(n_outliers, 2))]
    for j, (name, make) in enumerate(detectors.items()):
        start = time.perf_counter()
        detector = make().fit(X)
        seconds = time.perf_counter() - start
        labels = detector.predict(X)
        Z = detector.decision_function(grid).reshape(xx.shape)
        ax = axes[i, j]
        ax.contour(xx, yy, Z, levels=[0], linewidths=2, colors="black")
        ax.scatter(*X.T, s=8, c=np.where(labels == 1, "tab:blue", "tab:orange"))
        ax.set(xlim=(-7, 7), ylim=(-7, 7), xticks=(), yticks=())
        ax.text(0.98, 0.02, f"{seconds:.1f} s", transform=ax.transAxes, ha="right")
        if i == 0:
            ax.set_title(name, fontsize=10)
        if j == 0:
            ax.set_ylabel(data_name)
        print(f"{data_name:14s} {name:27s} flagged {np.sum(labels == -1):3d} rows")
fig.tight_layout()
save(fig, args, "outlier_comparison.png")
