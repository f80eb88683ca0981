"""Plain reconstruction with each scaling, on images and on tables.

``AutoencoderTransformer(k, random_state=0)`` with its defaults
(``scaling="auto"``, ``hidden_layer_sizes=(512,)``) against the same call with
each other scaling a user could pick, against skae 0.1.0's defaults
(``scaling="minmax"``, ``hidden_layer_sizes=(128,)``, ``batch_size=32``), and
against PCA. The
score is the test reconstruction MSE:

- images (code 16), in the data's units: the image sets of
  ``benchmarks/denoising.py`` (digits, digits with a dark border, patches of the
  sample images, and the notMNIST letters when present);
- tables (``load_wine``, ``load_breast_cancer``, ``load_diabetes``; codes 2,
  4, 8; 75/25 split, ``random_state=0``), in standardised units (each feature
  divided by its training standard deviation, so that no feature dominates),
  with PCA on standardised data as the reference.

    python benchmarks/scaling.py [--letters DIR] [--quick]
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import denoising  # noqa: E402

import skae  # noqa: E402

SKAE = {  # label: (constructor keywords, divide by the data's range first)
    "defaults": ({}, False),
    '"minmax"': ({"scaling": "minmax"}, False),
    '"standard"': ({"scaling": "standard"}, False),
    "None on X / range": ({"scaling": None}, True),
    "0.1.0 defaults": (
        {"scaling": "minmax", "hidden_layer_sizes": (128,), "batch_size": 32},
        False,
    ),
}
SCALINGS = ('"minmax"', '"standard"', "None on X / range")  # the user's choices
TABLES = {
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "diabetes": load_diabetes,
}


def reconstruct(k, kw, divide, X_train, X_test, width):
    est = skae.AutoencoderTransformer(k, random_state=0, **kw)
    if divide:
        return est.fit(X_train / width).predict(X_test / width) * width, est
    return est.fit(X_train).predict(X_test), est


def row(label, values):
    return f"| {label} | " + " | ".join(values) + " |"


def images(sets):
    print("\n## Images, code 16: test MSE in the data's units\n")
    labels = list(SKAE)
    print(row("image set", ["PCA(16)", *labels, "defaults / best scaling"]))
    print("|:---|" + "---:|" * (len(labels) + 2))
    for name, load in sets.items():
        X_train, X_test, (low, high), _ = load()
        pca = PCA(16, random_state=0).fit(X_train)
        errors = {
            "PCA": np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)
        }
        for label, (kw, divide) in SKAE.items():
            start = time.perf_counter()
            Y, est = reconstruct(16, kw, divide, X_train, X_test, high - low)
            errors[label] = np.mean((Y - X_test) ** 2)
            print(
                f"  {name}, {label}: {time.perf_counter() - start:.1f} s, "
                f"{est.n_iter_} epochs, scaling_={est.scaling_!r}",
                file=sys.stderr,
                flush=True,
            )
        best = min(errors[label] for label in ("defaults", *SCALINGS))
        values = [f"{errors[k]:.4g}" for k in ("PCA", *labels)]
        print(row(name, [*values, f"{errors['defaults'] / best:.3f}"]), flush=True)


def tables():
    print("\n## Tables: test MSE in standardised units\n")
    labels = list(SKAE)
    print(row("data, k", ["StandardScaler + PCA", *labels, "defaults / 0.1.0"]))
    print("|:---|" + "---:|" * (len(labels) + 2))
    for name, load in TABLES.items():
        X = load().data
        X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
        std = X_train.std(axis=0)
        for k in (2, 4, 8):
            pca = make_pipeline(StandardScaler(), PCA(k, random_state=0)).fit(X_train)
            Y = pca.inverse_transform(pca.transform(X_test))
            errors = {"PCA": np.mean(((Y - X_test) / std) ** 2)}
            for label, (kw, divide) in SKAE.items():
                width = X_train.max() - X_train.min()
                Y, est = reconstruct(k, kw, divide, X_train, X_test, width)
                errors[label] = np.mean(((Y - X_test) / std) ** 2)
            ratio = errors["defaults"] / errors["0.1.0 defaults"]
            values = [f"{errors[key]:.4g}" for key in ("PCA", *labels)]
            print(row(f"{name}, {k}", [*values, f"{ratio:.3f}"]), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", default=denoising.LETTERS)
    parser.add_argument("--quick", action="store_true", help="tables only")
    args = parser.parse_args()
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, no GPU used; "
        f"skae {skae.__version__}"
    )
    skae.AutoencoderTransformer(2, epochs=1).fit(np.eye(4))  # import TensorFlow
    tables()
    if not args.quick:
        sets = {
            "digits": denoising.digits,
            "digits, dark border": denoising.digits_dark_border,
            "patches": denoising.patches,
        }
        if (Path(args.letters) / "t10k-images-idx3-ubyte.gz").exists():
            sets["letters"] = lambda: denoising.letters(args.letters)
        images(sets)


if __name__ == "__main__":
    main()
