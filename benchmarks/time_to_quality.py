"""Time to quality on 784-pixel images: candidate defaults against 0.1.0's.

Issue 12's last target: with its defaults, ``AutoencoderTransformer(16,
random_state=0)`` fitted on 8 000 rows of 784 pixels (the notMNIST letters of
../shared/data/notmnist, first 8 000 rows; test on the last 2 000) should reach
at most 0.45x PCA(16)'s test MSE in no more time than skae 0.1.0's defaults
(``hidden_layer_sizes=(128,)``, ``scaling="minmax"``, batch 32, learning rate
1e-3) take. The machine is shared, so every candidate is timed alternately with
0.1.0's defaults in the same process, and the table gives medians over
``--repeats`` rounds: fit time, its ratio to 0.1.0's in the same round, epochs
to early stop, seconds per epoch, and test MSE / PCA's.

``--elsewhere`` also fits the candidates that change the training schedule on
the tables of ``scaling.py`` (codes 2, 4, 8; test MSE in standardised units) and
on the digits, dark-border digits and patches of ``denoising.py`` (code 16,
test MSE in the data's units).

    python benchmarks/time_to_quality.py [--letters DIR] [--repeats 3] [--elsewhere]
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import denoising  # noqa: E402
import scaling  # noqa: E402

import skae  # noqa: E402


def plateau():
    """A fresh ReduceLROnPlateau for each fit: halve the rate after 3 epochs
    without an improvement of ``tol`` (skae's default) of the validation loss."""
    import keras

    return [
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.5, patience=3, min_delta=1e-4
        )
    ]


OLD = "0.1.0 defaults"
CANDIDATES = {  # label: keywords of a fresh fit (callbacks are stateful)
    OLD: lambda: {"scaling": "minmax", "hidden_layer_sizes": (128,)},
    "defaults": lambda: {},
    "defaults, jit_compile=True": lambda: {"jit_compile": True},
    "batch 128, lr 3e-3": lambda: {"batch_size": 128, "learning_rate": 3e-3},
    "batch 256, lr 4e-3": lambda: {"batch_size": 256, "learning_rate": 4e-3},
    "batch 128, lr 3e-3, plateau": lambda: {
        "batch_size": 128,
        "learning_rate": 3e-3,
        "callbacks": plateau(),
    },
    "batch 128, lr 3e-3, plateau, BCE": lambda: {
        "batch_size": 128,
        "learning_rate": 3e-3,
        "callbacks": plateau(),
        "loss": "binary_crossentropy",
    },
    "(768,), batch 256, lr 4e-3, plateau": lambda: {
        "hidden_layer_sizes": (768,),
        "batch_size": 256,
        "learning_rate": 4e-3,
        "callbacks": plateau(),
    },
    "(1024,), batch 256, lr 4e-3, plateau": lambda: {
        "hidden_layer_sizes": (1024,),
        "batch_size": 256,
        "learning_rate": 4e-3,
        "callbacks": plateau(),
    },
}
ELSEWHERE = (  # the schedules, with and without the wider layer
    "defaults",
    "batch 128, lr 3e-3, plateau",
    "(1024,), batch 256, lr 4e-3, plateau",
)
ELSEWHERE_EXTRA = {"defaults + plateau only": lambda: {"callbacks": plateau()}}


def row(values):
    return "| " + " | ".join(values) + " |"


def letters_table(directory, repeats):
    X_train, X_test, _, _ = denoising.letters(directory, n_train=8000)
    pca = PCA(16, random_state=0).fit(X_train)
    pca_mse = np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)
    runs = {label: [] for label in CANDIDATES}
    for round_ in range(repeats):
        for label, keywords in CANDIDATES.items():
            start = time.perf_counter()
            est = skae.AutoencoderTransformer(16, random_state=0, **keywords())
            est.fit(X_train)
            seconds = time.perf_counter() - start
            ratio = np.mean((est.predict(X_test) - X_test) ** 2) / pca_mse
            runs[label].append((seconds, est.n_iter_, ratio))
            print(
                f"  round {round_}, {label}: {seconds:.1f} s, {est.n_iter_} epochs, "
                f"{ratio:.4f} x PCA",
                file=sys.stderr,
                flush=True,
            )
    print(f"\n## Letters, 8000 / 2000 rows of 784, code 16 (PCA {pca_mse:.5f})\n")
    print(
        row(
            ["candidate", "fit (s)", f"fit / {OLD}", "epochs", "s / epoch", "MSE / PCA"]
        )
    )
    print("|:---|---:|---:|---:|---:|---:|")
    for label, results in runs.items():
        seconds = [s for s, _, _ in results]
        relative = [s / old for s, (old, _, _) in zip(seconds, runs[OLD], strict=True)]
        epochs = statistics.median(n for _, n, _ in results)
        per_epoch = statistics.median(s / n for s, n, _ in results)
        ratio = statistics.median(r for _, _, r in results)
        print(
            row(
                [
                    label,
                    f"{statistics.median(seconds):.1f}",
                    f"{statistics.median(relative):.2f}",
                    f"{epochs:g}",
                    f"{per_epoch:.3f}",
                    f"{ratio:.3f}",
                ]
            ),
            flush=True,
        )


def elsewhere_table():
    labels = [*ELSEWHERE, *ELSEWHERE_EXTRA]
    keywords = {**CANDIDATES, **ELSEWHERE_EXTRA}
    print("\n## Tables (standardised units) and images (data's units): test MSE\n")
    print(row(["data, code", "PCA", *labels]))
    print("|:---|" + "---:|" * (len(labels) + 1))
    cases = []
    for name, load in scaling.TABLES.items():
        X_train, X_test = train_test_split(load().data, test_size=0.25, random_state=0)
        cases += [(f"{name}, {k}", k, X_train, X_test, True) for k in (2, 4, 8)]
    for name, load in {
        "digits": denoising.digits,
        "digits, dark border": denoising.digits_dark_border,
        "patches": denoising.patches,
    }.items():
        X_train, X_test, _, _ = load()
        cases.append((f"{name}, 16", 16, X_train, X_test, False))
    for name, k, X_train, X_test, standardised in cases:
        std = X_train.std(axis=0) if standardised else 1.0
        pca = PCA(k, random_state=0).fit(X_train / std)
        Y = pca.inverse_transform(pca.transform(X_test / std)) * std
        errors = [np.mean(((Y - X_test) / std) ** 2)]
        for label in labels:
            est = skae.AutoencoderTransformer(k, random_state=0, **keywords[label]())
            Y = est.fit(X_train).predict(X_test)
            errors.append(np.mean(((Y - X_test) / std) ** 2))
        print(row([name, *(f"{e:.4g}" for e in errors)]), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", default=denoising.LETTERS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--elsewhere", action="store_true")
    args = parser.parse_args()
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, no GPU used; "
        f"skae {skae.__version__}"
    )
    with warnings.catch_warnings():  # two epochs on noise do not converge
        warnings.simplefilter("ignore")
        skae.AutoencoderTransformer(16, epochs=2, random_state=0).fit(
            np.random.default_rng(0).random((500, 784))
        )  # TensorFlow loaded and warm before the first timed fit
    letters_table(args.letters, args.repeats)
    if args.elsewhere:
        elsewhere_table()


if __name__ == "__main__":
    main()
