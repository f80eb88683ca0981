"""A convolutional autoencoder on 8x8 digit images, against a dense one
====================================================================

Each row of scikit-learn's ``load_digits`` (no download) is a flattened 8x8
image. With ``architecture="conv"`` and ``image_shape=(8, 8)`` the estimator
reshapes the rows itself and trains Conv2D(stride 2) blocks of ``filters``
around a Dense code; the input stays a plain 2-D array. The script compares the
test reconstruction MSE with a dense autoencoder and PCA of the same code size,
and saves a ``ReconstructionDisplay`` grid of the convolutional model.

Run it from the repository root::

    python examples/conv_autoencoder.py [--epochs N] [--out DIR]
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from _common import digits_split, parse_args, pca_errors, save
from sklearn.decomposition import PCA

from skae import AutoencoderTransformer
from skae.plotting import ReconstructionDisplay

args = parse_args(__doc__)

# %%
# A convolutional and a dense autoencoder with the same code size, against
# PCA: weights, epochs, fit time and test error.
X_train, X_test = digits_split()
k = 8
models = {
    "conv, filters (32, 64)": AutoencoderTransformer(
        k, architecture="conv", image_shape=(8, 8), filters=(32, 64)
    ),
    "dense, hidden (128,)": AutoencoderTransformer(k, hidden_layer_sizes=(128,)),
}

print(f"encoding_dim={k}, {len(X_train)} training / {len(X_test)} test images")
print("| model                  | params  | epochs | fit (s) | test MSE |")
print("|:-----------------------|--------:|-------:|--------:|---------:|")
for name, ae in models.items():
    start = time.perf_counter()
    ae.set_params(epochs=args.epochs, random_state=0).fit(X_train)
    seconds = time.perf_counter() - start
    n_weights = ae.model_.count_params()
    print(
        f"| {name:<22} | {n_weights:7d} | {ae.n_iter_:6d} | {seconds:7.1f} | "
        f"{-ae.score(X_test):8.3f} |"
    )
pca = PCA(k).fit(X_train)
pca_mse = np.mean(pca_errors(pca, X_test))
n_params = pca.components_.size + pca.mean_.size
print(f"| {'PCA':<22} | {n_params:7d} | {'-':>6} | {'-':>7} | {pca_mse:8.3f} |")

# %%
# Test images over the convolutional autoencoder's reconstructions, with
# ``ReconstructionDisplay``.
fig, ax = plt.subplots(figsize=(6, 2), layout="constrained")
conv = models["conv, filters (32, 64)"]
ReconstructionDisplay.from_estimator(conv, X_test, n_images=8, ax=ax)
save(fig, args, "conv_autoencoder.png")
