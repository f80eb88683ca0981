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


class PlateauCosine(keras.callbacks.Callback):
    """The rate of an annealed fit: a linear warm-up to ``peak`` over
    ``warmup`` epochs, the peak until the monitored loss has not improved by
    ``tol`` for ``patience`` epochs, then, from the best weights seen, a cosine
    decay to ``floor`` times the peak over half the epochs so far (at least
    ``min_decay``), which ends the fit.

    A warm-up, a constant stretch and a short decay (the "warmup-stable-decay"
    schedule). The stretch ends on a plateau rather than after a fixed number
    of epochs, so a problem that needs long training gets it; starting the
    decay from the best weights, not the last, lets a noisy plateau be waited
    out without losing ground (benchmarks/README.md, D16).
    """

    def __init__(
        self, peak, *, monitor, tol, patience, warmup=3, min_decay=8, floor=0.02
    ):
        super().__init__()
        self.peak, self.monitor, self.tol, self.patience = peak, monitor, tol, patience
        self.warmup, self.min_decay, self.floor = warmup, min_decay, floor

    def on_train_begin(self, logs=None):
        self.best, self.wait, self.lowest = np.inf, 0, np.inf
        self.best_weights = None
        self.decay_start = self.decay_epochs = None

    def rate(self, epoch):
        """The rate of (0-based) ``epoch``."""
        if epoch < self.warmup:
            return self.peak * (epoch + 1) / self.warmup
        if self.decay_start is None:
            return self.peak
        done = min(1.0, (epoch - self.decay_start + 1) / self.decay_epochs)
        cosine = 0.5 * (1 + np.cos(np.pi * done))
        return self.peak * (self.floor + (1 - self.floor) * cosine)

    def on_epoch_begin(self, epoch, logs=None):
        self.model.optimizer.learning_rate = float(self.rate(epoch))

    def on_epoch_end(self, epoch, logs=None):
        if self.decay_start is not None:
            if epoch + 1 >= self.decay_start + self.decay_epochs:
                self.model.stop_training = True
            return
        current = (logs or {}).get(self.monitor)
        if current is None:
            return
        if current < self.lowest:
            self.lowest = current
            self.best_weights = self.model.get_weights()
        if current < self.best - self.tol:
            self.best, self.wait = current, 0
            return
        self.wait += 1
        if self.wait >= self.patience and epoch + 1 >= self.warmup:
            self.decay_start = epoch + 1
            self.decay_epochs = max(self.min_decay, round((epoch + 1) / 2))
            self.model.set_weights(self.best_weights)


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
    user,
    *,
    monitor,
    tol,
    n_iter_no_change,
    epochs,
    verbose,
    anneal_from=None,
    rows=None,
    block_rows=None,
):
    """The callbacks of a fit: skae's own around the ``user``'s.

    With ``anneal_from`` (a peak rate), :class:`PlateauCosine` sets the rate,
    starts its decay after 0.6 × ``n_iter_no_change`` epochs without an
    improvement by ``tol`` and ends the fit; early stopping then only keeps
    the best weights. The progress line reports rows
    per second when given the ``rows`` of an epoch, and lines within long
    epochs of ``block_rows`` per step."""
    stopping = EarlyStoppingAtMinimum(
        monitor=monitor,
        min_delta=tol,
        patience=n_iter_no_change if anneal_from is None else epochs,
        restore_best_weights=True,
    )
    callbacks = [StopOnNaN(), stopping, *user]
    if anneal_from is not None:
        schedule = PlateauCosine(
            anneal_from,
            monitor=monitor,
            tol=tol,
            patience=max(1, round(0.6 * n_iter_no_change)),
        )
        callbacks.insert(1, schedule)
    if verbose:
        callbacks.append(EpochProgress(epochs, rows, block_rows))
    return callbacks
