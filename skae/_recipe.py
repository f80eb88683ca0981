"""What ``batch_size="auto"`` resolves to for a fit.

The "auto" batch grows with the training rows so that large fits take fewer,
larger steps, with Adam's rate scaled up with the batch and annealed once the
monitored loss levels off (skae._keras._callbacks.PlateauCosine); fits of up to
about 1 450 training rows keep batches of 32 at the constant default rate
(benchmarks/README.md, D16). An annealed fit on few rows for its features
also decays its weights (:func:`auto_weight_decay`; D17).
"""

import math

# The "auto" batch: the power of two nearest n_train / STEPS_PER_EPOCH, within
# [MIN_BATCH, MAX_BATCH].
STEPS_PER_EPOCH = 32
MIN_BATCH = 32
MAX_BATCH = 256
# An annealed fit's decoupled weight decay (AdamW's): n_features / n_train
# where there are fewer than ROWS_PER_FEATURE training rows per feature, at
# most MAX_WEIGHT_DECAY.
ROWS_PER_FEATURE = 50
MAX_WEIGHT_DECAY = 0.2


def auto_batch_size(n_train):
    """The "auto" batch for ``n_train`` training rows."""
    nearest = 2 ** round(math.log2(max(1, n_train) / STEPS_PER_EPOCH))
    return int(min(MAX_BATCH, max(MIN_BATCH, nearest)))


def resolve_batch(batch_size, learning_rate, n_train, *, optimizer, default_rate):
    """``(batch, rate, annealed)`` for a fit on ``n_train`` rows.

    An explicit ``batch_size`` trains at the constant ``learning_rate``
    (``default_rate``, the optimizer's, when "auto"), as does any batch of 32.
    ``"auto"`` picks :func:`auto_batch_size`; above 32 rows with Adam, an
    "auto" rate is Adam's default times batch / 32 (the linear scaling rule)
    and is annealed (``annealed`` True); a given rate is annealed from. The
    other optimizers keep their rate, constant: the recipe was measured with
    Adam only.
    """
    rate = default_rate if learning_rate == "auto" else float(learning_rate)
    if batch_size != "auto":
        return int(batch_size), rate, False
    batch = auto_batch_size(n_train)
    if batch == MIN_BATCH or optimizer != "adam":
        return batch, rate, False
    if learning_rate == "auto":
        rate *= batch / MIN_BATCH
    return batch, rate, True


def plateau_tol(tol, batch):
    """The ``tol`` an annealed fit of ``batch``-row steps judges its plateau
    by: an epoch of larger batches makes fewer steps and gains less, so the
    plateau is judged per step of the 32-row batches ``tol`` was set for."""
    return tol * MIN_BATCH / batch


def auto_weight_decay(n_features, n_train):
    """The decoupled weight decay of an annealed fit on ``n_train`` rows of
    ``n_features`` features, or None for none.

    Weight decay keeps a network from memorising rows where they are few for
    its inputs (8 000 letters of 784 pixels: 0.457x PCA's error without,
    0.447x with; D17), but on a table of many rows even 0.001 cut fits short
    and lost about 10 %: so none from ``ROWS_PER_FEATURE`` rows per feature on.
    """
    ratio = n_features / max(1, n_train)
    if ratio * ROWS_PER_FEATURE < 1:
        return None
    return min(MAX_WEIGHT_DECAY, ratio)
