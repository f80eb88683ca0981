"""AutoencoderOutlierDetector against scikit-learn's outlier detectors.

Data sets built from what ships with scikit-learn and NumPy (no download),
each with a known minority of outliers, as stand-ins for the kinds and shapes
of the 17 ODDS tables of PyOD's benchmark (class minorities, mostly small);
the protocol of the ODDS-style suites: a stratified 60/40 split, an
unsupervised fit on the 60 % *including its outliers*, ROC-AUC and average
precision of the anomaly scores on the 40 %, mean over seeds; fit time is the
median over seeds.

- ``breast_cancer``: the 357 benign rows and 20 malignant ones (the ODDS
  ``wbc``/``breastw`` construction); ``breast_cancer-all``: all 212 malignant
  rows, 37 % outliers (as ionosphere's 36 % and pima's 35 %);
- ``digits-0``, ``digits-5``: one digit class, and 10 rows of the others;
  ``digits-1..9``: nine classes against 30 rows of zeros (ODDS optdigits);
  ``digits-4x4``: the digits pooled to 16 features, nine classes against 40
  rows of fours (ODDS pendigits);
- ``wine``: classes 0 and 1, and 10 rows of class 2 (ODDS wine);
- ``iris``: setosa and versicolor, and 5 virginica (small and 4-d, as lympho,
  glass and vertebral are small);
- ``diabetes``: the 35 % of patients with the highest progression as
  outliers, a weakly separable minority (as pima's);
- ``local``: 260 rows in 6-d, 8 % local outliers next to a dense cluster
  (vertebral-, vowels-like);
- ``clustered``: 520 rows of 9 skewed features, 4 % clustered anomalies
  (glass-like);
- ``blobs``: 2 000 rows of 3 Gaussian blobs in 10-d, and 5 % uniform rows in
  their bounding box (global outliers);
- ``manifold``: 3 000 rows on a 4-d non-linear manifold in 30 features of mixed
  units, and 3 % rows whose features are taken from different rows (every
  value typical, their combination not: dependency outliers);
- ``gaussian-large``: 20 000 rows of 50 correlated features, and 2 % with 6
  features inflated 4-fold;
- ``shuttle-like``: 45 000 rows of 9 features, 7 % outliers from other regimes
  (the shape of ODDS shuttle, the largest of the 17).

Detectors: ``AutoencoderOutlierDetector(random_state=seed)`` (defaults),
``IsolationForest``, ``LocalOutlierFactor(novelty=True)``, ``OneClassSVM``
(standardised), PCA reconstruction error (standardised, 90 % of the variance)
and ``-AutoencoderTransformer(batch_size=32).score_samples``.

    python benchmarks/anomaly.py [--seeds 3] [--only NAME ...] [--plot PATH]
    python benchmarks/anomaly.py --timing   # one pass over the 17 ODDS shapes
    python benchmarks/anomaly.py --odds-dir DIR [--only odds-cardio ...]
    python benchmarks/anomaly.py --letters [DIR]   # ODDS mnist's construction

``--letters`` adds five stand-ins for ODDS ``mnist`` (one class of 28x28
digits, 700 rows of another, 100 of the 784 pixels drawn at random), the one
table of the 17 that could not be obtained here: the same construction on
the notMNIST letters of tests/data/notmnist (or DIR), 1 000 rows of one
letter and 101 of another (ODDS's 9.2 %), pairs A-G, B-E, C-I, D-J, F-H.

``--odds-dir`` adds the public ODDS tables found in DIR (none ships here: the
benchmark downloads nothing): ODDS's own ``NAME.mat`` files (``X``, ``y``,
from odds.cs.stonybrook.edu) or ``NAME.csv`` files whose first column is the
label (``anomaly``/``nominal``, or 1/0) and whose first line is a header, as
in the ``data/`` folder of github.com/daochenzha/Meta-AAD.
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
    load_diabetes,
    load_digits,
    load_iris,
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


def breast_cancer_all(seed):
    """Every malignant row: 37 % outliers, as ionosphere (36 %) and pima (35 %)."""
    X, y = load_breast_cancer(return_X_y=True)
    return X, (y == 0).astype(float)


breast_cancer_all.__name__ = "breast_cancer-all"


def digits_multi(seed):
    """Nine digit classes against 30 rows of the tenth (ODDS optdigits)."""
    X, y = load_digits(return_X_y=True)
    return _minority(X, y != 0, y == 0, 30, seed)


digits_multi.__name__ = "digits-1..9"


def digits_pooled(seed):
    """Digits pooled to 4 x 4 (16 features), nine classes against 40 rows of
    the fourth (ODDS pendigits: 16 features, class 4 downsampled)."""
    X, y = load_digits(return_X_y=True)
    X = X.reshape(-1, 4, 2, 4, 2).sum(axis=(2, 4)).reshape(-1, 16)
    return _minority(X, y != 4, y == 4, 40, seed)


digits_pooled.__name__ = "digits-4x4"


def iris(seed):
    """Setosa and versicolor against 5 virginica: 4 features, 105 rows."""
    X, y = load_iris(return_X_y=True)
    return _minority(X, y != 2, y == 2, 5, seed)


def diabetes(seed):
    """The diabetes table's 10 features; outliers the 35 % of patients with the
    highest disease progression (a weakly separable minority, as pima's)."""
    X, y = load_diabetes(return_X_y=True)
    return X, (y > np.quantile(y, 0.65)).astype(float)


def local(seed):
    """Low-dimensional, small (vertebral-like): a dense and a wide cluster in
    6-d, 240 rows, and 8 % local outliers 4-5 standard deviations from the
    dense one, well inside the spread of the data."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(6, 6))
    dense = rng.normal(size=(140, 6)) @ (0.3 * A)
    wide = rng.normal(size=(100, 6)) @ (2.0 * A) + 3
    direction = rng.normal(size=(20, 6))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    out = (direction * rng.uniform(4, 5, size=(20, 1))) @ (0.3 * A)
    return np.r_[dense, wide, out], np.r_[np.zeros(240), np.ones(20)]


def clustered(seed):
    """Glass-like: 500 rows of 9 skewed, correlated features (two groups), and a
    tight cluster of 20 anomalies (4 %) shifted on three features."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(500, 3))
    X = np.exp(0.5 * Z @ rng.normal(size=(3, 9))) + 0.1 * rng.normal(size=(500, 9))
    X[250:] += rng.normal(size=9)
    center = X.mean(axis=0) + 3 * X.std(axis=0) * np.r_[1, -1, 1, np.zeros(6)]
    out = center + 0.2 * X.std(axis=0) * rng.normal(size=(20, 9))
    return np.r_[X, out], np.r_[np.zeros(500), np.ones(20)]


def shuttle_like(seed):
    """Shuttle-shaped: 45 000 rows of 9 sensor-like features, 7 % outliers.
    Inliers: one regime, a 3-d non-linear manifold with three discrete
    readings; outliers: four other regimes (small clusters off the manifold)
    and a few scattered rows."""
    rng = np.random.default_rng(seed)
    n, d = 41850, 9
    W, V = rng.normal(size=(3, d)), rng.normal(size=(3, d))

    def regime(Z):
        X = 3 * np.tanh(Z @ W / 2) + np.sin(Z @ V)
        return X + 0.1 * rng.normal(size=X.shape)

    X = regime(rng.normal(size=(n, 3)))
    out = [
        regime(rng.normal(size=(size, 3)) * 0.3) + rng.normal(scale=2, size=d)
        for size in (1200, 900, 450, 300)
    ]
    out.append(rng.uniform(X.min(0), X.max(0), size=(300, d)))
    X = np.r_[X, np.concatenate(out)]
    X[:, :3] = np.round(2 * X[:, :3])  # discrete readings
    return X, np.r_[np.zeros(n), np.ones(len(X) - n)]


shuttle_like.__name__ = "shuttle-like"

DATASETS = [
    breast_cancer,
    breast_cancer_all,
    digits(0),
    digits(5),
    digits_multi,
    digits_pooled,
    wine,
    iris,
    diabetes,
    local,
    clustered,
    blobs,
    manifold,
    gaussian_large,
    shuttle_like,
]


def letters_like_mnist(directory, pairs=((0, 6), (1, 4), (2, 8), (3, 9), (5, 7))):
    """ODDS mnist's construction on the notMNIST letters in ``directory``."""
    import gzip

    directory = Path(directory)
    with gzip.open(directory / "t10k-images-idx3-ubyte.gz") as f:
        X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(directory / "t10k-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    pixels = np.random.default_rng(0).choice(784, 100, replace=False)
    X = X[:, pixels].astype(float)

    def pair(inlier, outlier):
        def build(seed):
            n_outliers = round((y == inlier).sum() * 700 / 6903)  # ODDS's 9.2 %
            return _minority(X, y == inlier, y == outlier, n_outliers, seed)

        build.__name__ = f"letters-{'ABCDEFGHIJ'[inlier]}{'ABCDEFGHIJ'[outlier]}"
        return build

    return [pair(inlier, outlier) for inlier, outlier in pairs]


def odds_table(path):
    """One ODDS table from a ``.mat`` or labelled ``.csv`` file (see above)."""
    path = Path(path)

    def build(seed):
        if path.suffix == ".mat":
            from scipy.io import loadmat

            mat = loadmat(path)
            return np.asarray(mat["X"], dtype=float), np.ravel(mat["y"]).astype(float)
        labels = np.loadtxt(path, delimiter=",", skiprows=1, usecols=0, dtype=str)
        n_columns = len(path.open().readline().split(","))
        X = np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(1, n_columns))
        return X, np.isin(np.char.strip(labels), ["anomaly", "1", "1.0"]).astype(float)

    build.__name__ = f"odds-{path.stem}"
    return build


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
    # Batches of 32, the transformer's default when the tables of
    # benchmarks/README.md were measured (its "auto" batch since session 17
    # would change the larger tables; the ODDS tables are not here to rerun).
    def fit(X):
        est = skae.AutoencoderTransformer(batch_size=32, random_state=seed).fit(X)
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

# ------------------------------------------------- the 17 shapes, timing only

# (name, rows, features, outlier fraction) of the 17 ODDS tables of PyOD's
# benchmark: the external suite of issue 13, not available offline.
ODDS_SHAPES = [
    ("arrhythmia", 452, 274, 0.146),
    ("cardio", 1831, 21, 0.096),
    ("glass", 214, 9, 0.042),
    ("ionosphere", 351, 33, 0.359),
    ("letter", 1600, 32, 0.0625),
    ("lympho", 148, 18, 0.041),
    ("mnist", 7603, 100, 0.092),
    ("musk", 3062, 166, 0.032),
    ("optdigits", 5216, 64, 0.029),
    ("pendigits", 6870, 16, 0.0227),
    ("pima", 768, 8, 0.349),
    ("satellite", 6435, 36, 0.316),
    ("satimage-2", 5803, 36, 0.012),
    ("shuttle", 49097, 9, 0.0715),
    ("vertebral", 240, 6, 0.125),
    ("vowels", 1456, 12, 0.034),
    ("wbc", 378, 30, 0.056),
]


def odds_shaped(n, d, fraction, seed):
    """Synthetic stand-in of one ODDS table's shape: rows on a non-linear
    low-dimensional manifold, the outliers shifted off it."""
    rng = np.random.default_rng(seed)
    n_out = max(1, round(fraction * n))
    Z = rng.normal(size=(n, max(2, d // 4)))
    X = np.tanh(Z @ rng.normal(size=(Z.shape[1], d)) / 2)
    X += 0.1 * rng.normal(size=X.shape)
    X[:n_out] += rng.normal(size=(n_out, d))
    return X, np.r_[np.ones(n_out), np.zeros(n - n_out)]


def timing(detectors, seed=0):
    """One pass over the 17 shapes: fit on 60 %, score the 40 %, as the
    external suite does; seconds per detector and table."""
    times = {}
    for name, n, d, fraction in ODDS_SHAPES:
        X, y = odds_shaped(n, d, fraction, seed)
        X_train, X_test, _, _ = train_test_split(
            X, y, train_size=0.6, stratify=y, random_state=seed
        )
        for det, make in detectors.items():
            start = time.perf_counter()
            make(seed)(X_train)(X_test)
            times[det, name] = time.perf_counter() - start
            print(
                f"  {name:12s} {n:6d} x {d:3d}  {det:28s} {times[det, name]:6.2f} s",
                file=sys.stderr,
                flush=True,
            )
    lines = ["| detector | " + " | ".join(s[0] for s in ODDS_SHAPES) + " | total s |"]
    lines.append("|---" * (len(ODDS_SHAPES) + 2) + "|")
    for det in detectors:
        cells = [f"{times[det, s[0]]:.1f}" for s in ODDS_SHAPES]
        total = sum(times[det, s[0]] for s in ODDS_SHAPES)
        lines.append(f"| {det} | " + " | ".join(cells) + f" | **{total:.1f}** |")
    return "\n".join(lines)


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
    ax.set_xticks(
        np.arange(len(names)) + 0.4 - width / 2, names, rotation=35, ha="right"
    )
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
    parser.add_argument(
        "--odds-dir",
        help="a folder of ODDS tables (NAME.mat or labelled NAME.csv) to add",
    )
    parser.add_argument(
        "--letters",
        nargs="?",
        const=str(here.parent / "tests" / "data" / "notmnist"),
        help="add the mnist-shaped stand-ins from the notMNIST letters in this folder",
    )
    parser.add_argument("--detectors", nargs="*", help="detector names (default: all)")
    parser.add_argument(
        "--timing",
        action="store_true",
        help="only time one pass over synthetic tables of the 17 ODDS shapes",
    )
    args = parser.parse_args()
    if args.timing:
        timed = [
            "AutoencoderOutlierDetector",
            "IsolationForest",
            "-AutoencoderTransformer",
        ]
        print(
            f"# {platform.platform()}, {os.cpu_count()} CPUs, skae {skae.__version__}"
        )
        print(timing({name: DETECTORS[name] for name in timed}))
        return
    datasets = list(DATASETS)
    if args.odds_dir:
        files = sorted(Path(args.odds_dir).glob("*.mat"))
        files += sorted(Path(args.odds_dir).glob("*.csv"))
        datasets += [odds_table(f) for f in files]
    if args.letters:
        datasets += letters_like_mnist(args.letters)
    datasets = [d for d in datasets if not args.only or d.__name__ in args.only]
    detectors = {
        name: make
        for name, make in DETECTORS.items()
        if not args.detectors or name in args.detectors
    }
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, skae {skae.__version__}")
    results = run(detectors, datasets, range(args.seeds))
    print(table(results, detectors, datasets))
    if args.plot:
        plot(results, detectors, datasets, args.plot)
        print(f"figure: {args.plot}")


if __name__ == "__main__":
    main()
