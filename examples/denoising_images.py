"""Denoising digits with ``DenoisingAutoencoder``, compared with PCA
=================================================================

Pixels of scikit-learn's ``load_digits`` (no download) are divided by 16, so they
lie in [0, 1]. A ``DenoisingAutoencoder`` (Gaussian training noise) is fitted on
75 % of the clean images; the other 25 % get Gaussian noise of standard deviation
0.3. The script prints the MSE to the clean test images of the noisy input
itself, of its PCA reconstruction (same code size) and of ``dae.predict(noisy)``,
and saves a ``ReconstructionDisplay`` grid: noisy / denoised / clean.

Run it from the repository root::

    python examples/denoising_images.py [--epochs N] [--out DIR]
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import digits_split, parse_args, save
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

from skae import DenoisingAutoencoder
from skae.plotting import ReconstructionDisplay

args = parse_args(__doc__)

# %%
# Train on clean images; add Gaussian noise (std 0.3) to the test images.
X_train, X_test = digits_split(load_digits().data / 16.0)  # pixels in [0, 1]
rng = np.random.default_rng(0)
X_noisy = np.clip(X_test + rng.normal(scale=0.3, size=X_test.shape), 0.0, 1.0)

k = 16
# noise_factor is a fraction of the pixels' range (scaling="auto" gives images
# one range for all pixels): 0.3 here, the noise of the test images.
dae = DenoisingAutoencoder(
    k, noise="gaussian", noise_factor=0.3, epochs=args.epochs, random_state=0
).fit(X_train)
pca = PCA(k).fit(X_train)


# %%
# Error to the clean images of the noisy input, of PCA's reconstruction and
# of the denoising autoencoder's ``predict``.


def mse(X_hat):
    return float(np.mean((X_hat - X_test) ** 2))


print(f"MSE to the clean test images ({len(X_test)} images, pixels in [0, 1]):")
print("| input                            |    MSE |")
print("|:---------------------------------|-------:|")
for name, X_hat in [
    ("noisy input", X_noisy),
    (f"PCA({k}) reconstruction", pca.inverse_transform(pca.transform(X_noisy))),
    (f"DenoisingAutoencoder({k}).predict", dae.predict(X_noisy)),
]:
    print(f"| {name:<32} | {mse(X_hat):.4f} |")
print(f"(trained {dae.n_iter_} epochs)")

# %%
# Noisy inputs, their reconstructions and the originals, with
# ``ReconstructionDisplay``.
fig, ax = plt.subplots(figsize=(6, 2.6), layout="constrained")
ReconstructionDisplay.from_estimator(
    dae, X_test, X_noisy=X_noisy, image_shape=(8, 8), n_images=8, ax=ax
)
save(fig, args, "denoising_images.png")
