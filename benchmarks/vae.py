"""VariationalAutoencoder against probabilistic PCA: test log-likelihood,
samples, fit time.

For each code size k (``--encoding-dims``, default 2 16 32), on dequantised
images (continuous data, so that a density is defined):

- test log-likelihood per image, in nats, in the data's units:
  ``VariationalAutoencoder(k, random_state=0)`` with its defaults
  (``score``: the importance-weighted estimate, 100 draws) against
  ``PCA(k).score`` (probabilistic PCA's exact log-likelihood), and fit times;
- samples: a ``LogisticRegression`` trained on the real training images
  classifies 1 000 samples of each model; reported are the mean top-class
  probability and the number of classes among the samples' predicted labels.
  The VAE's samples are its decoder's means at codes drawn from its prior
  (``sample``; by default the Gaussian mixture fitted after training to the
  training rows' posteriors, ``--prior standard`` for ``N(0, I)``: the same
  network either way); PCA's are codes drawn from a Gaussian fitted to the
  training codes (mean and covariance), decoded with ``inverse_transform``.

First (``ppca``), a linear VAE (``hidden_layer_sizes=()``,
``output_activation="linear"``) on data drawn from a probabilistic PCA model,
against the exact log-likelihood of that model.

Data (``--dataset``, all by default):

- ``notmnist``: the 28x28 letters A-J in ``tests/data/notmnist`` in
  the repository (first 8 000 rows to train, last 2 000 to test), pixels
  ``(v + U(0, 1)) / 256``. They stand in for the issue's MNIST digits, which
  this machine cannot download; skipped when absent;
- ``digits``: scikit-learn's ``load_digits`` (8x8, values 0..16), pixels
  ``(v + U(0, 1)) / 17``, 75/25 split with ``random_state=0``.

Writes ``benchmarks/images/vae_<dataset>.png``: samples of the VAE and of the
PCA Gaussian at the largest code size measured.

    python benchmarks/vae.py [--dataset notmnist digits] [--encoding-dims 2 16 32]
                             [--beta 6] [--prior standard] [--compare-priors]

``--compare-priors`` also scores each trained network under ``N(0, I)`` and
mixture priors of 1, 10 and 30 components (log-likelihood, samples, the
prior's fit time).
"""

import argparse
import gzip
import os
import platform
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

import skae  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IMAGES = Path(__file__).resolve().parent / "images"
NOTMNIST = ROOT / "tests" / "data" / "notmnist"
N_TRAIN, N_TEST, N_SAMPLES = 8000, 2000, 1000


def dequantise(values, levels, seed):
    """``(v + U(0, 1)) / levels``: integer pixels as continuous values in [0, 1]."""
    rng = np.random.default_rng(seed)
    return (values + rng.uniform(size=values.shape)) / levels


def load(name):
    """(X_train, X_test, y_train, y_test, image side), or None when absent."""
    if name == "digits":
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        X, y = load_digits(return_X_y=True)
        X = dequantise(X, 17, seed=0)
        return (*train_test_split(X, y, test_size=0.25, random_state=0), 8)
    images = NOTMNIST / "t10k-images-idx3-ubyte.gz"
    labels = NOTMNIST / "t10k-labels-idx1-ubyte.gz"
    if not (images.exists() and labels.exists()):
        print(f"skipped notmnist: {images} not found", file=sys.stderr)
        return None
    with gzip.open(images) as f:
        X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(labels) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(int)
    X = dequantise(X.astype(float), 256, seed=0)
    return X[:N_TRAIN], X[-N_TEST:], y[:N_TRAIN], y[-N_TEST:], 28


def ppca(params):
    """A linear VAE on data drawn from a probabilistic PCA model (10 features,
    2 components, noise variance 0.5; 2 000 training and 1 000 test rows),
    against the exact log-likelihood of the model that drew them."""
    from scipy.stats import multivariate_normal

    rng = np.random.default_rng(0)
    W, mean = 2 * rng.normal(size=(10, 2)), 3 * rng.normal(size=10)

    def draw(n):
        noise = np.sqrt(0.5) * rng.normal(size=(n, 10))
        return rng.normal(size=(n, 2)) @ W.T + mean + noise

    X_train, X_test = draw(2000), draw(1000)
    exact = multivariate_normal(mean, W @ W.T + 0.5 * np.eye(10)).logpdf(X_test)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        vae = skae.VariationalAutoencoder(
            2,
            hidden_layer_sizes=(),
            output_activation="linear",
            random_state=0,
            **params,
        ).fit(X_train)
    fit_time = time.perf_counter() - start
    gap = vae.score_samples(X_test) - exact
    print(
        "\nppca (10 features, 2 components): exact "
        f"{exact.mean():.3f}, PCA(2) {PCA(2).fit(X_train).score(X_test):.3f}, "
        f"linear VAE(2) {exact.mean() + gap.mean():.3f} nats/row; VAE - exact "
        f"{gap.mean():+.3f} +- {gap.std() / np.sqrt(len(gap)):.3f} (standard "
        f"error); fit {fit_time:.0f} s, {vae.n_iter_} epochs"
    )


def pca_samples(pca, X_train, n, seed):
    """Codes drawn from a Gaussian fitted to PCA's training codes, decoded."""
    codes = pca.transform(X_train)
    rng = np.random.default_rng(seed)
    drawn = rng.multivariate_normal(codes.mean(0), np.atleast_2d(np.cov(codes.T)), n)
    return pca.inverse_transform(drawn)


def judge(classifier, samples):
    """Mean top-class probability, and how many classes appear."""
    proba = classifier.predict_proba(samples)
    return proba.max(axis=1).mean(), len(np.unique(proba.argmax(axis=1)))


def run(name, dims, params, compare_priors=False):
    data = load(name)
    if data is None:
        return []
    X_train, X_test, y_train, y_test, side = data
    print(
        f"\n{name}: {len(X_train)} training / {len(X_test)} test rows of "
        f"{X_train.shape[1]}"
    )
    classifier = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    print(
        f"classifier accuracy on the real test images: "
        f"{classifier.score(X_test, y_test):.3f}"
    )
    rows, pictures = [], None
    for k in dims:
        start = time.perf_counter()
        # Seeded: on 784 pixels PCA's "auto" solver is randomised, and its
        # components' signs move the Gaussian's draws (top-class +-0.01).
        pca = PCA(k, random_state=0).fit(X_train)
        pca_time = time.perf_counter() - start
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            vae = skae.VariationalAutoencoder(k, random_state=0, **params)
            vae = vae.fit(X_train)
        vae_time = time.perf_counter() - start
        start = time.perf_counter()
        vae_ll = vae.score(X_test)
        score_time = time.perf_counter() - start
        vae_samples = vae.sample(N_SAMPLES, random_state=0)
        gauss_samples = pca_samples(pca, X_train, N_SAMPLES, seed=0)
        row = dict(
            dataset=name,
            k=k,
            pca_ll=pca.score(X_test),
            vae_ll=vae_ll,
            pca_time=pca_time,
            vae_time=vae_time,
            epochs=vae.n_iter_,
            score_time=score_time,
            vae_top=judge(classifier, vae_samples),
            pca_top=judge(classifier, gauss_samples),
        )
        rows.append(row)
        print(
            f"k={k:2d}  PCA {row['pca_ll']:8.1f} nats ({pca_time:.2f} s)  "
            f"VAE {vae_ll:8.1f} nats ({vae_time:.0f} s, {vae.n_iter_} epochs; "
            f"score {score_time:.1f} s)  samples: VAE top-class "
            f"{row['vae_top'][0]:.3f} ({row['vae_top'][1]} classes), PCA Gaussian "
            f"{row['pca_top'][0]:.3f} ({row['pca_top'][1]} classes)",
            flush=True,
        )
        pictures = (k, vae_samples, gauss_samples, side)
        if compare_priors:
            priors(vae, X_train, X_test, classifier)
    draw(name, *pictures)
    return rows


def priors(vae, X_train, X_test, classifier):
    """The same trained network under other priors: ``N(0, I)`` and mixtures
    of 1, 10 and 30 full Gaussians refitted to its training codes."""
    choices = [("standard", 1), *(("mixture", n) for n in (1, 10, 30))]
    for prior, n_components in choices:
        vae.set_params(prior=prior, n_prior_components=n_components)
        start = time.perf_counter()
        vae._fit_prior(X_train)
        seconds = time.perf_counter() - start
        top, classes = judge(classifier, vae.sample(N_SAMPLES, random_state=0))
        label = "N(0, I)" if prior == "standard" else f"{n_components} full"
        print(
            f"    prior {label:8s}: VAE {vae.score(X_test):8.1f} nats, top-class "
            f"{top:.3f} ({classes} classes); prior fit {seconds:.1f} s",
            flush=True,
        )


def draw(name, k, vae_samples, gauss_samples, side):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skae.plotting import SampleGridDisplay

    fig, axes = plt.subplots(2, 1, figsize=(8, 4.6))
    for ax, samples, title in zip(
        axes,
        (vae_samples, gauss_samples),
        (f"VariationalAutoencoder({k}).sample", f"PCA({k}) codes ~ Gaussian, decoded"),
        strict=True,
    ):
        display = SampleGridDisplay(
            np.clip(samples[:24], 0, 1), image_shape=(side, side)
        )
        display.plot(ax=ax, n_cols=12, name=title)
    fig.tight_layout()
    IMAGES.mkdir(exist_ok=True)
    path = IMAGES / f"vae_{name}.png"
    fig.savefig(path, dpi=90)
    print(f"wrote {path.relative_to(ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset",
        nargs="+",
        default=["ppca", "notmnist", "digits"],
        choices=["ppca", "notmnist", "digits"],
    )
    parser.add_argument("--encoding-dims", nargs="+", type=int, default=[2, 16, 32])
    parser.add_argument(
        "--beta", type=float, help="the VAEs' beta (default: the estimator's)"
    )
    parser.add_argument(
        "--prior",
        choices=["mixture", "standard"],
        help="the VAEs' prior (default: the estimator's)",
    )
    parser.add_argument(
        "--compare-priors",
        action="store_true",
        help="also score each trained VAE under other priors",
    )
    args = parser.parse_args()
    params = {
        name: value
        for name, value in (("beta", args.beta), ("prior", args.prior))
        if value is not None
    }
    print(
        f"skae {skae.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    if "ppca" in args.dataset:
        ppca(params)
    rows = []
    for name in args.dataset:
        if name != "ppca":
            rows += run(name, args.encoding_dims, params, args.compare_priors)
    print(
        "\n| data | k | PCA log-lik. | VAE log-lik. | VAE - PCA | PCA fit | "
        "VAE fit (epochs) | top-class prob. VAE / PCA Gaussian | classes VAE |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['dataset']} | {r['k']} | {r['pca_ll']:.1f} | {r['vae_ll']:.1f} | "
            f"{r['vae_ll'] - r['pca_ll']:+.1f} | {r['pca_time']:.2f} s | "
            f"{r['vae_time']:.0f} s ({r['epochs']}) | {r['vae_top'][0]:.3f} / "
            f"{r['pca_top'][0]:.3f} | {r['vae_top'][1]} |"
        )


if __name__ == "__main__":
    main()
