"""Quality with the defaults on real image data: the notMNIST letters in
tests/data/notmnist (MIT, see the LICENSE there) and load_digits."""

import gzip
import os
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA, KernelPCA
from sklearn.model_selection import train_test_split

from skae import AutoencoderTransformer, DenoisingAutoencoder

pytestmark = pytest.mark.slow  # full-size fits with the default epochs

NOTMNIST = Path(
    os.environ.get(
        "SKAE_NOTMNIST", Path(__file__).resolve().parent / "data" / "notmnist"
    )
)


@pytest.fixture(scope="module")
def letters():
    with gzip.open(NOTMNIST / "t10k-images-idx3-ubyte.gz") as f:
        X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784) / 255.0
    return X[:8000], X[8000:]


def pca_mse(k, X_train, X_test):
    pca = PCA(k, random_state=0).fit(X_train)
    return np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)


def test_dense_defaults_reach_045_of_pcas_error_on_8000_letters(letters):
    """Issue 12's target: at most 0.45x PCA(16)'s test MSE with the defaults.
    Measured (benchmarks/README.md, D17): 0.447 and 0.443 on seeds 0 and 1;
    without the weight decay 0.457 and 0.467, with batches of 32 0.489."""
    X_train, X_test = letters
    pca = pca_mse(16, X_train, X_test)
    ratios = [
        -AutoencoderTransformer(16, random_state=seed).fit(X_train).score(X_test) / pca
        for seed in (0, 1)
    ]
    assert np.mean(ratios) <= 0.45, ratios


def test_conv_beats_dense_with_the_same_code_size(letters):
    X_train, X_test = letters[0][:3000], letters[1]
    common = dict(encoding_dim=16, random_state=0, epochs=10, early_stopping=False)
    dense = AutoencoderTransformer(**common).fit(X_train)
    conv = AutoencoderTransformer(
        **common, architecture="conv_pool", image_shape=(28, 28)
    ).fit(X_train)
    assert -conv.score(X_test) < -dense.score(X_test)


def test_denoising_beats_pca_and_kernel_pca_on_noisy_digits():
    """scikit-learn's "Image denoising using kernel PCA" set-up, on load_digits.

    Pixels in [0, 1], Gaussian noise of sigma 0.25 on the test images. PCA and
    KernelPCA are fitted on the clean training images and given every advantage:
    their settings are picked by their error on the test images themselves.
    """
    X = load_digits().data / 16.0
    X_train, X_test = train_test_split(X, test_size=0.3, random_state=0)
    rng = np.random.default_rng(0)
    X_noisy = X_test + rng.normal(scale=0.25, size=X_test.shape)

    def error(X_denoised):
        return np.mean((X_denoised - X_test) ** 2)

    pca = min(
        error(p.inverse_transform(p.transform(X_noisy)))
        for p in (PCA(k).fit(X_train) for k in (8, 16, 24, 32))
    )
    kpca = min(
        error(kp.inverse_transform(kp.transform(X_noisy)))
        for kp in (
            KernelPCA(
                n_components=k,
                kernel="rbf",
                gamma=gamma,
                alpha=alpha,
                fit_inverse_transform=True,
            ).fit(X_train)
            for k in (32, 64)
            for gamma in (0.01, 0.03)
            for alpha in (0.01, 0.1)
        )
    )
    dae = DenoisingAutoencoder(encoding_dim=32, noise_factor=0.25, random_state=0).fit(
        X_train
    )
    ae_error = error(dae.predict(X_noisy))
    print(f"MSE to clean: PCA {pca:.4f}, KernelPCA {kpca:.4f}, skae {ae_error:.4f}")
    assert ae_error < pca
    assert ae_error < kpca
