"""partial_fit: one pass per call, the optimizer carried over, bad input
refused with the model left as it was."""

import numpy as np
import pytest

from skae import AutoencoderOutlierDetector, AutoencoderTransformer

from _params import SMALL

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _weights(est):
    return [w.copy() for w in est.model_.get_weights()]


def _optimizer_state(est):
    return [v.numpy().copy() for v in est.model_.optimizer.variables]


def test_four_chunks_reach_the_loss_of_fit(pixels):
    """The issue's bar: 4 chunks per pass reach fit's loss for as many passes."""
    X = pixels[:400]
    passes = 8
    params = {**SMALL, "epochs": passes, "early_stopping": False}
    fitted = AutoencoderTransformer(**params).fit(X)
    partial = AutoencoderTransformer(**params)
    for _ in range(passes):
        for chunk in np.array_split(X, 4):
            partial.partial_fit(chunk)
    assert partial.n_iter_ == 4 * passes
    assert partial.n_samples_seen_ == passes * len(X)
    fit_error, partial_error = -fitted.score(X), -partial.score(X)
    assert partial_error <= 1.1 * fit_error, (partial_error, fit_error)


def test_first_call_fixes_the_scaling_and_later_calls_keep_it(digits):
    X = digits[0]
    est = AutoencoderTransformer(**SMALL).partial_fit(X[:100])
    offset, scale = est.offset_.copy(), est.scale_.copy()
    est.partial_fit(X[100:200] * 2)
    np.testing.assert_array_equal(est.offset_, offset)
    np.testing.assert_array_equal(est.scale_, scale)
    assert est.n_iter_ == 2 and len(est.history_["loss"]) == 2
    assert est.n_samples_seen_ == 200


def test_optimizer_state_carries_over(pixels):
    est = AutoencoderTransformer(**SMALL).partial_fit(pixels[:100])
    iterations = int(est.model_.optimizer.iterations.numpy())
    est.partial_fit(pixels[100:200])
    # 100 rows in batches of 32: 4 steps a pass, counted on from the first.
    assert int(est.model_.optimizer.iterations.numpy()) == iterations + 4


def test_fit_starts_afresh_after_partial_fit(pixels):
    est = AutoencoderTransformer(**SMALL)
    for chunk in np.array_split(pixels, 4):
        est.partial_fit(chunk)
    est.fit(pixels)
    fresh = AutoencoderTransformer(**SMALL).fit(pixels)
    assert est.n_iter_ == fresh.n_iter_ and est.n_samples_seen_ == len(pixels)
    np.testing.assert_array_equal(est.transform(pixels), fresh.transform(pixels))


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda X: X[:, :-1], "X has 63 features, but AutoencoderTransformer is"),
        (lambda X: X[:0], "0 sample"),
        (lambda X: np.where(np.eye(*X.shape, dtype=bool), np.nan, X), "NaN"),
    ],
    ids=["width", "empty", "nan"],
)
def test_bad_input_leaves_the_model_as_it_was(pixels, bad, message):
    est = AutoencoderTransformer(**SMALL).partial_fit(pixels[:100])
    est.partial_fit(pixels[100:200])
    weights, state = _weights(est), _optimizer_state(est)
    before = {k: v for k, v in vars(est).items() if k != "model_"}
    codes = est.transform(pixels[:10])
    with pytest.raises(ValueError, match=message):
        est.partial_fit(bad(pixels[200:300]))
    for a, b in zip(_weights(est), weights, strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(_optimizer_state(est), state, strict=True):
        np.testing.assert_array_equal(a, b)
    assert est.n_iter_ == before["n_iter_"]
    assert est.n_samples_seen_ == before["n_samples_seen_"]
    assert est.history_ == before["history_"]
    np.testing.assert_array_equal(est.transform(pixels[:10]), codes)


def test_a_diverging_pass_is_rolled_back(pixels):
    """An error raised during training (not only in validation) puts back the
    weights and the optimizer's state."""
    est = AutoencoderTransformer(**SMALL).partial_fit(pixels[:100])
    weights, state = _weights(est), _optimizer_state(est)
    with pytest.raises(ValueError, match="diverged"):
        est.partial_fit(pixels[100:200] * 1e30)
    for a, b in zip(_weights(est), weights, strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(_optimizer_state(est), state, strict=True):
        np.testing.assert_array_equal(a, b)
    assert est.n_iter_ == 1


def test_detector_threshold_follows_the_last_pass(digits):
    X = digits[0].astype(float)
    det = AutoencoderOutlierDetector(**SMALL, contamination=0.1)
    det.partial_fit(X[:200])
    first = det.offset_
    det.partial_fit(X[200:])
    assert det.offset_ != first
    # the threshold of the current network on the last call's rows
    assert np.mean(det.predict(X[200:]) == -1) == pytest.approx(0.1, abs=0.01)
