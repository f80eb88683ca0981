"""Data read a block at a time: which inputs stream, their blockwise
validation, the one-pass scaling statistics and the plan of contiguous row
pieces that a streamed fit trains and validates on.

An input *streams* when it is an ``np.memmap`` (what ``np.load(...,
mmap_mode="r")`` returns) or a 2-D array-like that is not an ndarray but has
``shape``, ``dtype`` and row slicing (an ``h5py.Dataset``, a ``zarr`` array).
Ordinary ndarrays, sparse matrices (refused), lists and DataFrames take the
in-memory path.
"""

import dataclasses
import functools
import mmap

import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_is_fitted

from skae._scaling import QUANTILE_ROWS, scale_rows

# Bytes of float32 rows per block: training reads, scales and trains a block at
# a time, and inference predicts one.
BLOCK_BYTES = 32 << 20
# Rows of one contiguous read (a piece); a block gathers pieces from random
# places, so that its rows, shuffled together, come from all over the data.
PIECE_ROWS = 1024
# A data set is cut into at least this many pieces, so that small ones are
# shuffled (and validated) row by row, as in memory.
MIN_PIECES = 256


def is_streamed(X):
    """Whether ``X`` is read a block at a time rather than copied whole."""
    if isinstance(X, np.memmap):
        return X.ndim == 2
    if (
        isinstance(X, np.ndarray)
        or sparse.issparse(X)
        or not all(
            hasattr(X, name) for name in ("shape", "dtype", "ndim", "__getitem__")
        )
    ):
        return False
    try:
        np.dtype(X.dtype)
    except TypeError:  # a framework's own dtype (torch, tf): not an array of ours
        return False
    return X.ndim == 2


def block_rows(n_features, multiple=1):
    """Rows per block of ``n_features`` float32 values: about BLOCK_BYTES, a
    multiple of ``multiple``."""
    rows = BLOCK_BYTES // (4 * max(1, n_features))
    return max(multiple, rows // multiple * multiple)


def check_streamed(estimator, X, *, reset, min_samples):
    """Check what a streamed ``X`` says of itself (2-D, numeric, enough rows,
    the fitted width) without reading it; with ``reset``, record its width as
    ``n_features_in_``. The values are checked as blocks are read."""
    name = type(estimator).__name__
    dtype = np.dtype(X.dtype)
    if dtype.kind not in "biuf":
        raise ValueError(
            f"{name} needs numeric data, but the {type(X).__name__} given has "
            f"dtype {dtype}."
        )
    n_samples, n_features = X.shape
    if n_features < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of "
            "1 is required."
        )
    if n_samples < min_samples:
        raise ValueError(
            f"Found array with {n_samples} sample(s) (shape={X.shape}) while a "
            f"minimum of {min_samples} is required."
        )
    if reset:
        estimator.n_features_in_ = n_features
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    elif n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but {name} is expecting "
            f"{estimator.n_features_in_} features as input."
        )
    return n_samples, n_features


def read_rows(X, start, stop):
    """Rows ``start:stop`` of ``X`` as an in-memory float32 or float64 array,
    checked finite. The pages of a memory map that the read touched are
    released: the kernel keeps them in its page cache, but they no longer count
    in the process's resident memory (benchmarks/README.md, scale.py)."""
    rows = np.asarray(X[start:stop])
    dtype = rows.dtype if rows.dtype in (np.float32, np.float64) else np.float64
    rows = np.array(rows, dtype=dtype)  # a copy: the map's pages can go
    release(X)
    if not np.isfinite(rows).all():
        raise ValueError(
            f"Input X contains NaN or infinity (in rows {start} to {stop - 1} of "
            f"the {type(X).__name__}); expected finite values."
        )
    return rows


def release(X):
    """Drop the pages of ``X``'s memory map from the process (a no-op for other
    inputs and for copy-on-write maps, whose changed pages would be lost)."""
    mapping = getattr(X, "_mmap", None)
    if (
        mapping is not None
        and getattr(X, "mode", "c") in ("r", "r+", "w+")
        and hasattr(mmap, "MADV_DONTNEED")
    ):
        try:
            mapping.madvise(mmap.MADV_DONTNEED)
        except (OSError, ValueError):  # a closed or unusual map: keep its pages
            pass


def iter_blocks(X, rows_per_block):
    """``(start, rows)`` for consecutive blocks of ``X`` (see :func:`read_rows`)."""
    for start in range(0, X.shape[0], rows_per_block):
        yield start, read_rows(X, start, min(start + rows_per_block, X.shape[0]))


@dataclasses.dataclass
class Summary:
    """Per-feature statistics of a streamed X, in float64, from one pass, and
    the evenly spaced rows ``scaling="auto"`` takes its percentiles on."""

    n_samples: int
    low: np.ndarray
    high: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    quantile_rows: np.ndarray


def summarize(X, moments=True):
    """Min and max, and with ``moments`` the mean and standard deviation, of
    each feature in one pass over the blocks of ``X`` (Chan et al.'s pairwise
    update of the mean and the sum of squared deviations), checking every
    value finite. The moments cost most of the pass: only ``"standard"``
    scaling needs them (without, ``mean`` and ``std`` are None)."""
    n_features = X.shape[1]
    low, high = np.full(n_features, np.inf), np.full(n_features, -np.inf)
    mean, squares, count = np.zeros(n_features), np.zeros(n_features), 0
    with np.errstate(over="ignore", invalid="ignore"):
        for _, rows in iter_blocks(X, block_rows(n_features)):
            np.minimum(low, rows.min(axis=0), out=low)
            np.maximum(high, rows.max(axis=0), out=high)
            n = len(rows)
            if not moments:
                count += n
                continue
            block_mean = rows.mean(axis=0, dtype=np.float64)
            block_squares = np.square(rows - block_mean).sum(axis=0)
            delta = block_mean - mean
            total = count + n
            mean += delta * (n / total)
            squares += block_squares + np.square(delta) * (count * n / total)
            count = total
    # The rows an in-memory X gives skae._scaling.shares_units, read and let go.
    quantile_rows = np.array(X[:: max(1, count // QUANTILE_ROWS)])
    release(X)
    if not moments:
        return Summary(count, low, high, None, None, quantile_rows)
    return Summary(count, low, high, mean, np.sqrt(squares / count), quantile_rows)


class ScaledRange:
    """Stands in for the scaled training data where only its range and shape
    are asked (the output activation, the loss check, the corruption's
    bounds): the data itself is never in memory at once. ``rows`` holds the
    summary's evenly spaced rows, scaled, for what needs values (the
    variational autoencoder's starting means and variances)."""

    def __init__(self, summary, offset, scale):
        with np.errstate(over="ignore", invalid="ignore"):
            low = ((summary.low - offset) / scale).astype(np.float32)
            high = ((summary.high - offset) / scale).astype(np.float32)
        self._min, self._max = low.min(), high.max()
        self.shape = (summary.n_samples, len(offset))
        self.rows = scale_rows(summary.quantile_rows, offset, scale)

    def min(self):
        return self._min

    def max(self):
        return self._max


@dataclasses.dataclass(frozen=True)
class Plan:
    """Which contiguous pieces of rows a streamed fit trains and validates on:
    ``train`` and ``val`` are ``(start, stop)`` pairs, ``rows_per_block`` the
    rows a training block gathers from pieces in random places."""

    train: np.ndarray
    val: np.ndarray
    rows_per_block: int

    @property
    def n_train(self):
        return int(np.sum(self.train[:, 1] - self.train[:, 0]))

    @property
    def n_val(self):
        return int(np.sum(self.val[:, 1] - self.val[:, 0]))


def plan_pieces(n_samples, n_features, *, batch_size, validation_fraction, rng):
    """Cut ``n_samples`` rows into pieces and hold out a random
    ``validation_fraction`` of them (None: no validation)."""
    piece = int(min(PIECE_ROWS, max(1, n_samples // MIN_PIECES)))
    starts = np.arange(0, n_samples, piece)
    pieces = np.stack([starts, np.minimum(starts + piece, n_samples)], axis=1)
    per_block = block_rows(n_features, multiple=piece)
    if validation_fraction is None:
        return Plan(pieces, pieces[:0], per_block)
    order = rng.permutation(len(pieces))
    n_val = max(1, round(validation_fraction * len(pieces)))
    if n_val >= len(pieces):
        raise ValueError(
            f"validation_fraction={validation_fraction} leaves no training "
            f"rows out of {n_samples} samples; lower it or set "
            "early_stopping=False."
        )
    return Plan(
        pieces[np.sort(order[n_val:])], pieces[np.sort(order[:n_val])], per_block
    )


def read_pieces(X, pieces):
    """The rows of ``pieces`` (``(start, stop)`` pairs) of ``X``, in order."""
    return np.concatenate([read_rows(X, a, b) for a, b in pieces])


def blockwise(method):
    """Run ``method`` on a streamed ``X`` a block at a time (its outputs joined
    in memory); any other input is passed on whole."""

    @functools.wraps(method)
    def by_blocks(self, X, *args, **kwargs):
        if not is_streamed(X):
            return method(self, X, *args, **kwargs)
        check_is_fitted(self)
        if X.shape[0] == 0:  # scikit-learn's error for empty input
            return method(self, np.asarray(X[0:0]), *args, **kwargs)
        # The large inference path runs 4096 rows per compiled call: blocks of
        # a multiple of it give the rows the same calls as in memory.
        rows = block_rows(X.shape[1], multiple=4096)
        return np.concatenate(
            [method(self, block, *args, **kwargs) for _, block in iter_blocks(X, rows)]
        )

    return by_blocks
