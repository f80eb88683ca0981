"""The scaling between the data's units and the network's.

Computed in float64 and written as the network's float32: in float32 the
min-max scaled maximum rounded to 1.0000001 and large offsets lost their
spread (benchmarks/README.md, design measurement D12).
"""

import numpy as np

# Values per block of rows scaled at a time: the float64 temporaries stay small.
SCALE_BLOCK = 1 << 22


# scaling="auto" picks "global" when, among the features that vary (10th
# percentile below the 90th, so near-constant image borders and rare flags do
# not count), the median range is at least this share of the largest ...
SHARED_RANGE = 0.8
# ... and at least this share of them reach the data's overall minimum or
# maximum (a shared background and saturation: 0 and 1, 16 or 255).
SHARED_BOUNDS = 0.5
# The percentiles are taken on at most this many evenly spaced rows: on all
# 64 000 rows of 784 pixels they took seconds, more than the min and max.
QUANTILE_ROWS = 2048


def resolve_scaling(X, scaling, summary=None):
    """The scaling ``fit`` applies: ``scaling`` itself, or for ``"auto"``
    ``"global"`` when the features share their units (pixels) and
    ``"minmax"`` when they do not (a table of mixed units).

    Per-feature min-max scaling divides a near-constant feature (an image's
    border) by its tiny range, so noise of a given size in the data's units
    becomes huge in the network's; one range for all pixels keeps them
    comparable (benchmarks/README.md, design measurement D14). A streamed X
    comes with its ``summary`` (skae._streaming.summarize).
    """
    if scaling != "auto":
        return scaling
    return "global" if shares_units(X, summary) else "minmax"


def shares_units(X, summary=None):
    """Whether the features of X look like one quantity in one unit: the
    varying ones span about the same range and share its bounds."""
    with np.errstate(over="ignore", invalid="ignore"):
        if summary is None:
            low = X.min(axis=0).astype(np.float64)
            high = X.max(axis=0).astype(np.float64)
            rows = X[:: max(1, len(X) // QUANTILE_ROWS)]
        else:
            low, high, rows = summary.low, summary.high, summary.quantile_rows
        spread = high - low
        q10, q90 = np.quantile(rows, [0.1, 0.9], axis=0)
    varying = q90 > q10
    if not varying.any():  # only rare values: judge by every non-constant one
        varying = spread > 0
    if not varying.any():
        return True
    at_bounds = (low == low.min()) | (high == high.max())
    spread, at_bounds = spread[varying], at_bounds[varying]
    if not np.isfinite(spread).all():
        return False
    same_range = np.median(spread) >= SHARED_RANGE * spread.max()
    same_bounds = np.mean(at_bounds) >= SHARED_BOUNDS
    return bool(same_range and same_bounds)


def scaling_params(X, scaling, summary=None):
    """Per-feature float64 ``offset`` and ``scale`` mapping X to the network's
    units (with ``scaling="minmax"``, each feature exactly onto [0, 1]; with
    ``"global"``, the whole of X onto [0, 1]), and which features are
    constant. Raises if float64 cannot hold them, or, with no scaling, if
    float32 (the network's precision) cannot hold X. A streamed X comes with
    its ``summary`` (skae._streaming.summarize), which is used instead."""
    if summary is not None:
        return _params_from(scaling, summary.low, summary.high, summary)
    if scaling is None:
        _check_fits_float32(X)
        n = X.shape[1]
        return np.zeros(n), np.ones(n), np.zeros(n, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        low = X.min(axis=0).astype(np.float64)
        high = X.max(axis=0).astype(np.float64)
    return _params_from(scaling, low, high, X)


def _params_from(scaling, low, high, X):
    """The scaling from the features' ``low`` and ``high``, and the mean and
    standard deviation (``"standard"``) of ``X`` (or of its summary)."""
    if scaling is None:
        _check_fits_float32(np.array([low.min(), high.max()]))
        n = len(low)
        return np.zeros(n), np.ones(n), np.zeros(n, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if scaling == "minmax":
            offset = low
            spread = high - offset
        elif scaling == "global":
            spread = np.full(len(low), high.max() - low.min())
            # A constant feature keeps its own offset, so that it is
            # reconstructed as its constant; the others share the lowest.
            offset = np.where(high > low, low.min(), low)
        elif isinstance(X, np.ndarray):
            offset = X.mean(axis=0, dtype=np.float64)
            spread = X.std(axis=0, dtype=np.float64)
        else:
            offset, spread = X.mean, X.std
        # A constant feature is passed through shifted, not divided by zero (as
        # scikit-learn's scalers do), and reconstructed as that constant.
        constant = ~(high > low) if scaling == "global" else ~(spread > 0)
        scale = np.where(spread > 0, spread, 1.0)
        fits = np.isfinite([offset, scale, 1.0 / scale]).all()
    if not fits:
        what = "mean or standard deviation" if scaling == "standard" else "range"
        raise ValueError(
            f"scaling={scaling!r} cannot scale X: a feature's {what} is too "
            "large, or too small to divide by, for float64 (X spans "
            f"[{low.min():.3g}, {high.max():.3g}]). "
            "Expected values between about 1e-300 and 1e300 in magnitude "
            "(1e150 with 'standard'); rescale X, e.g. by a power of ten."
        )
    return offset, scale, constant


def _check_fits_float32(X):
    largest = float(np.max(np.abs(X))) if X.size else 0.0
    if largest > float(np.finfo(np.float32).max):
        raise ValueError(
            "scaling=None feeds X to the network as it is, in float32, whose "
            f"largest value is 3.4e38, but X reaches {largest:.3g}. Use "
            "scaling='minmax' or 'standard', or rescale X."
        )


def scale_rows(X, offset, scale):
    """``(X - offset) / scale`` as float32, a block of rows at a time."""
    out = np.empty(X.shape, np.float32)
    inverse = 1.0 / scale
    step = max(1, SCALE_BLOCK // max(1, X.shape[1]))
    for start in range(0, len(X), step):
        rows = slice(start, start + step)
        scaled_float32(X[rows], offset, inverse, out=out[rows])
    return out


def scaled_float32(X, offset, inv_scale, out=None):
    """``(X - offset) * inv_scale`` computed in float64 (a temporary the size
    of ``X``), written as float32 into ``out`` (a new array if None)."""
    scaled = np.subtract(X, offset, dtype=np.float64)
    scaled *= inv_scale
    if out is None:
        return scaled.astype(np.float32)
    out[...] = scaled
    return out


def float32_blurs(offset, scale):
    """Whether rows cast to float32 before their offset is subtracted lose
    what tells them apart: an offset over about 840 times a feature's scale
    (float32 keeps 24 bits, 1e-4 of the scale lost), or a scaling that float32
    cannot hold (:func:`float32_overflows`)."""
    eps = np.finfo(np.float32).eps
    return bool(
        np.any(np.abs(offset) * eps > 1e-4 * np.asarray(scale))
        or float32_overflows(offset, scale)
    )


def float32_overflows(offset, scale):
    """Whether the scaling itself leaves float32's normal range: values beyond
    it, or a scale so small that its inverse overflows (float32 data whose
    spread is subnormal)."""
    info = np.finfo(np.float32)
    offset, scale = np.abs(offset), np.asarray(scale)
    return bool(
        np.any(offset + scale > info.max / 16) or np.any(scale < info.tiny * 2**14)
    )
