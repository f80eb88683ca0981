"""Scaling: the network sees the data scaled in float64, whatever its units."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine

from skae import AutoencoderTransformer, DenoisingAutoencoder
from skae._scaling import resolve_scaling, scale_rows, scaling_params

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


@pytest.fixture(scope="module", params=["minmax", "standard", "global"])
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


def _dark_border(images, pad, seed=0):
    """Square images padded by a border that is 0 but for rare faint specks
    (as MNIST's): near-constant pixels."""
    n, side = len(images), int(np.sqrt(images.shape[1]))
    out = np.zeros((n, side + 2 * pad, side + 2 * pad))
    out[:, pad:-pad, pad:-pad] = images.reshape(n, side, side)
    rng = np.random.default_rng(seed)
    border = np.ones(out.shape[1:], bool)
    border[pad:-pad, pad:-pad] = False
    specks = (rng.random(out.shape) < 0.003) & border
    out[specks] = rng.uniform(0, 0.03 * images.max(), specks.sum())
    return out.reshape(n, -1)


def _image_sets(digits_all):
    rng = np.random.default_rng(0)
    X = digits_all[0]
    yield "digits 0..16", X
    yield "digits in [0, 1], dark border", _dark_border(X / 16, 3)
    yield "digits x 255 / 16, dark border", _dark_border(X * 255 / 16, 6)
    yield "standardised pixels", (X - X.mean()) / X.std()
    yield "binary images", (rng.random((300, 100)) < 0.4).astype(float)


def _tables():
    rng = np.random.default_rng(0)
    yield "wine", load_wine().data
    yield "breast_cancer", load_breast_cancer().data
    yield "diabetes", load_diabetes().data
    yield (
        "log-uniform scales",
        rng.normal(size=(300, 10)) * 10 ** rng.uniform(-2, 3, 10),
    )
    yield "half in [0, 1], half x 1000", rng.random((300, 10)) * np.repeat([1, 1000], 5)
    counts = rng.poisson(rng.uniform(0.5, 20, 30), size=(300, 30)).astype(float)
    yield "Poisson counts", counts
    yield "standardised columns", rng.normal(size=(300, 8))


def test_auto_scaling_is_global_for_images(digits_all):
    for name, X in _image_sets(digits_all):
        assert resolve_scaling(X, "auto") == "global", name


def test_auto_scaling_is_per_feature_for_tables_of_mixed_units():
    for name, X in _tables():
        assert resolve_scaling(X, "auto") == "minmax", name


@pytest.mark.parametrize("scaling", ["global", "minmax", "standard", None])
def test_an_explicit_scaling_is_used_as_given(scaling, pixels):
    assert resolve_scaling(pixels, scaling) == scaling
    est = AutoencoderTransformer(scaling=scaling, **SHORT).fit(pixels)
    assert est.scaling_ == scaling


def test_global_scaling_maps_all_of_x_onto_the_unit_interval(pixels):
    X = pixels * 255 + 3
    offset, scale, constant = scaling_params(X, "global")
    Xs = scale_rows(X, offset, scale)
    assert (Xs.min(), Xs.max()) == (0.0, 1.0)
    varying = ~constant
    assert (offset[varying] == X.min()).all()
    assert (scale == X.max() - X.min()).all()
    # A constant feature keeps its own offset: scaled to 0, rebuilt exactly.
    assert (Xs[:, constant] == 0).all()
    assert constant.any() and varying.any()


def test_auto_scaling_is_what_fit_records(pixels):
    assert AutoencoderTransformer(**SHORT).fit(pixels).scaling_ == "global"
    wine = load_wine().data
    assert AutoencoderTransformer(**SHORT).fit(wine).scaling_ == "minmax"
    # Rows too few to tell (all features constant) get one global range.
    assert AutoencoderTransformer(**SHORT).fit(np.ones((3, 4))).scaling_ == "global"


def test_training_noise_reaches_pixels_dark_in_every_training_image(pixels):
    """The noise is clipped to the range of all the scaled data, not each
    pixel's: a dark border pixel used to get no noise at all (its own range
    is 0), so noise there at inference was never seen in training."""
    dae = DenoisingAutoencoder(**SHORT).fit(pixels)
    corruption = dae.model_.get_layer("corruption")
    constant = np.ptp(pixels, axis=0) == 0
    rows = scale_rows(pixels, dae.offset_, dae.scale_)
    noisy = np.asarray(corruption(rows, training=True))
    assert (noisy[:, constant] > 0).mean() > 0.3
    assert noisy.min() >= 0 and noisy.max() <= 1


def test_denoising_defaults_beat_pca_on_images_with_a_dark_border(digits_all):
    """With per-feature min-max scaling (the default before 0.2) the border's
    tiny ranges blew test noise up: MSE 0.068 against PCA's 0.009 here."""
    from sklearn.decomposition import PCA
    from sklearn.model_selection import train_test_split

    X = _dark_border(digits_all[0] / 16, 3)
    X_train, X_test = train_test_split(X, test_size=0.3, random_state=0)
    rng = np.random.default_rng(1)
    noisy = np.clip(X_test + rng.normal(scale=0.3, size=X_test.shape), 0, 1)
    dae = DenoisingAutoencoder(16, noise_factor=0.3, random_state=0).fit(X_train)
    pca = PCA(16).fit(X_train)
    dae_error = np.mean((dae.predict(noisy) - X_test) ** 2)
    pca_error = np.mean((pca.inverse_transform(pca.transform(noisy)) - X_test) ** 2)
    # measured: 0.0069 against 0.0090
    assert dae_error < 0.9 * pca_error


def test_values_outside_the_training_range_stay_visible_to_scores(digits_all):
    """Global scaling does not clip: a bright pixel where every training image
    is dark lowers the row's score (an anomaly stays an anomaly)."""
    X = _dark_border(digits_all[0][:500] / 16, 3)
    est = AutoencoderTransformer(**SHORT).fit(X)
    corner = np.ptp(X, axis=0) == 0
    bright = X[:20].copy()
    bright[:, np.flatnonzero(corner)[0]] = 1.0
    assert (est.score_samples(bright) < est.score_samples(X[:20]) - 0.5 / 196).all()
