"""``python -m skae``: autoencoders vs PCA on scikit-learn's digits, as a table.

For each code size, fits PCA, AutoencoderTransformer and DenoisingAutoencoder on
75 % of ``load_digits`` (ships with scikit-learn, no download) and reports, on the
held-out 25 %: reconstruction MSE, the accuracy of a LogisticRegression trained on
the codes, and the fit time.
"""

import argparse
import sys
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer, DenoisingAutoencoder


def evaluate(model, X_train, X_test, y_train, y_test):
    """Fit ``model``; return (test MSE, downstream accuracy, fit seconds)."""
    start = time.perf_counter()
    model.fit(X_train)
    seconds = time.perf_counter() - start
    Z_train, Z_test = model.transform(X_train), model.transform(X_test)
    mse = np.mean((model.inverse_transform(Z_test) - X_test) ** 2)
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    accuracy = clf.fit(Z_train, y_train).score(Z_test, y_test)
    return mse, accuracy, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m skae", description=__doc__)
    parser.add_argument(
        "--encoding-dims", type=int, nargs="+", default=[2, 4, 8, 16], metavar="K"
    )
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    split = train_test_split(X, y, test_size=0.25, random_state=args.random_state)
    X_train, X_test, y_train, y_test = split
    print(
        f"load_digits: {len(X_train)} training / {len(X_test)} test rows, "
        f"{X.shape[1]} features (pixel values 0-16)",
        file=sys.stderr,
    )
    models = {
        "PCA": lambda k: PCA(k, random_state=args.random_state),
        "AutoencoderTransformer": lambda k: AutoencoderTransformer(
            k, random_state=args.random_state
        ),
        "DenoisingAutoencoder": lambda k: DenoisingAutoencoder(
            k, random_state=args.random_state
        ),
    }
    rows = []
    for k in args.encoding_dims:
        for name, make in models.items():
            print(f"fitting {name}(encoding_dim={k}) ...", end=" ", file=sys.stderr)
            sys.stderr.flush()
            mse, acc, seconds = evaluate(make(k), X_train, X_test, y_train, y_test)
            print(f"done in {seconds:.1f} s", file=sys.stderr)
            rows.append((k, name, mse, acc, seconds))

    print()
    print(f"| {'k':>2} | {'model':<22} | test MSE | LogReg acc. | fit (s) |")
    print(f"|---:|:{'-' * 22}|---------:|------------:|--------:|")
    for k, name, mse, acc, seconds in rows:
        print(f"| {k:>2} | {name:<22} | {mse:8.3f} | {acc:11.3f} | {seconds:7.1f} |")


if __name__ == "__main__":
    main()
