"""Property-based tests: any finite input either works, with the invariants
users rely on, or raises a ValueError or TypeError that says what was expected;
never a TensorFlow traceback, a crash, or a NaN.

Deterministic by default (the same examples on every run); set
SKAE_FUZZ_EXAMPLES=500 to explore with fresh random examples.
"""

import contextlib
import os
import traceback
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal

from skae import AutoencoderTransformer

TINY = dict(encoding_dim=2, hidden_layer_sizes=(4,), epochs=1, random_state=0)
SCALINGS = ["auto", "global", "minmax", "standard", None]
EXPLORE = int(os.environ.get("SKAE_FUZZ_EXAMPLES", 0))
DTYPES = ["float16", "float32", "float64", "int8", "int64", "uint8", "bool"]
LAYOUTS = ["C", "F", "row view", "column view", "list", "pandas", "pandas nullable"]
# Pandas' nullable dtypes, by NumPy dtype kind.
NULLABLE = {"f": "Float64", "i": "Int64", "u": "UInt64", "b": "boolean"}


def fuzz(max_examples):
    return settings(
        max_examples=EXPLORE or max_examples,
        deadline=None,
        derandomize=not EXPLORE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _elements(dtype, bound):
    if dtype == np.bool_:
        return st.booleans()
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max))
    bound = float(dtype.type(min(bound, float(np.finfo(dtype).max))))
    width = np.finfo(dtype).bits
    return st.floats(-bound, bound, width=width, allow_nan=False, allow_infinity=False)


@st.composite
def arrays(draw, n_features=None):
    """A finite 2-D NumPy array of 2-64 rows and 1-32 columns."""
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    n_rows = draw(st.integers(2, 64))
    n_columns = n_features or draw(st.integers(1, 32))
    bound = draw(st.sampled_from([1.0, 1e3, 1e8, 1e30, 1e300, np.inf]))
    return draw(
        hnp.arrays(dtype, (n_rows, n_columns), elements=_elements(dtype, bound))
    )


@st.composite
def containers(draw, n_features=None):
    """``(X, base)``: the data in some layout or container, and as a plain
    C-ordered array."""
    base = draw(arrays(n_features))
    layout = draw(st.sampled_from(LAYOUTS))
    if layout == "F":
        return np.asfortranarray(base), base
    if layout == "row view":
        return np.repeat(base, 2, axis=0)[::2], base
    if layout == "column view":
        return np.repeat(base, 3, axis=1)[:, 1::3], base
    if layout == "list":
        return base.tolist(), base
    if layout.startswith("pandas"):
        columns = [f"x{i}" for i in range(base.shape[1])]
        frame = pd.DataFrame(base, columns=columns)
        if layout == "pandas nullable":
            frame = frame.astype(NULLABLE[base.dtype.kind])
        return frame, base
    return base, base


def _check_error(error, names):
    """A rejection must be a ValueError or TypeError raised by skae or
    scikit-learn, saying what was expected."""
    frames = traceback.extract_tb(error.__traceback__)
    where = {f.filename for f in frames}
    assert isinstance(error, (ValueError, TypeError)), repr(error)
    assert not any("tensorflow" in f or "/keras/" in f for f in where), "".join(
        traceback.format_exception(error)
    )
    assert any(name in str(error) for name in names), str(error)


# What a rejection of finite data may name.
EXPECTED = ["float32", "float64", "feature", "sample", "scal", "range"]


def _or_reject(method, X):
    """``method(X)``, or None if it rejected ``X`` clearly."""
    try:
        return method(X)
    except Exception as error:  # noqa: BLE001 - checked below
        _check_error(error, EXPECTED)
        return None


def _finite_unless_rejected(method, X, shape):
    values = _or_reject(method, X)
    if values is not None:
        _assert_finite(values, shape)
    return values


@contextlib.contextmanager
def _strict():
    """Overflow and invalid-value warnings fail the test; feature-name ones
    (a frame given to a model fitted on an array) do not."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def _assert_scores(scores, base):
    """Scores are finite, but for errors too large for float64 to square."""
    assert scores.shape == (len(base),) and scores.dtype == np.float64
    assert not np.isnan(scores).any() and (scores <= 0).all()
    if np.abs(base.astype(np.float64)).max() < 1e150:
        assert np.isfinite(scores).all(), scores


def _last_row(X):
    return X.iloc[-1:] if isinstance(X, pd.DataFrame) else X[-1:]


def _assert_finite(values, shape, dtype=None):
    assert values.shape == shape
    assert np.isfinite(values).all(), values
    if dtype is not None:
        assert values.dtype == dtype


# 25 examples, each a fit: the default tier is near its time budget (40 took
# 16-29 s); SKAE_FUZZ_EXAMPLES (EXPLORE) runs more.
@fuzz(25)
@given(
    data=containers(),
    scaling=st.sampled_from(["auto", "global", "minmax", "standard", None]),
)
def test_fit_then_every_method_works_or_rejects_clearly(data, scaling):
    X, base = data
    n, d = base.shape
    with _strict():
        est = _or_reject(AutoencoderTransformer(**TINY, scaling=scaling).fit, X)
        if est is None:
            return
        kept = base.dtype if base.dtype in (np.float32, np.float64) else np.float64
        keeps_dtype = isinstance(X, np.ndarray)
        Z = est.transform(X)
        _assert_finite(Z, (n, 2), kept if keeps_dtype else None)
        # A row's code does not depend on the rows it is transformed with.
        assert_array_equal(est.transform(_last_row(X)), Z[-1:])
        _assert_finite(est.inverse_transform(Z), (n, d), Z.dtype)
        _assert_finite(est.predict(X), (n, d), kept if keeps_dtype else None)
        _assert_scores(est.score_samples(X), base)


@pytest.fixture(scope="module", params=SCALINGS)
def fitted(request):
    X = np.random.default_rng(0).normal(size=(40, 8))
    return AutoencoderTransformer(**TINY, scaling=request.param).fit(X)


@fuzz(60)
@given(rows=containers(n_features=8), codes=containers(n_features=2))
def test_any_finite_rows_or_codes_give_finite_outputs_or_are_rejected(
    fitted, rows, codes
):
    """Rows and codes unlike the training data's, however far out."""
    (X, base), (Z, base_codes) = rows, codes
    with _strict():
        _finite_unless_rejected(fitted.transform, X, (len(base), 2))
        if _finite_unless_rejected(fitted.predict, X, base.shape) is not None:
            _assert_scores(fitted.score_samples(X), base)
        _finite_unless_rejected(fitted.inverse_transform, Z, (len(base_codes), 8))


@fuzz(20)
@given(data=containers())
def test_a_wrong_width_names_the_width_expected(fitted, data):
    X, base = data
    method = "transform" if base.shape[1] != 8 else "inverse_transform"
    if base.shape[1] == 2:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # feature names
        with pytest.raises(ValueError, match=r"expecting (codes of encoding_dim=)?\d"):
            getattr(fitted, method)(X)


# ------------------------------------------------ what the fuzzing found


def test_score_samples_of_float32_rows_far_out_is_finite():
    # Squared in float32, an error of 3.3e19 overflowed to -inf, with a warning.
    X = np.array([[0.0], [3.2890789e19]], dtype=np.float32)
    est = AutoencoderTransformer(**TINY).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        scores = est.score_samples(X * 2)
    assert np.isfinite(scores).all() and scores[1] < -1e38


def test_float32_data_with_a_subnormal_spread_transforms_finite():
    # The inverse of a spread of 1.6e-40 overflowed float32 in the compiled
    # scaling: NaN codes, and a cast warning.
    X = np.array([[0.0], [1.60636e-40]], dtype=np.float32)
    est = AutoencoderTransformer(**TINY).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _assert_finite(est.transform(X), (2, 2), np.float32)
        _assert_finite(est.score_samples(X), (2,), np.float64)


def test_rows_beyond_float32_give_finite_outputs_or_a_clear_error():
    # float64 rows past float32's range become infinite in the cast (that
    # warned). A ReLU network may absorb them (a far outlier then scores very
    # low, as it should); where infinities meet, the outputs are NaN, which
    # was returned as it was and now raises.
    X = np.random.default_rng(0).normal(size=(40, 8))
    far = np.array([[1e39, -1e39] * 4])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        relu = AutoencoderTransformer(**TINY).fit(X)
        # Whether a ReLU layer absorbs the infinities or meets them in a sum
        # (NaN) depends on the CPU's float32 kernels: either outcome is right.
        try:
            codes = relu.transform(far)
        except ValueError as error:
            assert "X has values too far outside" in str(error)
        else:
            _assert_finite(codes, (1, 2), np.float64)
            assert relu.score_samples(far)[0] < -1e70
        tanh = AutoencoderTransformer(**TINY, activation="tanh").fit(X)
        for method in ["transform", "predict", "score_samples"]:
            with pytest.raises(ValueError, match="X has values too far outside"):
                getattr(tanh, method)(far)
        with pytest.raises(ValueError, match="codes have values too far outside"):
            tanh.inverse_transform(np.array([[1e39, -1e39]]))


def test_score_samples_of_large_errors_does_not_overflow_in_the_sum(monkeypatch):
    # Eight squared errors of 4.7e153 each fit float64, their sum did not: -inf.
    # The network is replaced by a zero reconstruction: whether a float32
    # network returns finite outputs for such rows depends on the CPU's kernels
    # (the test above), and this tests the sum.
    X = np.random.default_rng(0).normal(size=(40, 8))
    est = AutoencoderTransformer(**TINY).fit(X)
    monkeypatch.setattr(est, "_encode", lambda rows: np.zeros((len(rows), 2)))
    monkeypatch.setattr(
        est, "_decode", lambda codes: np.zeros((len(codes), 8), np.float32)
    )
    scores = est.score_samples(np.full((2, 8), 4.74e153))
    assert np.isfinite(scores).all() and (scores < -1e307).all()


@pytest.mark.parametrize(
    "column, scaling, match",
    [
        ([-1.7e308, 1.7e308, 0.0], "minmax", "range is too large"),
        ([-1e200, 1e200, 0.0], "standard", "standard deviation is too large"),
        ([0.0, 1e-320, 0.0], "minmax", "too small to divide by"),
        ([-1.7e308, 1.7e308, 0.0], "global", "range is too large"),
        ([-1.7e308, 1.7e308, 0.0], "auto", "range is too large"),
        ([0.0, 1e39, 1.0], None, "float32, whose largest value is 3.4e38"),
    ],
)
def test_data_float64_or_float32_cannot_hold_scaled_is_rejected(column, scaling, match):
    # These fitted with overflow warnings, and trained on NaN or infinity.
    X = np.column_stack([column, [1.0, 2.0, 3.0]])
    est = AutoencoderTransformer(**TINY, scaling=scaling)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=match):
            est.fit(X)


def test_large_finite_codes_of_both_signs_raise_no_warning(fitted):
    # scikit-learn's finiteness check summed them to inf - inf and warned of an
    # invalid value, about valid codes.
    Z = np.repeat(np.float32([3e38, -3e38]), 200).reshape(200, 2)
    with _strict():
        _finite_unless_rejected(fitted.inverse_transform, Z, (200, 8))
