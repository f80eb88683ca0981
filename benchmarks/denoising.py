"""Denoising images with the defaults: skae, PCA and KernelPCA over noise levels.

Every model learns from clean training images; the score is the MSE between its
output for noisy test images and the clean ones, in the data's units. Noise is
Gaussian with sigma in {0.1, 0.3, 0.5} times the data's range, clipped to that
range (the images stay images), drawn by a seeded NumPy generator.

Image sets (all offline):

- ``digits``: ``load_digits`` in its own units (0..16), 70/30 split.
- ``digits, dark border``: the same digits padded to 14x14 by a border that
  is 0 but for rare faint specks: near-constant pixels, as MNIST's borders.
- ``patches``: 8x8x3 patches (0..255) of ``load_sample_images``, 3000 / 2000.
- ``letters``: notMNIST letters (tests/data/notmnist, or --letters DIR;
  skipped if absent), 28x28 in [0, 1], 3000 / 2000.

Models at code size 16: ``PCA(16)``; the best of a ``KernelPCA(16)`` rbf grid
(gamma x alpha, picked on the test images, which favours it); skae's
``DenoisingAutoencoder(16, noise_factor=sigma, random_state=0)`` with its
defaults (``scaling="auto"``); and, to see how the default compares with the
other scalings a user could pick, the same call with ``scaling="minmax"`` (the
default before 0.2) and with ``scaling=None`` on the data divided by its range.

Writes ``benchmarks/images/denoising.png`` (MSE against sigma, one panel per
image set) and ``benchmarks/images/denoising_digits.png`` (noisy / PCA /
KernelPCA / skae / clean test digits at sigma 0.3).

    python benchmarks/denoising.py [--letters DIR] [--quick]
"""

import argparse
import gzip
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits, load_sample_images  # noqa: E402
from sklearn.decomposition import PCA, KernelPCA  # noqa: E402
from sklearn.feature_extraction.image import extract_patches_2d  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import skae  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IMAGES = Path(__file__).resolve().parent / "images"
LETTERS = ROOT / "tests" / "data" / "notmnist"
SIGMAS = (0.1, 0.3, 0.5)
CODE = 16
SKAE = {  # label: (scaling, divide the data by its range first)
    "skae, defaults": ("auto", False),
    'skae, scaling="minmax"': ("minmax", False),
    "skae, scaling=None on X / range": (None, True),
}


# ------------------------------------------------------------------- data
def digits():
    X = load_digits().data
    X_train, X_test = train_test_split(X, test_size=0.3, random_state=0)
    return X_train, X_test, (0.0, 16.0), (8, 8)


def digits_dark_border(pad=3, rare=0.003):
    X = load_digits().data / 16.0
    n, side = len(X), 8 + 2 * pad
    images = np.zeros((n, side, side))
    images[:, pad:-pad, pad:-pad] = X.reshape(n, 8, 8)
    rng = np.random.default_rng(0)
    border = np.ones((side, side), bool)
    border[pad:-pad, pad:-pad] = False
    specks = (rng.random(images.shape) < rare) & border
    images[specks] = rng.uniform(0, 0.03, specks.sum())
    X_train, X_test = train_test_split(
        images.reshape(n, -1), test_size=0.3, random_state=0
    )
    return X_train, X_test, (0.0, 1.0), (side, side)


def patches(n_train=3000, n_test=2000):
    per_image = (n_train + n_test) // 2
    P = np.concatenate(
        [
            extract_patches_2d(image, (8, 8), max_patches=per_image, random_state=i)
            for i, image in enumerate(load_sample_images().images)
        ]
    )
    P = P.reshape(len(P), -1).astype(np.float64)
    P = P[np.random.default_rng(0).permutation(len(P))]
    return P[:n_train], P[n_train : n_train + n_test], (0.0, 255.0), (8, 8, 3)


def letters(directory, n_train=3000, n_test=2000):
    with gzip.open(Path(directory) / "t10k-images-idx3-ubyte.gz") as f:
        X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784) / 255.0
    return X[:n_train], X[-n_test:], (0.0, 1.0), (28, 28)


# ----------------------------------------------------------------- models
def pca(X_train, noisy):
    model = PCA(CODE, random_state=0).fit(X_train)
    return [model.inverse_transform(model.transform(X)) for X in noisy]


def kernel_pca_grid(X_train, noisy, width):
    """Outputs of a small KernelPCA(16) rbf grid, fitted on X / width with
    gamma around 1 / (n_features * variance)."""
    A = X_train / width
    gamma = 1.0 / (A.shape[1] * A.var())
    outputs = {}
    for g in (0.25, 1.0, 4.0):
        for alpha in (0.01, 0.1):
            model = KernelPCA(
                CODE,
                kernel="rbf",
                gamma=g * gamma,
                alpha=alpha,
                fit_inverse_transform=True,
                random_state=0,
            ).fit(A)
            outputs[g, alpha] = [
                model.inverse_transform(model.transform(X / width)) * width
                for X in noisy
            ]
    return outputs


def skae_dae(X_train, X_noisy, sigma, scaling, divide, width):
    kw = {} if scaling == "auto" else {"scaling": scaling}
    dae = skae.DenoisingAutoencoder(CODE, noise_factor=sigma, random_state=0, **kw)
    if divide:
        dae.fit(X_train / width)
        return dae.predict(X_noisy / width) * width, dae
    return dae.fit(X_train).predict(X_noisy), dae


def mse(a, b):
    return float(np.mean((a - b) ** 2))


# ------------------------------------------------------------------- runs
def run(name, data, sigmas):
    X_train, X_test, (low, high), _ = data
    width = high - low
    rng = np.random.default_rng(1)
    noisy = [
        np.clip(X_test + rng.normal(scale=s * width, size=X_test.shape), low, high)
        for s in sigmas
    ]
    table = {"noisy input": [mse(X, X_test) for X in noisy]}
    table["PCA(16)"] = [mse(Y, X_test) for Y in pca(X_train, noisy)]
    start = time.perf_counter()
    grid = kernel_pca_grid(X_train, noisy, width)
    table["KernelPCA(16), best of grid"] = [
        min(mse(out[i], X_test) for out in grid.values()) for i in range(len(sigmas))
    ]
    print(
        f"  {name}: KernelPCA grid {time.perf_counter() - start:.0f} s", file=sys.stderr
    )
    outputs, chosen = {}, {}
    for label, (scaling, divide) in SKAE.items():
        table[label], seconds = [], []
        for i, s in enumerate(sigmas):
            start = time.perf_counter()
            Y, dae = skae_dae(X_train, noisy[i], s, scaling, divide, width)
            seconds.append(time.perf_counter() - start)
            table[label].append(mse(Y, X_test))
            outputs[label, s] = Y
            if scaling == "auto":
                chosen[s] = (dae.scaling_, dae.n_iter_)
        print(
            f"  {name}: {label} fits {', '.join(f'{t:.1f}' for t in seconds)} s",
            file=sys.stderr,
            flush=True,
        )
    return table, chosen, noisy, outputs


def report(name, data, sigmas, table, chosen):
    X_train, X_test = data[:2]
    n_train, n_test, width = len(X_train), len(X_test), X_train.shape[1]
    print(f"\n### {name}: {n_train} training / {n_test} test rows of {width}")
    print(f"(defaults chose scaling_={chosen[sigmas[0]][0]!r})\n")
    print("| model | " + " | ".join(f"σ = {s}" for s in sigmas) + " |")
    print("|:---|" + "---:|" * len(sigmas))
    for label, errors in table.items():
        print(f"| {label} | " + " | ".join(f"{e:.4g}" for e in errors) + " |")
    default = np.array(table["skae, defaults"])
    best_skae = np.min([table[label] for label in SKAE], axis=0)
    pca_err, kpca = (
        np.array(table["PCA(16)"]),
        np.array(table["KernelPCA(16), best of grid"]),
    )
    print(
        "| defaults / best skae scaling | "
        + " | ".join(f"{r:.3f}" for r in default / best_skae)
        + " |"
    )
    print(
        "| defaults / PCA | " + " | ".join(f"{r:.3f}" for r in default / pca_err) + " |"
    )
    print(
        "| defaults / best KernelPCA | "
        + " | ".join(f"{r:.3f}" for r in default / kpca)
        + " |"
    )


def plot_sweep(results, sigmas):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, len(results), figsize=(3.2 * len(results), 3.2), layout="constrained"
    )
    for ax, (name, table) in zip(np.atleast_1d(axes), results.items(), strict=True):
        for label, style in (
            ("PCA(16)", "s--"),
            ("KernelPCA(16), best of grid", "^--"),
            ('skae, scaling="minmax"', "x:"),
            ("skae, defaults", "o-"),
        ):
            ax.plot(sigmas, table[label], style, label=label)
        ax.set_title(name, fontsize="medium")
        ax.set_xlabel("noise σ (fraction of the range)")
        ax.set_xticks(sigmas)
    np.atleast_1d(axes)[0].set_ylabel("MSE to the clean images")
    np.atleast_1d(axes)[-1].legend(fontsize="small")
    fig.suptitle("Denoising with code size 16 (lower is better)")
    IMAGES.mkdir(exist_ok=True)
    path = IMAGES / "denoising.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def plot_digits(X_test, noisy, outputs, sigma, n_images=8):
    import matplotlib.pyplot as plt

    panels = {"noisy": noisy, **outputs, "clean": X_test}
    fig, axes = plt.subplots(
        len(panels), n_images, figsize=(6, 4.2), layout="constrained"
    )
    for row, (label, images) in zip(axes, panels.items(), strict=True):
        for j, ax in enumerate(row):
            ax.imshow(images[j].reshape(8, 8), cmap="gray", vmin=0, vmax=16)
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(label, fontsize="small", rotation=0, ha="right", va="center")
    fig.suptitle(f"load_digits test images, Gaussian noise σ = {sigma} × 16")
    path = IMAGES / "denoising_digits.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", default=LETTERS, help="notMNIST directory")
    parser.add_argument("--quick", action="store_true", help="digits only")
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    sets = {"digits": digits, "digits, dark border": digits_dark_border}
    if not args.quick:
        sets["patches"] = patches
        if (Path(args.letters) / "t10k-images-idx3-ubyte.gz").exists():
            sets["letters"] = lambda: letters(args.letters)
        else:
            print(f"(letters skipped: none at {args.letters})", file=sys.stderr)
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, no GPU used; "
        f"skae {skae.__version__}; noise sigma x the data's range, clipped"
    )
    skae.AutoencoderTransformer(2, epochs=1).fit(np.eye(4))  # import TensorFlow
    results = {}
    for name, load in sets.items():
        data = load()
        table, chosen, noisy, outputs = run(name, data, SIGMAS)
        report(name, data, SIGMAS, table, chosen)
        results[name] = table
        if name == "digits":
            i = SIGMAS.index(0.3)
            pca_out = pca(data[0], [noisy[i]])[0]
            picture = plot_digits(
                data[1],
                noisy[i],
                {
                    "PCA": pca_out,
                    'skae\n"minmax"': outputs['skae, scaling="minmax"', 0.3],
                    "skae\ndefaults": outputs["skae, defaults", 0.3],
                },
                0.3,
            )
    path = plot_sweep(results, SIGMAS)
    print(f"\nwrote {path.relative_to(ROOT)} and {picture.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
