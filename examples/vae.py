"""A variational autoencoder: samples, the code plane, and a likelihood against PCA's
==================================================================================

Fits ``VariationalAutoencoder`` on 75 % of scikit-learn's ``load_digits`` (no
download), dequantised to continuous values (``(v + U(0, 1)) / 17``, so that a
density is defined), and compares its test log-likelihood per image, in nats,
with probabilistic PCA's (``PCA.score``) at the same code size. Then it draws
new digits with ``SampleGridDisplay``, and, for a model with a 2-D code, the
images it decodes over the code plane with ``LatentManifoldDisplay`` (the
picture of Keras's VAE example).

Run it from the repository root::

    python examples/vae.py [--epochs N] [--out DIR]
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from _common import digits_split, parse_args, save
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning

from skae import VariationalAutoencoder
from skae.plotting import LatentManifoldDisplay, SampleGridDisplay

args = parse_args(__doc__)
# Short runs (--epochs 2) stop before convergence, and say so; not news here.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

# %%
# Pixels 0..16 made continuous, then the test log-likelihood of each model.
rng = np.random.default_rng(0)
X = (load_digits().data + rng.uniform(size=(1797, 64))) / 17
X_train, X_test = digits_split(X)

print("| model (code 8)           | test log-likelihood (nats/image) |")
print("|:-------------------------|---------------------------------:|")
vae = VariationalAutoencoder(encoding_dim=8, epochs=args.epochs, random_state=0)
vae.fit(X_train)
pca = PCA(8).fit(X_train)
print(f"| VariationalAutoencoder   | {vae.score(X_test):32.1f} |")
print(f"| PCA (probabilistic)      | {pca.score(X_test):32.1f} |")

# %%
# New digits: codes drawn from the prior (by default a Gaussian mixture fitted
# to the training rows' codes after training), decoded (the decoder's means).
fig, ax = plt.subplots(figsize=(6, 3.2), layout="constrained")
SampleGridDisplay.from_estimator(vae, image_shape=(8, 8), n_samples=32, n_cols=8, ax=ax)
save(fig, args, "vae_samples.png")

# %%
# A 2-D code, and the digits it decodes over the plane of codes.
vae2 = VariationalAutoencoder(encoding_dim=2, epochs=args.epochs, random_state=0)
vae2.fit(X_train)
fig, ax = plt.subplots(figsize=(5, 5), layout="constrained")
LatentManifoldDisplay.from_estimator(vae2, image_shape=(8, 8), grid_size=12, ax=ax)
save(fig, args, "vae_manifold.png")
