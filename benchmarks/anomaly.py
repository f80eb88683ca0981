"""AutoencoderOutlierDetector against scikit-learn's outlier detectors.

Data sets built from what ships with scikit-learn (no download), each with a
known minority of outliers; the protocol of the ODDS-style suites: a
stratified 60/40 split, an unsupervised fit on the 60 % *including its
outliers*, ROC-AUC and average precision of the anomaly scores on the 40 %,
mean over seeds; fit time is the median over seeds.

- ``breast_cancer``: the 357 benign rows and 20 malignant ones (the ODDS
  ``breastw`` construction);
- ``digits-0``, ``digits-5``: one digit class, and 10 rows of the others;
- ``wine``: classes 0 and 1, and 10 rows of class 2;
- ``blobs``: 2 000 rows of 3 Gaussian blobs in 10-d, and 5 % uniform rows in
  their bounding box (global outliers);
- ``manifold``: 3 000 rows on a 4-d non-linear manifold in 30 features of mixed
  units, and 3 % rows whose features are taken from different rows (every
  value typical, their combination not: dependency outliers);
- ``gaussian-large``: 20 000 rows of 50 correlated features, and 2 % with 6
  features inflated 4-fold (the time test).

Detectors: ``AutoencoderOutlierDetector(random_state=seed)`` (defaults),
``IsolationForest``, ``LocalOutlierFactor(novelty=True)``, ``OneClassSVM``
(standardised), PCA reconstruction error (standardised, 90 % of the variance)
and ``-AutoencoderTransformer().score_samples``.

    python benchmarks/anomaly.py [--seeds 3] [--only NAME ...] [--plot PATH]
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import (  # noqa: E402
    load_breast_cancer,
    load_digits,
    load_wine,
    make_blobs,
)
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.metrics import average_precision_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neighbors import LocalOutlierFactor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import OneClassSVM  # noqa: E402

import skae  # noqa: E402

# ---------------------------------------------------------------- data sets


def _minority(X, inlier, outlier, n_outliers, seed):
    rng = np.random.default_rng(seed)
    pick = rng.choice(np.flatnonzero(outlier), n_outliers, replace=False)
    keep = np.r_[np.flatnonzero(inlier), pick]
    return X[keep], np.r_[np.zeros(inlier.sum()), np.ones(n_outliers)]


def breast_cancer(seed):
    X, y = load_breast_cancer(return_X_y=True)
    return _minority(X, y == 1, y == 0, 20, seed)


def digits(digit):
    def build(seed):
        X, y = load_digits(return_X_y=True)
        return _minority(X, y == digit, y != digit, 10, seed)

    build.__name__ = f"digits-{digit}"
    return build


def wine(seed):
    X, y = load_wine(return_X_y=True)
    return _minority(X, y != 2, y == 2, 10, seed)


def blobs(seed):
    X, _ = make_blobs(2000, n_features=10, centers=3, random_state=seed)
    rng = np.random.default_rng(seed)
    out = rng.uniform(X.min(axis=0), X.max(axis=0), size=(100, 10))
    return np.r_[X, out], np.r_[np.zeros(2000), np.ones(100)]


def manifold(seed):
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(3000, 4))
    W = rng.normal(size=(4, 30))
    X = np.tanh(Z @ W / 2) + 0.5 * np.sin(Z @ rng.normal(size=(4, 30)))
    X += 0.05 * rng.normal(size=X.shape)
    X *= 10.0 ** rng.integers(-2, 4, size=30)  # mixed units
    n_out = 90
    out = X[rng.integers(0, 3000, size=(n_out, 30)), np.arange(30)]
    return np.r_[X, out], np.r_[np.zeros(3000), np.ones(n_out)]


def gaussian_large(seed):
    rng = np.random.default_rng(seed)
    n, n_out, d = 20000, 400, 50
    X = rng.normal(size=(n + n_out, 8)) @ rng.normal(size=(8, d))
    X += 0.3 * rng.normal(size=X.shape)
    for row in range(n, n + n_out):
        cols = rng.choice(d, 6, replace=False)
        X[row, cols] *= 4
    return X, np.r_[np.zeros(n), np.ones(n_out)]


gaussian_large.__name__ = "gaussian-large"
DATASETS = [breast_cancer, digits(0), digits(5), wine, blobs, manifold, gaussian_large]

# ---------------------------------------------------------------- detectors


def autoencoder_detector(seed, **params):
    """The detector with its defaults (or ``params``)."""

    def fit(X):
        det = skae.AutoencoderOutlierDetector(random_state=seed, **params).fit(X)
        return lambda X: -det.score_samples(X)

    return fit


def isolation_forest(seed):
    def fit(X):
        est = IsolationForest(random_state=seed).fit(X)
        return lambda X: -est.score_samples(X)

    return fit


def lof(seed):
    def fit(X):
        est = make_pipeline(StandardScaler(), LocalOutlierFactor(novelty=True))
        est.fit(X)
        return lambda X: -est.score_samples(X)

    return fit


def ocsvm(seed):
    def fit(X):
        est = make_pipeline(StandardScaler(), OneClassSVM(nu=0.1)).fit(X)
        return lambda X: -est.score_samples(X)

    return fit


def pca(seed):
    def fit(X):
        scaler = StandardScaler().fit(X)
        est = PCA(0.9, random_state=seed).fit(scaler.transform(X))

        def score(X):
            Xs = scaler.transform(X)
            return np.mean((Xs - est.inverse_transform(est.transform(Xs))) ** 2, 1)

        return score

    return fit


def transformer(seed):
    def fit(X):
        est = skae.AutoencoderTransformer(random_state=seed).fit(X)
        return lambda X: -est.score_samples(X)

    return fit


DETECTORS = {
    "AutoencoderOutlierDetector": autoencoder_detector,
    "IsolationForest": isolation_forest,
    "LOF (novelty)": lof,
    "OneClassSVM": ocsvm,
    "PCA error": pca,
    "-AutoencoderTransformer": transformer,
}

# ---------------------------------------------------------------- protocol


def evaluate(make_detector, dataset, seeds):
    """Mean ROC-AUC, mean average precision, median fit time over seeds."""
    aucs, aps, times = [], [], []
    for seed in seeds:
        X, y = dataset(seed)
        X_train, X_test, _, y_test = train_test_split(
            X, y, train_size=0.6, stratify=y, random_state=seed
        )
        start = time.perf_counter()
        score = make_detector(seed)(X_train)
        times.append(time.perf_counter() - start)
        s = score(X_test)
        aucs.append(roc_auc_score(y_test, s))
        aps.append(average_precision_score(y_test, s))
    return np.mean(aucs), np.mean(aps), np.median(times)


def run(detectors, datasets, seeds):
    results = {}  # (detector, dataset) -> (auc, ap, time)
    for dataset in datasets:
        for name, make in detectors.items():
            results[name, dataset.__name__] = evaluate(make, dataset, seeds)
            auc, ap, t = results[name, dataset.__name__]
            print(
                f"  {dataset.__name__:15s} {name:28s} AUC {auc:.3f} "
                f"AP {ap:.3f} fit {t:6.2f} s",
                file=sys.stderr,
                flush=True,
            )
    return results


def table(results, detectors, datasets):
    names = [d.__name__ for d in datasets]
    lines = [
        "| detector | "
        + " | ".join(names)
        + " | mean ROC-AUC | mean AP | fit s (sum) |",
        "|---" * (len(names) + 4) + "|",
    ]
    for det in detectors:
        row = [results[det, n] for n in names]
        cells = [f"{auc:.3f}" for auc, _, _ in row]
        lines.append(
            f"| {det} | "
            + " | ".join(cells)
            + f" | **{np.mean([r[0] for r in row]):.3f}**"
            + f" | {np.mean([r[1] for r in row]):.3f}"
            + f" | {sum(r[2] for r in row):.1f} |"
        )
    return "\n".join(lines)


def plot(results, detectors, datasets, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [d.__name__ for d in datasets]
    fig, (ax, ax_t) = plt.subplots(1, 2, figsize=(13, 5.5), width_ratios=(3, 1))
    width = 0.8 / len(detectors)
    for i, det in enumerate(detectors):
        aucs = [results[det, n][0] for n in names]
        ax.bar(np.arange(len(names)) + i * width, aucs, width, label=det)
        ax_t.bar(i, sum(results[det, n][2] for n in names))
    ax.set_xticks(np.arange(len(names)) + 0.4 - width / 2, names, rotation=20)
    ax.set_ylim(0.4, 1.01)
    ax.set_ylabel("ROC-AUC on the held-out 40 %")
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    ax_t.set_xticks(range(len(detectors)), list(detectors), rotation=60, ha="right")
    ax_t.set_ylabel("fit time, all data sets (s)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="data set names")
    here = Path(__file__).resolve().parent
    parser.add_argument("--plot", default=str(here / "images" / "anomaly.png"))
    args = parser.parse_args()
    datasets = [d for d in DATASETS if not args.only or d.__name__ in args.only]
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, skae {skae.__version__}")
    results = run(DETECTORS, datasets, range(args.seeds))
    print(table(results, DETECTORS, datasets))
    if args.plot:
        plot(results, DETECTORS, datasets, args.plot)
        print(f"figure: {args.plot}")


if __name__ == "__main__":
    main()
