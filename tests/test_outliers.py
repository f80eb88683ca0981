"""AutoencoderOutlierDetector: the outlier-detector API, its threshold, per-feature
errors and determinism (scikit-learn's own checks run in test_common.py)."""

import pickle

import numpy as np
import pytest

from skae import AutoencoderOutlierDetector

from _params import SMALL

TRAINED = dict(hidden_layer_sizes=(64,), contamination=0.1, random_state=0)


@pytest.fixture(scope="module")
def table():
    """300 rows of 8 correlated features in mixed units, the first 6 shifted
    along feature 2 by 5 standard deviations."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2)) @ rng.normal(size=(2, 8))
    X *= np.array([1, 10, 100, 1, 0.1, 1000, 1, 1])
    X[:6, 2] += 5 * X[:, 2].std() * np.array([1, -1, 1, -1, 1, -1])
    return X


@pytest.fixture(scope="module")
def fitted(table):
    """A detector trained well enough to find the planted rows."""
    return AutoencoderOutlierDetector(**TRAINED).fit(table)


def test_fit_returns_self_and_predict_gives_plus_minus_one_ints(table):
    det = AutoencoderOutlierDetector(**SMALL)
    assert det.fit(table) is det
    labels = det.predict(table)
    assert labels.dtype.kind == "i"
    assert set(np.unique(labels)) <= {-1, 1}


def test_predict_on_training_set_flags_contamination(fitted, table):
    n_flagged = np.sum(fitted.predict(table) == -1)
    assert abs(n_flagged - 0.1 * len(table)) <= 1


@pytest.mark.parametrize("contamination", [0.01, 0.05, 0.5])
def test_flagged_fraction_follows_contamination(table, contamination):
    det = AutoencoderOutlierDetector(**{**SMALL, "epochs": 2})
    labels = det.set_params(contamination=contamination).fit_predict(table)
    assert abs(np.sum(labels == -1) - contamination * len(table)) <= 1


def test_decision_function_is_score_samples_minus_offset(fitted, table):
    scores = fitted.score_samples(table)
    decision = fitted.decision_function(table)
    np.testing.assert_array_equal(decision, scores - fitted.offset_)
    labels = fitted.predict(table)
    # The sign changes exactly at offset_: below it outliers, at or above inliers.
    np.testing.assert_array_equal(labels == -1, scores < fitted.offset_)
    np.testing.assert_array_equal(labels == -1, decision < 0)


def test_planted_outliers_score_lowest(fitted, table):
    scores = fitted.score_samples(table)
    assert set(np.argsort(scores)[:6]) == set(range(6))


def test_scores_are_bit_identical_on_repeated_calls(fitted, table):
    first = fitted.score_samples(table)
    np.testing.assert_array_equal(first, fitted.score_samples(table))
    np.testing.assert_array_equal(first, fitted.score_samples(table[::-1])[::-1])


def test_same_seed_same_scores_after_refit_and_pickle(fitted, table):
    again = AutoencoderOutlierDetector(**TRAINED).fit(table)
    np.testing.assert_array_equal(
        again.score_samples(table), fitted.score_samples(table)
    )
    assert again.offset_ == fitted.offset_
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        loaded.score_samples(table), fitted.score_samples(table)
    )
    assert loaded.offset_ == fitted.offset_


def test_auto_contamination_is_hampels_rule(table):
    det = AutoencoderOutlierDetector(**{**TRAINED, "contamination": "auto"})
    errors = -det.fit(table).score_samples(table)
    mad = np.median(np.abs(errors - np.median(errors)))
    assert -det.offset_ == pytest.approx(np.median(errors) + 3 * 1.4826 * mad)
    # The six planted outliers are beyond it, and not most of the rest.
    flagged = np.flatnonzero(det.predict(table) == -1)
    assert set(range(6)) <= set(flagged)
    assert len(flagged) <= 0.25 * len(table)


# Two epochs on two rows may well learn nothing: that is warned about, and
# tested in tests/test_convergence.py.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("n_samples", [2, 3, 31])
def test_fit_works_on_fewer_rows_than_a_batch(table, n_samples):
    det = AutoencoderOutlierDetector(**{**SMALL, "epochs": 2}, batch_size=32)
    labels = det.fit(table[:n_samples]).predict(table[:n_samples])
    assert labels.shape == (n_samples,)


def test_feature_errors_point_at_the_feature(fitted, table):
    errors = fitted.feature_errors(table)
    assert errors.shape == table.shape and errors.dtype == np.float64
    # The planted shift is in feature 2: it has the largest error in those rows.
    assert np.all(errors[:6].argmax(axis=1) == 2)


def _mad(values):
    return np.median(np.abs(values - np.median(values)))


def test_score_is_mean_error_plus_scaled_code_distances(fitted, table):
    """The score is the mean feature error, plus the code's Mahalanobis
    distance and its mean distance to its 5 % nearest training codes after the
    nearest, each scaled to its weight times the errors' spread."""
    from sklearn.covariance import EmpiricalCovariance
    from sklearn.neighbors import NearestNeighbors

    codes = fitted.transform(table).astype(np.float64)
    distances = np.sqrt(EmpiricalCovariance().fit(codes).mahalanobis(codes))
    assert fitted.n_neighbors_ == 15  # 5 % of 300 rows
    nearest, _ = NearestNeighbors().fit(codes).kneighbors(codes, n_neighbors=16)
    neighbors = nearest[:, 1:].mean(axis=1)
    errors = fitted.feature_errors(table).mean(axis=1)
    assert fitted.code_scale_ == pytest.approx(
        fitted.code_weight * _mad(errors) / _mad(distances)
    )
    assert fitted.neighbor_scale_ == pytest.approx(
        fitted.neighbor_weight * _mad(errors) / _mad(neighbors), rel=1e-5
    )
    np.testing.assert_allclose(
        -fitted.score_samples(table),
        errors + fitted.code_scale_ * distances + fitted.neighbor_scale_ * neighbors,
        rtol=1e-5,
        atol=1e-12,
    )


def test_neighbors_are_searched_among_evenly_spaced_rows(table, monkeypatch):
    import skae._outliers

    monkeypatch.setattr(skae._outliers, "NEIGHBOR_ROWS", 100)
    det = AutoencoderOutlierDetector(**TRAINED).fit(table)
    codes = det.transform(table).astype(np.float64)
    np.testing.assert_array_equal(det.neighbors_._fit_X, codes[::3])
    assert det.n_neighbors_ == 10  # 5 % of 100 is below the floor of 10
    n_flagged = np.sum(det.predict(table) == -1)
    assert abs(n_flagged - 0.1 * len(table)) <= 1


# Several fits: the slow tier (the default tier is near its time budget).
@pytest.mark.slow
@pytest.mark.parametrize(
    "weight, scale",
    [("code_weight", "code_scale_"), ("neighbor_weight", "neighbor_scale_")],
)
def test_each_weight_scales_its_term_of_one_network(fitted, table, weight, scale):
    """A weight changes the score, not the training: 0 removes its term, twice
    the weight doubles it, the other term stays."""
    base = -fitted.score_samples(table)
    term = getattr(fitted, scale) / getattr(fitted, weight)
    codes = fitted.transform(table)
    distances = (
        fitted._code_distances(codes)
        if weight == "code_weight"
        else fitted._neighbor_distances(codes)
    )
    assert np.all(distances >= 0) and np.any(distances > 0)
    for factor in (0.0, 2.0):
        params = {**TRAINED, weight: factor * getattr(fitted, weight)}
        det = AutoencoderOutlierDetector(**params).fit(table)
        np.testing.assert_array_equal(
            det.feature_errors(table), fitted.feature_errors(table)
        )
        assert getattr(det, scale) == pytest.approx(factor * getattr(fitted, scale))
        np.testing.assert_allclose(
            -det.score_samples(table),
            base + (factor - 1) * getattr(fitted, weight) * term * distances,
            rtol=1e-6,
            atol=1e-15,
        )
    without = AutoencoderOutlierDetector(**TRAINED, neighbor_weight=0).fit(table)
    assert without.neighbors_ is None and without.n_neighbors_ == 0


# Several fits: the slow tier (the default tier is near its time budget).
@pytest.mark.slow
def test_neighbor_term_finds_rows_between_two_clusters():
    """Rows halfway between two dense clusters lie on the learned plane (well
    reconstructed) and at the codes' mean (Mahalanobis distance ~0): only the
    neighbour term ranks them as outliers."""
    rng = np.random.default_rng(1)
    z = np.r_[
        rng.normal([-3, 0], 0.3, size=(200, 2)),
        rng.normal([3, 0], 0.3, size=(200, 2)),
        rng.normal(0, 0.1, size=(6, 2)),
    ]
    X = z @ rng.normal(size=(2, 8))
    params = dict(contamination=0.05, random_state=0)
    with_term = AutoencoderOutlierDetector(**params).fit(X)
    without = AutoencoderOutlierDetector(**params, neighbor_weight=0).fit(X)
    middle = np.arange(400, 406)
    assert set(np.argsort(with_term.score_samples(X))[:6]) == set(middle)
    assert not set(middle) <= set(np.argsort(without.score_samples(X))[:6])
    assert np.all(with_term.predict(X[middle]) == -1)


def test_feature_errors_are_in_units_of_the_feature_range(fitted, table):
    """With minmax scaling, an error of a feature's whole range counts 1."""
    assert fitted.scaling_ == "minmax"
    span = table.max(axis=0) - table.min(axis=0)
    expected = ((table - fitted.reconstruct(table)) / span) ** 2
    np.testing.assert_allclose(fitted.feature_errors(table), expected, rtol=1e-6)


def test_encoding_dim_auto_is_half_the_features_at_most_16(table):
    params = {**SMALL, "epochs": 1, "encoding_dim": "auto"}
    det = AutoencoderOutlierDetector(**params).fit(table)
    assert det.transform(table[:2]).shape == (2, 4)
    wide = np.tile(table, 5)
    assert AutoencoderOutlierDetector(**params).fit(wide).transform(wide[:2]).shape == (
        2,
        16,
    )


def test_noise_trains_a_denoising_detector(table):
    det = AutoencoderOutlierDetector(**SMALL, noise="masking", noise_factor=0.2)
    plain = AutoencoderOutlierDetector(**SMALL)
    noisy_scores = det.fit(table).score_samples(table)
    assert not np.array_equal(noisy_scores, plain.fit(table).score_samples(table))
    np.testing.assert_array_equal(noisy_scores, det.score_samples(table))


@pytest.mark.parametrize("contamination", [0.0, 0.6, "high"])
def test_bad_contamination_is_refused(table, contamination):
    det = AutoencoderOutlierDetector(**SMALL, contamination=contamination)
    with pytest.raises(ValueError, match="contamination"):
        det.fit(table)


def test_predict_refuses_another_width(fitted, table):
    with pytest.raises(ValueError, match="8 features"):
        fitted.predict(table[:, :5])


def test_anomaly_display_draws_the_detectors_threshold(fitted, table):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skae.plotting import AnomalyDisplay

    disp = AnomalyDisplay.from_estimator(fitted, table)
    assert disp.threshold == -fitted.offset_
    assert disp.threshold_line_.get_xdata()[0] == disp.threshold
    np.testing.assert_array_equal(disp.is_anomaly, fitted.predict(table) == -1)
    other = AnomalyDisplay.from_estimator(fitted, table, contamination=0.5)
    assert other.threshold == pytest.approx(np.median(-fitted.score_samples(table)))
    plt.close("all")


def test_export_keras_reconstructs_in_the_data_units(fitted, table, tmp_path):
    import keras

    encoder_path, decoder_path = fitted.export_keras(tmp_path)
    encoder = keras.saving.load_model(encoder_path)
    decoder = keras.saving.load_model(decoder_path)
    codes = encoder.predict(table, verbose=0)
    np.testing.assert_allclose(codes, fitted.transform(table), rtol=1e-4, atol=1e-4)
    span = table.max(axis=0) - table.min(axis=0)
    np.testing.assert_allclose(
        decoder.predict(codes, verbose=0) / span,
        fitted.reconstruct(table) / span,
        atol=1e-3,
    )


def test_from_keras_is_refused_with_the_way_out(fitted, tmp_path):
    paths = fitted.export_keras(tmp_path)
    with pytest.raises(NotImplementedError, match="Pickle the fitted detector"):
        AutoencoderOutlierDetector.from_keras(*paths)
