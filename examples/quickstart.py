"""Quickstart: an autoencoder as a drop-in, non-linear PCA on ``load_digits``
==========================================================================

Fits ``AutoencoderTransformer`` and ``PCA`` with the same code size on 75 % of
scikit-learn's 8x8 digits (no download) and compares their reconstruction MSE on
the held-out 25 %. Saves two figures: the MSE against the code size
(``PCAComparisonDisplay``) and the training curve of one autoencoder
(``TrainingHistoryDisplay``).

Run it from the repository root::

    python examples/quickstart.py [--epochs N] [--out DIR]
"""

import matplotlib.pyplot as plt
from _common import digits_split, parse_args, pca_errors, save
from sklearn.decomposition import PCA

from skae import AutoencoderTransformer
from skae.plotting import PCAComparisonDisplay, TrainingHistoryDisplay

args = parse_args(__doc__)

# %%
# Fit an autoencoder and PCA for each code size and compare their test
# reconstruction error (the autoencoder's ``score`` is its negative).
X_train, X_test = digits_split()

dims, ae_mse, pca_mse, models = [2, 4, 8, 16], [], [], {}
print("| encoding_dim | PCA test MSE | AE test MSE | AE epochs |")
print("|-------------:|-------------:|------------:|----------:|")
for k in dims:
    ae = AutoencoderTransformer(k, epochs=args.epochs, random_state=0)
    ae.fit(X_train)
    models[k] = ae
    # score() is the negative mean squared reconstruction error
    ae_mse.append(-ae.score(X_test))
    pca = PCA(k).fit(X_train)
    pca_mse.append(pca_errors(pca, X_test).mean())
    print(f"| {k:12d} | {pca_mse[-1]:12.3f} | {ae_mse[-1]:11.3f} | {ae.n_iter_:9d} |")

# %%
# The test error against the code size, with ``PCAComparisonDisplay``.
# Re-plot the numbers computed above (from_estimator would refit everything).
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
PCAComparisonDisplay(dims, ae_mse, pca_mse, name="autoencoder").plot(ax=ax)
ax.set_title("load_digits: autoencoder vs PCA")
save(fig, args, "quickstart_pca_comparison.png")

# %%
# The training and validation loss of the 8-code autoencoder per epoch, with
# ``TrainingHistoryDisplay``; early stopping keeps the best epoch's weights.
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
TrainingHistoryDisplay.from_estimator(models[8], ax=ax, name="encoding_dim=8")
save(fig, args, "quickstart_history.png")
