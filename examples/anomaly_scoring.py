"""Anomaly detection with the reconstruction error of an autoencoder
=================================================================

An ``AutoencoderOutlierDetector`` is fitted on "normal" data: the digits 0-8 of
scikit-learn's ``load_digits`` (no download). Held-out normal digits are then
scored together with two kinds of anomalies, the unseen digit 9 and rows of
uniform noise. ``-score_samples(X)`` is each row's reconstruction MSE (in the
scaled units), a higher value meaning more anomalous; the script prints the ROC
AUC of this score (and of PCA's reconstruction error, for comparison), how many
rows ``predict`` flags with the threshold the detector fitted
(``contamination="auto"``), the pixels that make the most abnormal 9 abnormal
(``feature_errors``), and saves an ``AnomalyDisplay`` histogram with that
threshold.

Run it from the repository root::

    python examples/anomaly_scoring.py [--epochs N] [--out DIR]
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import digits_split, parse_args, pca_errors, save
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score

from skae import AutoencoderOutlierDetector
from skae.plotting import AnomalyDisplay

args = parse_args(__doc__)

# %%
# Fit on the digits 0-8 only; the 9s and rows of noise are the anomalies.
X, y = load_digits(return_X_y=True)
X_normal, X_nines = X[y != 9], X[y == 9]
X_train, X_test = digits_split(X_normal, test_size=0.2)
X_noise = np.random.default_rng(0).uniform(0, 16, size=(50, X.shape[1]))

ae = AutoencoderOutlierDetector(8, epochs=args.epochs, random_state=0).fit(X_train)
pca = PCA(8).fit(X_train)


# %%
# ROC AUC of the reconstruction error (``-score_samples``) against PCA's.
print(f"{len(X_test)} held-out normal rows (digits 0-8) against each anomaly set")
print("| anomalies             | rows | AE ROC AUC | PCA(8) ROC AUC |")
print("|:----------------------|-----:|-----------:|---------------:|")
for name, X_anomalous in [("digit 9", X_nines), ("uniform noise", X_noise)]:
    X_eval = np.vstack([X_test, X_anomalous])
    is_anomaly = np.r_[np.zeros(len(X_test)), np.ones(len(X_anomalous))]
    auc_ae = roc_auc_score(is_anomaly, -ae.score_samples(X_eval))
    auc_pca = roc_auc_score(is_anomaly, pca_errors(pca, X_eval))
    print(f"| {name:<21} | {len(X_anomalous):4d} | {auc_ae:10.3f} | {auc_pca:14.3f} |")

# %%
# The detector's own threshold, ``-offset_``, fitted on the training errors, and
# the histogram of errors by kind of digit, with ``AnomalyDisplay``.
threshold = -ae.offset_
X_eval = np.vstack([X_test, X_nines])
digit = np.r_[np.full(len(X_test), "0-8"), np.full(len(X_nines), "9")]
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
# One stacked histogram per kind of digit, on a log axis for the long tail.
disp = AnomalyDisplay.from_estimator(
    ae,
    X_eval,
    digit,
    log_scale=True,
    ax=ax,
    name="held-out digits 0-8 and all 9s",
)
flagged = ae.predict(X_eval) == -1
assert np.array_equal(flagged, disp.is_anomaly)
print(
    f"threshold {threshold:.2f}: {flagged[len(X_test) :].mean():.0%} of the 9s and "
    f"{flagged[: len(X_test)].mean():.0%} of the normal rows flagged"
)
worst = X_nines[np.argmin(ae.score_samples(X_nines))]
pixels = np.argsort(ae.feature_errors(worst[None])[0])[::-1][:5]
print(
    f"the most abnormal 9: pixels {pixels.tolist()} (row, col) = "
    f"{[divmod(int(p), 8) for p in pixels]} have the largest errors"
)
save(fig, args, "anomaly_scoring.png")
