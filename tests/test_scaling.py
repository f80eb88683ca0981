"""Scaling: the network sees the data scaled in float64, whatever its units."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine

from skae import AutoencoderTransformer
from skae._scaling import scale_rows, scaling_params

from _params import SHORT


def _datasets():
    rng = np.random.default_rng(0)
    yield "wine", load_wine().data
    yield "breast_cancer", load_breast_cancer().data
    yield "diabetes", load_diabetes().data
    yield "uniform_x3.3", rng.random((500, 20)) * 3.3
    yield "lognormal", rng.lognormal(0, 3, (500, 20)) * 1e5
    yield "offset_1e7", 1e7 + rng.random((500, 20))


@pytest.mark.parametrize("name, X", list(_datasets()), ids=lambda v: v)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_minmax_scaling_lands_exactly_on_the_unit_interval(name, X, dtype):
    """In float32 arithmetic the scaled maximum of wine came out at 1.0000001,
    which switched the "auto" output from sigmoid to linear and made
    loss="binary_crossentropy" refuse the data."""
    X = X.astype(dtype)
    offset, scale, _ = scaling_params(X, "minmax")
    Xs = scale_rows(X, offset, scale)
    assert Xs.dtype == np.float32
    assert Xs.min(axis=0).tolist() == [0.0] * X.shape[1]
    assert Xs.max(axis=0).tolist() == [1.0] * X.shape[1]


def test_binary_crossentropy_and_a_sigmoid_output_on_tabular_data():
    X = load_wine().data
    ae = AutoencoderTransformer(loss="binary_crossentropy", **SHORT).fit(X)
    assert ae.decoder_.layers[-1].activation.__name__ == "sigmoid"
    assert ae.history_["loss"][-1] < ae.history_["loss"][0]


@pytest.fixture(scope="module", params=["minmax", "standard"])
def reference(request, pixels):
    scaling = request.param
    return scaling, AutoencoderTransformer(scaling=scaling, **SHORT).fit(pixels)


@pytest.mark.parametrize(
    "shift, factor",
    [(1e7, 1.0), (0.0, 1e-30), (-5.0, 1e39), (0.0, 1e-40)],
    ids=str,
)
def test_the_units_of_the_data_do_not_change_what_is_learned(
    reference, pixels, shift, factor
):
    """Data moved by a large offset (1e7, where float32 steps are 1.0) or scaled
    far out of float32's range train and encode as the data itself."""
    scaling, plain = reference
    X = pixels * factor + shift
    moved = AutoencoderTransformer(scaling=scaling, **SHORT).fit(X)
    assert_allclose(moved.transform(X), plain.transform(pixels), rtol=1e-4, atol=1e-5)
    assert_allclose(
        (moved.predict(X) - shift) / factor, plain.predict(pixels), atol=1e-4
    )
    big = np.tile(X, (5, 1))  # 2 500 rows: transformed a chunk at a time
    assert_allclose(
        moved.transform(big)[-len(X) :], moved.transform(X), rtol=1e-5, atol=1e-6
    )
    # A change of a quarter of one feature's spread still reaches the codes.
    nudged = X[:1].copy()
    nudged[0, 20] += 0.25 * factor
    assert np.abs(moved.transform(nudged) - moved.transform(X[:1])).max() > 1e-4


def test_a_feature_constant_in_training_is_reconstructed_as_that_constant(
    reference, pixels, tmp_path
):
    import keras

    _, ae = reference
    constant = np.ptp(pixels, axis=0) == 0
    assert constant.any()  # digits have blank border pixels
    X_rec = ae.inverse_transform(ae.transform(pixels))
    assert (X_rec[:, constant] == pixels[0, constant]).all()
    assert not (X_rec[:, ~constant] == pixels[0, ~constant]).all()
    _, decoder_path = ae.export_keras(tmp_path)
    exported = keras.saving.load_model(decoder_path)
    assert_allclose(exported.predict(ae.transform(pixels), verbose=0), X_rec, atol=1e-5)


@pytest.mark.parametrize("factor", [1e-9, 1e25])
def test_export_refuses_scales_keras_normalization_cannot_hold(
    factor, pixels, tmp_path
):
    ae = AutoencoderTransformer(**{**SHORT, "epochs": 1}).fit(pixels * factor)
    with pytest.raises(ValueError, match=r"export_keras .* scale_ spans"):
        ae.export_keras(tmp_path)
    assert not list(tmp_path.iterdir())
