"""Features for digit classification: skae codes against a BernoulliRBM.

scikit-learn's "Restricted Boltzmann Machine features for digit classification"
example, re-done with skae: ``load_digits`` nudged by one-pixel shifts in four
directions (5x the data), scaled to [0, 1], an 80/20 split with
``random_state=0``. Baselines, as in the example:

- ``LogisticRegression(C=100)`` on the raw pixels;
- ``Pipeline([BernoulliRBM(n_components=100, learning_rate=0.06, n_iter=10),
  LogisticRegression(C=6000)])``.

Both LogisticRegressions use scikit-learn's default solver and tolerance with
``max_iter=10000`` so that they converge (at the default ``max_iter=100`` lbfgs
stops early); the RBM pipeline is also run with ``solver="newton-cg"``.

skae: ``Pipeline([("ae", <skae autoencoder>), ("logistic",
LogisticRegression(C, max_iter=10000))])`` for three families of autoencoders,

- ``AutoencoderTransformer(k)`` with skae's defaults (64-512-k-512-64, linear
  code), k in {32, 64, 100};
- ``AutoencoderTransformer(k, hidden_layer_sizes=(), code_activation="sigmoid")``,
  shaped like the RBM (one layer of sigmoid units), k in {100, 256};
- ``DenoisingAutoencoder`` with the same shape (default noise, sigma 0.35),
  k in {100, 256},

with C in {1, 100, 6000}. The autoencoder and C are picked on a validation split
(20 %) of the training rows, never on the test rows; the picked pipeline is then
refitted on all training rows and scored once on the test rows.

Writes ``benchmarks/images/feature_extraction.png`` (test accuracy per model).

    python benchmarks/feature_extraction.py
"""

import os
import platform
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from scipy.ndimage import convolve  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import BernoulliRBM  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import minmax_scale  # noqa: E402

import skae  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IMAGES = Path(__file__).resolve().parent / "images"
C_GRID = (1.0, 100.0, 6000.0)
RBM_SHAPE = {"hidden_layer_sizes": (), "code_activation": "sigmoid"}
FAMILIES = {  # (table label, plot label): candidates
    ("skae AutoencoderTransformer, defaults", "skae AE, defaults"): [
        (f"AutoencoderTransformer({k})", skae.AutoencoderTransformer(k))
        for k in (32, 64, 100)
    ],
    ("skae AutoencoderTransformer, RBM-shaped", "skae AE, RBM-shaped"): [
        (
            f"AutoencoderTransformer({k}, hidden_layer_sizes=(), "
            'code_activation="sigmoid")',
            skae.AutoencoderTransformer(k, **RBM_SHAPE),
        )
        for k in (100, 256)
    ],
    ("skae DenoisingAutoencoder, RBM-shaped", "skae DAE, RBM-shaped"): [
        (
            f"DenoisingAutoencoder({k}, hidden_layer_sizes=(), "
            'code_activation="sigmoid")',
            skae.DenoisingAutoencoder(k, **RBM_SHAPE),
        )
        for k in (100, 256)
    ],
}


def nudge_dataset(X, Y):
    """The example's data: X and its copies shifted by one pixel in 4 directions."""
    direction_vectors = [
        [[0, 1, 0], [0, 0, 0], [0, 0, 0]],
        [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
        [[0, 0, 0], [0, 0, 1], [0, 0, 0]],
        [[0, 0, 0], [0, 0, 0], [0, 1, 0]],
    ]

    def shift(x, w):
        return convolve(x.reshape((8, 8)), mode="constant", weights=w).ravel()

    X = np.concatenate(
        [X] + [np.apply_along_axis(shift, 1, X, vector) for vector in direction_vectors]
    )
    Y = np.concatenate([Y for _ in range(5)], axis=0)
    return X, Y


def logistic(C, **kwargs):
    return LogisticRegression(C=C, max_iter=10000, **kwargs)


def timed_fit(model, X, y):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return model, time.perf_counter() - start


def pick(candidates, X_fit, y_fit, X_val, y_val):
    """Best (validation accuracy, name, autoencoder, C): each AE is fitted once."""
    best = None
    for name, ae in candidates:
        ae = clone(ae).set_params(random_state=0)
        print(f"  validating {name} ...", end=" ", file=sys.stderr, flush=True)
        ae, _ = timed_fit(ae, X_fit, None)
        Z_fit, Z_val = ae.transform(X_fit), ae.transform(X_val)
        for C in C_GRID:
            clf, _ = timed_fit(logistic(C), Z_fit, y_fit)
            accuracy = clf.score(Z_val, y_val)
            if best is None or accuracy > best[0]:
                best = (accuracy, name, ae, C)
        print("done", file=sys.stderr, flush=True)
    return best


def plot(rows):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    labels = [r[1] for r in rows]
    accuracies = [r[4] for r in rows]
    colours = ["tab:gray" if "skae" not in label else "tab:blue" for label in labels]
    bars = ax.barh(labels[::-1], accuracies[::-1], color=colours[::-1])
    ax.bar_label(bars, fmt="%.3f", fontsize="small", padding=2)
    ax.set_xlim(0.5, 1.02)
    ax.tick_params(axis="y", labelsize="small")
    ax.set(xlabel="test accuracy", title="nudged load_digits, 80/20 split")
    IMAGES.mkdir(exist_ok=True)
    path = IMAGES / "feature_extraction.png"
    fig.savefig(path, dpi=80)
    return path


def main():
    X, y = load_digits(return_X_y=True)
    X, y = nudge_dataset(np.asarray(X, "float32"), y)
    X = minmax_scale(X, feature_range=(0, 1))
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    X_fit, X_val, y_fit, y_val = train_test_split(
        X_train, y_train, test_size=0.2, random_state=0
    )
    print(
        f"nudged load_digits: {len(X_train)} training rows ({len(X_fit)} fit + "
        f"{len(X_val)} validation for picking), {len(X_test)} test rows; "
        f"{platform.machine()}, {os.cpu_count()} CPUs, no GPU used; "
        f"skae {skae.__version__}"
    )

    def rbm(**kwargs):
        return Pipeline(
            [
                (
                    "rbm",
                    BernoulliRBM(
                        n_components=100, learning_rate=0.06, n_iter=10, random_state=0
                    ),
                ),
                ("logistic", logistic(6000.0, **kwargs)),
            ]
        )

    baselines = [
        ("LogisticRegression(C=100), raw pixels", "raw pixels", logistic(100.0)),
        ("BernoulliRBM + LogisticRegression(C=6000)", "RBM", rbm()),
        (
            "BernoulliRBM + LogisticRegression(C=6000, newton-cg)",
            "RBM, newton-cg",
            rbm(solver="newton-cg"),
        ),
    ]
    rows = []  # (label, plot label, picked, validation acc., test acc., fit s)
    for label, short, model in baselines:
        print(f"  {label} ...", end=" ", file=sys.stderr, flush=True)
        model, seconds = timed_fit(model, X_train, y_train)
        print(f"{seconds:.1f} s", file=sys.stderr, flush=True)
        rows.append((label, short, "", None, model.score(X_test, y_test), seconds))

    skae.AutoencoderTransformer(2, epochs=1).fit(X_fit[:64])  # import TensorFlow
    for (family, short), candidates in FAMILIES.items():
        val_acc, name, ae, C = pick(candidates, X_fit, y_fit, X_val, y_val)
        pipe = Pipeline([("ae", clone(ae)), ("logistic", logistic(C))])
        pipe, seconds = timed_fit(pipe, X_train, y_train)
        chosen = f"{name}, C={C:g} ({pipe['ae'].n_iter_} epochs)"
        test_acc = pipe.score(X_test, y_test)
        rows.append((family, short, chosen, val_acc, test_acc, seconds))

    print()
    print("| model | picked on validation | val. acc. | test acc. | fit s |")
    print("|:---|:---|---:|---:|---:|")
    for label, _, chosen, val_acc, test_acc, seconds in rows:
        val = "–" if val_acc is None else f"{val_acc:.3f}"
        print(f"| {label} | {chosen} | {val} | {test_acc:.3f} | {seconds:.1f} |")
    best = max((r for r in rows if r[3] is not None), key=lambda r: r[3])
    print(
        f"\nskae pipeline picked on validation across the families: {best[0]} "
        f"(validation {best[3]:.3f}), test accuracy {best[4]:.3f}"
    )
    path = plot(rows)
    print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
