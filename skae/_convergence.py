"""Warnings for training that did not learn, or did not finish learning.

A fit that stays flat, or stops short of its minimum, still returns a model;
scikit-learn's MLP warns of the second with a ``ConvergenceWarning``, and so do
these. They read only the recorded history, and apply the rule the
early-stopping callback applies (``skae/_keras/_callbacks.py``): an epoch
counts as an improvement when its monitored loss is below the best so far by
more than ``tol``, and training stops after ``n_iter_no_change`` epochs without
one.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

# Fewer validation rows than this and early stopping is decided by which rows
# were drawn rather than by the model: the validation loss is a mean over the
# held-out rows, and its standard error is 1/sqrt(n) of the rows' spread, over
# a third of it below 10 rows (1 of 3 rows is the extreme: one row judges every
# epoch). With the default validation_fraction=0.1 that means under 95 rows,
# where training on every row (early_stopping=False) is the better choice.
MIN_VALIDATION_ROWS = 10


def warn_small_validation(name, n_val, n_samples, validation_fraction):
    """Warn when too few rows are held out for early stopping to mean anything."""
    if n_val >= MIN_VALIDATION_ROWS:
        return
    warnings.warn(
        f"{name}: validation_fraction={validation_fraction} holds out {n_val} of "
        f"{n_samples} rows to decide when training stops; with fewer than "
        f"{MIN_VALIDATION_ROWS} the choice of epoch depends on which rows were "
        "drawn. Set early_stopping=False to train on every row and stop on the "
        "training loss, or raise validation_fraction.",
        UserWarning,
        stacklevel=6,  # the caller of fit
    )


def warn_not_converged(name, history, *, epochs, tol, n_iter_no_change):
    """Warn with a ``ConvergenceWarning`` when the history shows a fit that
    learned nothing after its first epoch, or ran out of ``epochs`` while its
    loss still fell.

    Parameters
    ----------
    name : str
        The estimator's class name, for the message.
    history : dict of str to list of float
        Keras's per-epoch history; ``val_loss`` is monitored when present.
    epochs, tol, n_iter_no_change
        The estimator's parameters of the same names.
    """
    monitor = "val_loss" if "val_loss" in history else "loss"
    losses = np.asarray(history[monitor], dtype=float)
    n = len(losses)
    improved = _improvements(losses, tol)
    if n > 1 and np.argmin(losses) == 0:
        message = (
            f"the weights of its first epoch were kept: {monitor} never fell "
            f"below its first value, {losses[0]:.4g}, in {n} epochs. The network "
            "learned nothing after one epoch; lower learning_rate (a step too "
            "large can stall every unit), or check that the data are scaled "
            "(scaling)."
        )
    elif n > 1 and not improved[1:].any():
        message = (
            f"{monitor} never improved by tol={tol} on its first value, "
            f"{losses[0]:.4g}, in {n} epochs (it reached {losses.min():.4g}). "
            "Lower learning_rate if the loss is stuck, or lower tol if it is "
            "on a smaller scale than tol."
        )
    elif n == epochs and n - 1 - np.flatnonzero(improved)[-1] < n_iter_no_change:
        message = (
            f"epochs={epochs} ran out while {monitor} was still improving by "
            f"more than tol={tol} (early stopping had not triggered). Raise "
            "epochs for a converged model, or raise tol to stop sooner."
        )
    else:
        return
    warnings.warn(f"{name}: {message}", ConvergenceWarning, stacklevel=5)


def _improvements(losses, tol):
    """Which epochs improved on the best loss so far by more than ``tol``, as
    Keras's EarlyStopping counts them (the first always does)."""
    best = np.inf
    improved = np.zeros(len(losses), dtype=bool)
    for i, loss in enumerate(losses):
        if loss < best - tol:
            best, improved[i] = loss, True
    return improved
