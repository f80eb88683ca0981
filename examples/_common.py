"""Set-up shared by the example scripts (not an example itself): the command
line, the Agg backend, the digits split, PCA's error and saving figures."""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no window: the figures are only saved
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402


def parse_args(doc, *, epochs=200, quick_help=None):
    """``--epochs N`` and ``--out DIR`` (created), plus ``--quick`` when helped."""
    # sphinx-gallery runs a script's code without its docstring: no __doc__
    title = doc.strip().splitlines()[0] if doc and doc.strip() else None
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument(
        "--epochs", type=int, default=epochs, help="max. training epochs"
    )
    parser.add_argument("--out", type=Path, default=Path("examples/output"))
    if quick_help:
        parser.add_argument("--quick", action="store_true", help=quick_help)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def digits_split(X=None, *, test_size=0.25):
    """``load_digits`` rows (or ``X``) split into training and test, seeded."""
    X = load_digits().data if X is None else X
    return train_test_split(X, test_size=test_size, random_state=0)


def pca_errors(pca, X):
    """Each row's mean squared reconstruction error under a fitted PCA."""
    return np.mean((X - pca.inverse_transform(pca.transform(X))) ** 2, axis=1)


def save(fig, args, filename):
    fig.savefig(args.out / filename, dpi=80)
    print(f"figure saved in {args.out / filename}")
