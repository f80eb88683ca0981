"""Autoencoders against PCA and its relatives: reconstruction, codes and time.

For each code size k (``--encoding-dims``), every method is fitted on the
training rows and measured on the test rows:

- test reconstruction MSE, in the data's units (pixels in [0, 1]);
- accuracy of ``StandardScaler + LogisticRegression(max_iter=2000)`` trained on
  the training codes and scored on the test codes;
- fit time, and transform time (encoding the test rows; median of 3 calls
  after one warm-up call).

Methods (names for ``--skip``):

- ``pca``: ``PCA(k)``; ``tsvd``: ``TruncatedSVD(k)``;
- ``kpca``: ``KernelPCA(k, kernel="rbf", fit_inverse_transform=True)`` with
  ``gamma = 1 / (n_features * X_train.var())`` (the "scale" rule of ``SVC``) and
  ``alpha=1e-3``, the best of gamma x {1/4, 1, 4} and alpha in {1e-3, 1e-2, 1e-1,
  1} on a validation split of the digits training rows at k = 4 and 16;
- ``mlp``: ``MLPRegressor(hidden_layer_sizes=(512, k, 512))`` fitted on (X, X);
  codes are the (ReLU) activations of its first two layers, computed with NumPy
  from ``coefs_`` and ``intercepts_``;
- ``keras``: a hand-written Keras AE, n-512-k-512-n (ReLU, linear code, sigmoid
  output), adam, mse, batch 32, up to ``--epochs`` (200) epochs with
  ``EarlyStopping(patience=10, min_delta=1e-4, restore_best_weights=True)`` on a
  10 % validation split: the rule skae applies by default;
- ``skae``: ``AutoencoderTransformer(k, random_state=0)`` with its defaults
  (``epochs=--epochs``; ``--epochs`` also caps ``mlp``'s ``max_iter``);
- ``conv``, ``conv_pool``: ``AutoencoderTransformer(k, architecture=...,
  image_shape=(28, 28), random_state=0)`` for the 28x28 data sets only, at the
  code sizes of ``--conv-dims`` and with at most ``--conv-epochs`` epochs.

Data (``--dataset``):

- ``digits`` (default): scikit-learn's ``load_digits``, pixels / 16, 75/25 split
  with ``random_state=0``;
- ``notmnist``: 28x28 letters from ``tests/data/notmnist`` in the
  repository (first 8 000 rows to train, last 2 000 to test, pixels / 255);
- ``mnist``, ``fashion_mnist``: downloaded by ``keras.datasets`` into Keras's
  own cache on first use; the first 8 000 training and 2 000 test images.

Writes ``benchmarks/images/ae_vs_pca_<dataset>.png`` (test MSE against k).

    python benchmarks/ae_vs_pca.py [--dataset digits] [--encoding-dims 2 4 8 16 32]
        [--skip kpca mlp] [--epochs 200] [--conv-dims 16] [--conv-epochs 15]
"""

import argparse
import gzip
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HIDDEN = 512  # skae's default hidden width, given to MLPRegressor and Keras too

import numpy as np  # noqa: E402
from sklearn.decomposition import PCA, KernelPCA, TruncatedSVD  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import skae  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IMAGES = Path(__file__).resolve().parent / "images"
NOTMNIST = ROOT / "tests" / "data" / "notmnist"
N_TRAIN, N_TEST = 8000, 2000


# ------------------------------------------------------------------ data


def load(name):
    """(X_train, X_test, y_train, y_test, image side or None), pixels in [0, 1]."""
    if name == "digits":
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        X, y = load_digits(return_X_y=True)
        split = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)
        return (*split, None)
    if name == "notmnist":
        images = NOTMNIST / "t10k-images-idx3-ubyte.gz"
        labels = NOTMNIST / "t10k-labels-idx1-ubyte.gz"
        if not (images.exists() and labels.exists()):
            sys.exit(
                f"notMNIST not found: expected {images} and {labels} (the 28x28 "
                "letters in tests/data/notmnist of the repository)."
            )
        with gzip.open(images) as f:
            X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784) / 255
        with gzip.open(labels) as f:
            y = np.frombuffer(f.read(), np.uint8, offset=8).astype(int)
        return X[:N_TRAIN], X[-N_TEST:], y[:N_TRAIN], y[-N_TEST:], 28
    import keras  # mnist, fashion_mnist: downloaded into keras's cache

    (X_tr, y_tr), (X_te, y_te) = getattr(keras.datasets, name).load_data()
    X_tr = X_tr[:N_TRAIN].reshape(N_TRAIN, -1) / 255
    X_te = X_te[:N_TEST].reshape(N_TEST, -1) / 255
    return X_tr, X_te, y_tr[:N_TRAIN].astype(int), y_te[:N_TEST].astype(int), 28


# --------------------------------------------------------------- methods


class SklearnMethod:
    """A transformer with ``transform`` and ``inverse_transform``."""

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X):
        self.estimator.fit(X)
        return self

    def encode(self, X):
        return self.estimator.transform(X)

    def decode(self, Z):
        return self.estimator.inverse_transform(Z)

    @property
    def epochs(self):
        return getattr(self.estimator, "n_iter_", None)


class MLPAutoencoder:
    """MLPRegressor fitted on (X, X); codes from its first two layers."""

    def __init__(self, k, epochs=200):
        self.mlp = MLPRegressor(
            hidden_layer_sizes=(HIDDEN, k, HIDDEN), max_iter=epochs, random_state=0
        )

    def fit(self, X):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.mlp.fit(X, X)
        return self

    def _layers(self, h, layers, last_identity):
        for i in layers:
            h = h @ self.mlp.coefs_[i] + self.mlp.intercepts_[i]
            if not (last_identity and i == layers[-1]):
                h = np.maximum(h, 0)  # activation="relu"
        return h

    def encode(self, X):
        return self._layers(X, [0, 1], last_identity=False)

    def decode(self, Z):
        return self._layers(Z, [2, 3], last_identity=True)  # identity output

    @property
    def epochs(self):
        return self.mlp.n_iter_


class KerasAutoencoder:
    """n-512-k-512-n in plain Keras, trained as a tutorial would."""

    def __init__(self, k, epochs=200):
        self.k, self.max_epochs = k, epochs

    def fit(self, X):
        import keras

        keras.utils.set_random_seed(0)
        n = X.shape[1]
        inputs = keras.Input((n,))
        h = keras.layers.Dense(HIDDEN, activation="relu")(inputs)
        code = keras.layers.Dense(self.k)(h)
        self.encoder = keras.Model(inputs, code)
        code_in = keras.Input((self.k,))
        h = keras.layers.Dense(HIDDEN, activation="relu")(code_in)
        outputs = keras.layers.Dense(n, activation="sigmoid")(h)
        self.decoder = keras.Model(code_in, outputs)
        model = keras.Model(inputs, self.decoder(self.encoder(inputs)))
        model.compile(optimizer="adam", loss="mse")
        stop = keras.callbacks.EarlyStopping(
            patience=10, min_delta=1e-4, restore_best_weights=True
        )
        history = model.fit(
            X,
            X,
            epochs=self.max_epochs,
            batch_size=32,
            validation_split=0.1,
            callbacks=[stop],
            verbose=0,
        )
        self.epochs = len(history.history["loss"])
        return self

    def encode(self, X):
        return self.encoder.predict(X, verbose=0)

    def decode(self, Z):
        return self.decoder.predict(Z, verbose=0)


def make_methods(n_features, gamma, side, args):
    """{name: (label, factory(k) or None when k is not run)}."""

    def conv(architecture):
        def factory(k):
            if k not in args.conv_dims:
                return None
            return SklearnMethod(
                skae.AutoencoderTransformer(
                    k,
                    architecture=architecture,
                    image_shape=(side, side),
                    epochs=args.conv_epochs,
                    random_state=0,
                )
            )

        return factory

    methods = {
        "pca": ("PCA", lambda k: SklearnMethod(PCA(k, random_state=0))),
        "tsvd": (
            "TruncatedSVD",
            lambda k: SklearnMethod(TruncatedSVD(k, random_state=0)),
        ),
        "kpca": (
            "KernelPCA rbf",
            lambda k: SklearnMethod(
                KernelPCA(
                    k,
                    kernel="rbf",
                    gamma=gamma,
                    alpha=1e-3,
                    fit_inverse_transform=True,
                    random_state=0,
                )
            ),
        ),
        "mlp": ("MLPRegressor AE", lambda k: MLPAutoencoder(k, args.epochs)),
        "keras": ("plain Keras AE", lambda k: KerasAutoencoder(k, args.epochs)),
        "skae": (
            "skae dense",
            lambda k: SklearnMethod(
                skae.AutoencoderTransformer(k, epochs=args.epochs, random_state=0)
            ),
        ),
    }
    if side is not None:
        methods["conv"] = ("skae conv", conv("conv"))
        methods["conv_pool"] = ("skae conv_pool", conv("conv_pool"))
    return {name: m for name, m in methods.items() if name not in args.skip}


# -------------------------------------------------------------- measuring


def evaluate(method, X_train, X_test, y_train, y_test):
    start = time.perf_counter()
    method.fit(X_train)
    fit_s = time.perf_counter() - start
    method.encode(X_test)  # warm-up (tracing, first-call set-up)
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        Z_test = method.encode(X_test)
        samples.append(time.perf_counter() - start)
    transform_ms = 1000 * statistics.median(samples)
    mse = float(np.mean((method.decode(Z_test) - X_test) ** 2))
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    accuracy = clf.fit(method.encode(X_train), y_train).score(Z_test, y_test)
    return mse, accuracy, fit_s, transform_ms, method.epochs


def warm_up_tensorflow(X):
    """Import TensorFlow and trace once, so the first timed fit is not charged."""
    skae.AutoencoderTransformer(2, epochs=1, random_state=0).fit(X[:64]).transform(
        X[:8]
    )


def plot(rows, dataset, n_train, n_test):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    labels = list(dict.fromkeys(r[1] for r in rows))
    markers = "osD^v<>Pp"
    for i, label in enumerate(labels):
        ks = [r[0] for r in rows if r[1] == label]
        mses = [r[2] for r in rows if r[1] == label]
        ax.plot(ks, mses, marker=markers[i % len(markers)], label=label)
    dims = sorted({r[0] for r in rows})
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(dims, [str(k) for k in dims])
    ax.set(
        xlabel="encoding_dim k",
        ylabel="test reconstruction MSE",
        title=f"{dataset}: {n_train} train / {n_test} test rows",
    )
    ax.legend(fontsize="small")
    IMAGES.mkdir(exist_ok=True)
    path = IMAGES / f"ae_vs_pca_{dataset}.png"
    fig.savefig(path, dpi=80)
    return path


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dataset",
        default="digits",
        choices=["digits", "notmnist", "mnist", "fashion_mnist"],
    )
    parser.add_argument(
        "--encoding-dims", type=int, nargs="+", default=[2, 4, 8, 16, 32], metavar="K"
    )
    parser.add_argument(
        "--skip",
        nargs="+",
        default=[],
        metavar="METHOD",
        choices=["pca", "tsvd", "kpca", "mlp", "keras", "skae", "conv", "conv_pool"],
        help="methods to leave out",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=200,
        help="maximum epochs of mlp, keras and skae (200: skae's default)",
    )
    parser.add_argument(
        "--conv-dims",
        type=int,
        nargs="+",
        default=[16],
        metavar="K",
        help="code sizes for the conv architectures (28x28 data only)",
    )
    parser.add_argument(
        "--conv-epochs",
        type=int,
        default=15,
        help="maximum epochs of the conv architectures (early stopping still on)",
    )
    args = parser.parse_args()

    X_train, X_test, y_train, y_test, side = load(args.dataset)
    gamma = 1.0 / (X_train.shape[1] * X_train.var())
    methods = make_methods(X_train.shape[1], gamma, side, args)
    print(
        f"{args.dataset}: {len(X_train)} training / {len(X_test)} test rows, "
        f"{X_train.shape[1]} features in [0, 1]; {platform.machine()}, "
        f"{os.cpu_count()} CPUs, no GPU used; skae {skae.__version__}"
    )
    print(
        f"methods: {', '.join(label for label, _ in methods.values())}; "
        f"at most {args.epochs} epochs (mlp, keras, skae dense)"
        + (
            f", {args.conv_epochs} (conv, k in {args.conv_dims})"
            if side is not None
            else ""
        )
    )
    if "kpca" in methods:
        print(f"KernelPCA: gamma = {gamma:.4g}, alpha = 1e-3")
    warm_up_tensorflow(X_train)
    raw = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    raw_acc = raw.fit(X_train, y_train).score(X_test, y_test)
    print(f"LogisticRegression on the raw pixels: accuracy {raw_acc:.3f}")

    rows = []
    for k in args.encoding_dims:
        for label, factory in methods.values():
            method = factory(k)
            if method is None:
                continue
            print(f"  k={k} {label} ...", end=" ", file=sys.stderr, flush=True)
            result = evaluate(method, X_train, X_test, y_train, y_test)
            print(f"{result[2]:.1f} s", file=sys.stderr, flush=True)
            rows.append((k, label, *result))

    print()
    print("| k | method | test MSE | LogReg acc. | fit s | transform ms | epochs |")
    print("|---:|:---|---:|---:|---:|---:|---:|")
    for k, label, mse, acc, fit_s, transform_ms, epochs in rows:
        ep = "–" if epochs is None else str(epochs)
        print(
            f"| {k} | {label} | {mse:.4f} | {acc:.3f} | {fit_s:.2f} | "
            f"{transform_ms:.1f} | {ep} |"
        )
    path = plot(rows, args.dataset, len(X_train), len(X_test))
    print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
