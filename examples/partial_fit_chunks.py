"""Training over chunks of a file: partial_fit and streamed fit
==============================================================

Data too large for memory live in a file. This script writes the digits of
scikit-learn's ``load_digits`` (no download) to a ``.npy`` file, opens it
memory-mapped (``np.load(path, mmap_mode="r")``: nothing is read yet) and
trains two autoencoders on it:

- ``partial_fit`` over chunks of 256 rows, one pass over the file per epoch,
  as with scikit-learn's ``IncrementalPCA`` or ``MLPRegressor``. The first call
  fixes the scaling from its chunk, so the rows are shuffled once when the
  file is written: every chunk then spans the data's range;
- ``fit`` on the memory map itself, which streams it a block at a time.

It prints the test reconstruction MSE of both and of PCA, and saves the
training loss of the ``partial_fit`` passes.

Run it from the repository root::

    python examples/partial_fit_chunks.py [--epochs N] [--out DIR]
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from _common import digits_split, parse_args, save
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning

from skae import AutoencoderTransformer

args = parse_args(__doc__, epochs=30)
warnings.simplefilter("ignore", ConvergenceWarning)  # --epochs 2 in the tests

# %%
# Write the training rows, shuffled, to a file and open it memory-mapped.
X_train, X_test = digits_split()
rows = np.random.default_rng(0).permutation(len(X_train))
path = args.out / "digits_train.npy"
np.save(path, X_train[rows].astype(np.float32))
X_file = np.load(path, mmap_mode="r")
print(f"{X_file.shape[0]} rows of {X_file.shape[1]} in {path}")

# %%
# One partial_fit call per chunk, every chunk once per pass.
chunk = 256
params = dict(encoding_dim=8, hidden_layer_sizes=(64,), random_state=0)
incremental = AutoencoderTransformer(**params)
n_chunks = -(-X_file.shape[0] // chunk)
pass_losses = []  # the mean of each pass's chunk losses
for _ in range(args.epochs):
    for start in range(0, X_file.shape[0], chunk):
        incremental.partial_fit(X_file[start : start + chunk])
    pass_losses.append(np.mean(incremental.history_["loss"][-n_chunks:]))

# %%
# The same network fitted on the whole file, streamed (early stopping on
# validation rows taken from the file), and PCA for comparison.
streamed = AutoencoderTransformer(**params, epochs=args.epochs).fit(X_file)
pca = PCA(8).fit(X_train)


def mse(X_rec):
    return float(np.mean((X_test - X_rec) ** 2))


print(f"{'model':<30} {'test MSE':>9}")
print(f"{'partial_fit, chunks of 256':<30} {mse(incremental.predict(X_test)):>9.3f}")
print(f"{'fit on the memory map':<30} {mse(streamed.predict(X_test)):>9.3f}")
print(f"{'PCA(8)':<30} {mse(pca.inverse_transform(pca.transform(X_test))):>9.3f}")
print(f"rows seen by partial_fit: {incremental.n_samples_seen_}")

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(np.arange(1, len(pass_losses) + 1), pass_losses, marker=".")
ax.set(xlabel="pass over the file", ylabel="training loss (scaled units)")
ax.set_title("partial_fit over chunks of 256 rows")
fig.tight_layout()
save(fig, args, "partial_fit_chunks_loss.png")
