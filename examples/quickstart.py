"""Quickstart: an autoencoder as a drop-in, non-linear PCA on ``load_digits``.

Fits ``AutoencoderTransformer`` and ``PCA`` with the same code size on 75 % of
scikit-learn's 8x8 digits (no download) and compares their reconstruction MSE on
the held-out 25 %. Saves two figures: the MSE against the code size
(``PCAComparisonDisplay``) and the training curve of one autoencoder
(``TrainingHistoryDisplay``).

    python examples/quickstart.py [--epochs N] [--out DIR]
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no window: the figures are only saved
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skae import AutoencoderTransformer
from skae.plotting import PCAComparisonDisplay, TrainingHistoryDisplay

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=200, help="max. training epochs")
parser.add_argument("--out", type=Path, default=Path("examples/output"))
args = parser.parse_args()
args.out.mkdir(parents=True, exist_ok=True)

X, y = load_digits(return_X_y=True)
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)

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
    X_pca = pca.inverse_transform(pca.transform(X_test))
    pca_mse.append(np.mean((X_test - X_pca) ** 2))
    print(f"| {k:12d} | {pca_mse[-1]:12.3f} | {ae_mse[-1]:11.3f} | {ae.n_iter_:9d} |")

# Re-plot the numbers computed above (from_estimator would refit everything).
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
PCAComparisonDisplay(dims, ae_mse, pca_mse, estimator_name="autoencoder").plot(ax=ax)
ax.set_title("load_digits: autoencoder vs PCA")
fig.savefig(args.out / "quickstart_pca_comparison.png", dpi=80)

fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
TrainingHistoryDisplay.from_estimator(models[8], ax=ax, name="encoding_dim=8")
fig.savefig(args.out / "quickstart_history.png", dpi=80)
print(f"figures saved in {args.out}/")
