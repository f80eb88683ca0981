"""Denoising digits: skae's DenoisingAutoencoder against PCA and KernelPCA.

scikit-learn's "Image denoising using kernel PCA" set-up, adapted to
``load_digits``: pixels / 16 (so in [0, 1]), a 70/30 split with
``random_state=0``, Gaussian noise of sigma 0.25 added to the test images (a
seeded NumPy generator). Every method learns from the clean training images and
is scored by the MSE between its output for the noisy test images and the clean
test images.

- PCA and KernelPCA(rbf, fit_inverse_transform=True) are tuned over a grid
  (n_components for PCA; n_components x gamma x alpha for KernelPCA) twice:
  once by the test error itself, which favours them (the best they could
  possibly do with these grids), and once by the error on a validation split of
  the training images (noised the same way), the honest protocol.
- skae's ``DenoisingAutoencoder(encoding_dim=32, noise_factor=0.25,
  scaling=None, random_state=0)`` and two variants (hidden layer of 256, and
  codes of 64), all with settings fixed beforehand, not tuned on these data.

Writes ``benchmarks/images/denoising.png``: noisy / PCA / KernelPCA / skae /
clean for 8 test images.

    python benchmarks/denoising.py
"""

import itertools
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.decomposition import PCA, KernelPCA  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import skae  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IMAGES = Path(__file__).resolve().parent / "images"
SIGMA = 0.25

PCA_GRID = [{"n_components": k} for k in (4, 8, 12, 16, 24, 32, 48)]
KPCA_GRID = [
    {"n_components": k, "gamma": g, "alpha": a}
    for k, g, a in itertools.product(
        (32, 64, 128, 256), (0.01, 0.03, 0.1), (0.01, 0.1, 1.0)
    )
]
SKAE_BASE = {"noise_factor": SIGMA, "scaling": None, "random_state": 0}
SKAE_SETTINGS = {  # label: (encoding_dim, hidden_layer_sizes)
    "skae DAE(32)": (32, (128,)),
    "skae DAE(32), wider": (32, (256,)),
    "skae DAE(64), wider": (64, (256,)),
}


def make_pca(params):
    return PCA(random_state=0, **params)


def make_kpca(params):
    return KernelPCA(kernel="rbf", fit_inverse_transform=True, random_state=0, **params)


def denoise(model, X_noisy):
    return model.inverse_transform(model.transform(X_noisy))


def mse(a, b):
    return float(np.mean((a - b) ** 2))


def grid(make, params_list, X_fit, X_noisy, X_clean):
    """(best params, best error) of ``make(params).fit(X_fit)`` on X_noisy."""
    scored = [
        (mse(denoise(make(p).fit(X_fit), X_noisy), X_clean), i)
        for i, p in enumerate(params_list)
    ]
    error, i = min(scored)
    return params_list[i], error


def timed_fit(model, X):
    start = time.perf_counter()
    model.fit(X)
    return model, time.perf_counter() - start


def show(params):
    return ", ".join(f"{k}={v}" for k, v in params.items())


def plot(panels, n_images=8):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        len(panels), n_images, figsize=(6, 4), layout="constrained"
    )
    for row, (label, images) in zip(axes, panels.items(), strict=True):
        for j, ax in enumerate(row):
            ax.imshow(images[j].reshape(8, 8), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(label, fontsize="small")
    fig.suptitle(f"load_digits test images, Gaussian noise sigma={SIGMA}")
    IMAGES.mkdir(exist_ok=True)
    path = IMAGES / "denoising.png"
    fig.savefig(path, dpi=80)
    return path


def main():
    X = load_digits().data / 16.0
    X_train, X_test = train_test_split(X, test_size=0.3, random_state=0)
    rng = np.random.default_rng(0)
    X_noisy = X_test + rng.normal(scale=SIGMA, size=X_test.shape)
    # validation split of the training images, for the honest tuning
    X_fit, X_val = train_test_split(X_train, test_size=0.2, random_state=0)
    X_val_noisy = X_val + rng.normal(scale=SIGMA, size=X_val.shape)
    print(
        f"load_digits / 16: {len(X_train)} training / {len(X_test)} test images, "
        f"noise sigma {SIGMA}; {platform.machine()}, {os.cpu_count()} CPUs, "
        f"no GPU used; skae {skae.__version__}"
    )
    print(
        f"grids: PCA {len(PCA_GRID)} settings, KernelPCA {len(KPCA_GRID)} "
        "(n_components in {32, 64, 128, 256}, gamma in {0.01, 0.03, 0.1}, "
        "alpha in {0.01, 0.1, 1}); every skae DAE: noise_factor=0.25, "
        "scaling=None, random_state=0, other parameters default"
    )

    rows = [("noisy input (no denoising)", "", mse(X_noisy, X_test), None)]
    outputs = {"noisy": X_noisy}
    for name, make, params_list in (
        ("PCA", make_pca, PCA_GRID),
        ("KernelPCA rbf", make_kpca, KPCA_GRID),
    ):
        print(f"  {name} grids ...", end=" ", file=sys.stderr, flush=True)
        start = time.perf_counter()
        for how, (X_a, X_b_noisy, X_b) in (
            ("picked on test", (X_train, X_noisy, X_test)),
            ("picked on validation", (X_fit, X_val_noisy, X_val)),
        ):
            params, _ = grid(make, params_list, X_a, X_b_noisy, X_b)
            model, seconds = timed_fit(make(params), X_train)
            X_denoised = denoise(model, X_noisy)
            rows.append(
                (f"{name}, {how}", show(params), mse(X_denoised, X_test), seconds)
            )
            if how == "picked on test":
                outputs[name] = X_denoised
        print(f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)

    skae.AutoencoderTransformer(2, epochs=1).fit(X_train[:64])  # import TensorFlow
    for label, (k, hidden) in SKAE_SETTINGS.items():
        print(f"  {label} ...", end=" ", file=sys.stderr, flush=True)
        dae = skae.DenoisingAutoencoder(k, hidden_layer_sizes=hidden, **SKAE_BASE)
        dae, seconds = timed_fit(dae, X_train)
        print(f"{seconds:.1f} s", file=sys.stderr, flush=True)
        X_denoised = dae.predict(X_noisy)
        settings = f"encoding_dim={k}, hidden_layer_sizes={hidden}, {dae.n_iter_} ep."
        rows.append((label, settings, mse(X_denoised, X_test), seconds))
        outputs.setdefault("skae", X_denoised)  # the first, headline setting
    outputs["clean"] = X_test

    print()
    print("| method | settings | MSE to clean | fit s |")
    print("|:---|:---|---:|---:|")
    for label, settings, error, seconds in rows:
        fit = "–" if seconds is None else f"{seconds:.2f}"
        print(f"| {label} | {settings} | {error:.4f} | {fit} |")
    panels = {
        "noisy": outputs["noisy"],
        "PCA": outputs["PCA"],
        "KernelPCA": outputs["KernelPCA rbf"],
        "skae": outputs["skae"],
        "clean": outputs["clean"],
    }
    path = plot(panels)
    print(f"\nwrote {path.relative_to(ROOT)} (PCA and KernelPCA: picked on test)")


if __name__ == "__main__":
    main()
