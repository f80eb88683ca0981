"""The Keras callbacks every fit runs: stop on NaN, early stopping, progress."""

import time

import keras
import numpy as np


class StopOnNaN(keras.callbacks.TerminateOnNaN):
    """Keras's TerminateOnNaN without its message: with verbose=0 nothing is
    printed, and the estimator raises its own error naming the fix."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            self.model.stop_training = True


class EarlyStoppingAtMinimum(keras.callbacks.EarlyStopping):
    """Keras's EarlyStopping, restoring the weights of the epoch with the lowest
    monitored loss, as scikit-learn's MLP keeps its best.

    Keras saves weights only on an improvement by more than ``min_delta``
    (``tol``), so it restored an older epoch than the best when later gains were
    smaller than that (benchmarks/README.md, design measurement D9);
    ``min_delta`` still decides when to stop.
    """

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.lowest = np.inf

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        current = self.get_monitor_value(logs)
        if current is not None and current < self.lowest:
            self.lowest = current
            if self.best_epoch != epoch:  # not saved by Keras just now
                self.best_weights = self.model.get_weights()
                self.best_epoch = epoch


class EpochProgress(keras.callbacks.Callback):
    """One line per epoch: loss, val_loss, elapsed time and an upper bound on the
    time left. Plain ``print`` lines, so terminals and Jupyter show them alike
    (Keras's own bar counts steps, and skae trains one epoch per step)."""

    def __init__(self, epochs, rows=None, block_rows=None):
        super().__init__()
        self.epochs = epochs
        self.rows, self.block_rows = rows, block_rows

    # A streamed fit's epoch may take long: a line within it at most this often.
    INTERIM_SECONDS = 60.0

    def on_train_begin(self, logs=None):
        self.start = self.shown = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_start, self.steps = time.perf_counter(), 0

    def on_train_batch_end(self, batch, logs=None):
        """Within a streamed epoch (a step per block), the rows so far."""
        self.steps += 1
        now = time.perf_counter()
        if self.rows is None or now - self.shown < self.INTERIM_SECONDS:
            return
        self.shown = now
        done = min(self.rows, self.steps * self.block_rows)
        speed = done / (now - self.epoch_start)
        print(
            f"  {done:,}/{self.rows:,} rows - {speed:,.0f} rows/s - "
            f"ETA {(self.rows - done) / speed:.0f}s for this epoch",
            flush=True,
        )

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.perf_counter() - self.start
        left = elapsed / (epoch + 1) * (self.epochs - epoch - 1)
        losses = " - ".join(f"{k} {v:.4g}" for k, v in (logs or {}).items())
        # A streamed fit (``rows`` per epoch) also reports its throughput.
        speed = ""
        if self.rows is not None:
            speed = f" - {self.rows * (epoch + 1) / elapsed:,.0f} rows/s"
        print(
            f"epoch {epoch + 1}/{self.epochs} - {losses} - {elapsed:.1f}s elapsed"
            f"{speed} - ETA {left:.0f}s (at most)",
            flush=True,
        )


def fit_callbacks(
    user, *, monitor, tol, n_iter_no_change, epochs, verbose, rows=None, block_rows=None
):
    """The callbacks of a fit: skae's own around the ``user``'s; the progress
    line reports rows per second when given the ``rows`` of an epoch, and
    lines within long epochs of ``block_rows`` per step."""
    callbacks = [
        StopOnNaN(),
        EarlyStoppingAtMinimum(
            monitor=monitor,
            min_delta=tol,
            patience=n_iter_no_change,
            restore_best_weights=True,
        ),
        *user,
    ]
    if verbose:
        callbacks.append(EpochProgress(epochs, rows, block_rows))
    return callbacks
