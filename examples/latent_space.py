"""A 2-D code: the autoencoder's latent space next to PCA's first two components
=============================================================================

Fits ``AutoencoderTransformer(encoding_dim=2)`` and ``PCA(2)`` on scikit-learn's
``load_digits`` (no download) and draws both embeddings side by side, coloured by
the digit label, with ``LatentSpaceDisplay``. To put a number on how well the
classes separate, it prints the 5-fold accuracy of a k-nearest-neighbours
classifier on each 2-D embedding (the labels are never used for fitting).

Run it from the repository root::

    python examples/latent_space.py [--epochs N] [--out DIR]
"""

import matplotlib.pyplot as plt
from _common import parse_args, pca_errors, save
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

from skae import AutoencoderTransformer
from skae.plotting import LatentSpaceDisplay

args = parse_args(__doc__)

# %%
# Two-dimensional codes from an autoencoder and from PCA, and how well a
# nearest-neighbours classifier separates the digits in each.
X, y = load_digits(return_X_y=True)
ae = AutoencoderTransformer(encoding_dim=2, epochs=args.epochs, random_state=0)
Z_ae = ae.fit_transform(X)
pca = PCA(2).fit(X)
Z_pca = pca.transform(X)

print("| embedding (2-D)        | reconstruction MSE | 5-NN accuracy (5-fold) |")
print("|:-----------------------|-------------------:|-----------------------:|")
pca_mse = pca_errors(pca, X).mean()
for name, Z, mse in [
    ("AutoencoderTransformer", Z_ae, -ae.score(X)),
    ("PCA", Z_pca, pca_mse),
]:
    acc = cross_val_score(KNeighborsClassifier(5), Z, y, cv=5).mean()
    print(f"| {name:<22} | {mse:18.3f} | {acc:22.3f} |")

# %%
# Both embeddings, coloured by digit, with ``LatentSpaceDisplay``.
fig, (ax_ae, ax_pca) = plt.subplots(1, 2, figsize=(6.5, 3), layout="constrained")
# LatentSpaceDisplay.from_estimator(ae, X, y) would encode X itself; the codes
# are at hand, so build the displays from them (small markers, one legend).
ae_disp = LatentSpaceDisplay(Z_ae, y, name="AutoencoderTransformer")
ae_disp.plot(ax=ax_ae, s=5).legend_.remove()
pca_disp = LatentSpaceDisplay(Z_pca, y, xlabel="PC 1", ylabel="PC 2", name="PCA")
pca_disp.plot(ax=ax_pca, s=5)
save(fig, args, "latent_space.png")
