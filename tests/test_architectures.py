"""Every model of the source tutorials, reached through the estimators' parameters."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_sample_images
from sklearn.feature_extraction.image import extract_patches_2d

from skae import AutoencoderTransformer, DenoisingAutoencoder
from skae._scaling import scale_rows

from _params import dense_builder


@pytest.fixture(scope="module")
def colour_patches():
    """16x16 RGB patches of scikit-learn's two sample photographs, as flat rows."""
    images = load_sample_images().images
    patches = [
        extract_patches_2d(im, (16, 16), max_patches=150, random_state=i)
        for i, im in enumerate(images)
    ]
    return np.concatenate(patches).reshape(300, -1) / 255.0


TUTORIAL_MODELS = {
    "shallow": dict(
        hidden_layer_sizes=(),
        code_activation="relu",
        loss="binary_crossentropy",
        optimizer="adadelta",
    ),
    "sparse": dict(hidden_layer_sizes=(), code_activation="relu", sparsity=1e-4),
    "deep": dict(hidden_layer_sizes=(64, 32)),
    "conv": dict(architecture="conv", image_shape=(8, 8), filters=(8, 16)),
    "conv_batch_norm": dict(
        architecture="conv", image_shape=(8, 8), filters=(8, 16), batch_norm=True
    ),
    "conv_pool": dict(architecture="conv_pool", image_shape=(8, 8), filters=(8, 16)),
    "contractive": dict(contractive=0.1),
    "regularised": dict(alpha=1e-4, dropout=0.1, batch_norm=True),
}


@pytest.mark.parametrize("params", TUTORIAL_MODELS.values(), ids=TUTORIAL_MODELS)
def test_tutorial_model_trains_pickles_and_clones(params, pixels):
    ae = AutoencoderTransformer(
        encoding_dim=8, epochs=10, random_state=0, early_stopping=False, **params
    ).fit(pixels)
    assert ae.history_["loss"][-1] < ae.history_["loss"][0]
    Z = ae.transform(pixels)
    assert Z.shape == (len(pixels), 8)
    assert_array_equal(pickle.loads(pickle.dumps(ae)).transform(pixels), Z)
    assert clone(ae).get_params() == ae.get_params()


@pytest.mark.parametrize("noise", ["gaussian", "masking", "salt_pepper"])
@pytest.mark.parametrize("architecture", ["dense", "conv"])
def test_denoising_on_dense_and_conv(noise, architecture, pixels):
    dae = DenoisingAutoencoder(
        encoding_dim=8,
        architecture=architecture,
        image_shape=(8, 8),
        filters=(8,),
        noise=noise,
        noise_factor=0.3,
        epochs=8,
        early_stopping=False,
        random_state=0,
    ).fit(pixels)
    assert dae.history_["loss"][-1] < dae.history_["loss"][0]
    assert_array_equal(
        pickle.loads(pickle.dumps(dae)).predict(pixels), dae.predict(pixels)
    )


def test_conv_pool_on_colour_images(colour_patches):
    ae = AutoencoderTransformer(
        encoding_dim=16,
        architecture="conv_pool",
        image_shape=(16, 16, 3),
        filters=(8, 8),
        epochs=8,
        early_stopping=False,
        random_state=0,
    ).fit(colour_patches)
    assert ae.history_["loss"][-1] < ae.history_["loss"][0]
    assert ae.predict(colour_patches).shape == colour_patches.shape


def test_batch_norm_predicts_well_after_a_short_fit(colour_patches):
    """Inference uses the moving statistics, which must have caught up with the
    data after a few epochs of a small set (Keras's momentum 0.99 had not: test
    error above the mean's)."""
    X_train, X_test = colour_patches[:240], colour_patches[240:]
    ae = AutoencoderTransformer(
        encoding_dim=16,
        architecture="conv",
        image_shape=(16, 16, 3),
        batch_norm=True,
        batch_size=16,
        epochs=5,
        random_state=0,
    ).fit(X_train)
    mean_mse = np.mean((X_test - X_train.mean(axis=0)) ** 2)
    assert -ae.score(X_test) < 0.5 * mean_mse


def test_odd_image_sizes_are_cropped_back(pixels):
    X = pixels[:, :63]  # 7 x 9 "images": halving rounds up, so the decoder crops
    ae = AutoencoderTransformer(
        encoding_dim=4, architecture="conv", image_shape=(7, 9), epochs=2
    ).fit(X)
    assert ae.predict(X).shape == X.shape


def test_image_shape_with_a_wildcard(pixels):
    ae = AutoencoderTransformer(
        encoding_dim=4, architecture="conv", image_shape=(-1, 8), epochs=2
    ).fit(pixels)
    assert ae.predict(pixels).shape == pixels.shape
    with pytest.raises(ValueError, match="cannot reshape rows of 64 features"):
        AutoencoderTransformer(architecture="conv", image_shape=(-1, 7)).fit(pixels)


@pytest.mark.slow
def test_sparsity_lowers_code_activation(pixels):
    def mean_code(sparsity):
        ae = AutoencoderTransformer(
            encoding_dim=32,
            hidden_layer_sizes=(),
            code_activation="relu",
            sparsity=sparsity,
            epochs=30,
            early_stopping=False,
            random_state=0,
        ).fit(pixels)
        return ae.transform(pixels).mean()

    dense, sparse = mean_code(0.0), mean_code(1e-3)
    assert sparse < 0.5 * dense, (sparse, dense)


@pytest.mark.slow
def test_contractive_lowers_the_jacobian_norm(pixels):
    from skae._keras._layers import jacobian_norm

    train, test = pixels[:400], pixels[400:]

    def norm(weight):
        ae = AutoencoderTransformer(
            encoding_dim=8, contractive=weight, epochs=20, random_state=0
        ).fit(train)
        Xs = scale_rows(test, ae.offset_, ae.scale_)
        return float(jacobian_norm(ae.encoder_, Xs))

    plain, contracted = norm(0.0), norm(1.0)
    assert contracted < 0.5 * plain, (contracted, plain)


def small_builder(n_features, encoding_dim, *, seed):
    return dense_builder(
        n_features, encoding_dim, seed=seed, output_activation="sigmoid"
    )


def test_custom_builder(pixels):
    ae = AutoencoderTransformer(
        encoding_dim=6, builder=small_builder, epochs=5, random_state=0
    )
    ae.fit(pixels)
    assert ae.transform(pixels).shape == (len(pixels), 6)
    again = clone(ae).fit(pixels)
    assert_array_equal(again.transform(pixels), ae.transform(pixels))
    assert_array_equal(
        pickle.loads(pickle.dumps(ae)).transform(pixels), ae.transform(pixels)
    )


def test_custom_builder_that_does_not_fit_the_data(pixels):
    def wrong(n_features, encoding_dim, *, seed):
        return small_builder(n_features, encoding_dim + 1, seed=seed)

    with pytest.raises(ValueError, match=r"encoder must map .* \(None, 6\)"):
        AutoencoderTransformer(encoding_dim=6, builder=wrong, epochs=1).fit(pixels)
    with pytest.raises(TypeError, match="tuple \\(encoder, decoder\\)"):
        AutoencoderTransformer(builder=lambda n, k, seed: None, epochs=1).fit(pixels)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"architecture": "conv"}, "needs image_shape"),
        ({"architecture": "conv", "image_shape": (8, 7)}, "holds 56 values"),
        ({"architecture": "conv_pool", "image_shape": (8, 8, 2)}, "holds 128"),
        ({"architecture": "conv", "image_shape": (8, -8)}, "image_shape"),
        ({"architecture": "conv", "image_shape": (8, 8, 1, 1)}, "2 entries"),
        ({"architecture": "rnn"}, "architecture"),
        ({"sparsity": -1.0}, "sparsity"),
        ({"contractive": -0.1}, "contractive"),
        ({"alpha": -1e-3}, "alpha"),
        ({"dropout": 1.0}, "dropout"),
        ({"filters": ()}, "filters"),
    ],
)
def test_invalid_combinations(params, match, pixels):
    with pytest.raises(ValueError, match=match):
        AutoencoderTransformer(epochs=1, **params).fit(pixels)


XLA_CASES = {
    "sparse": (AutoencoderTransformer, TUTORIAL_MODELS["sparse"]),
    "conv_batch_norm": (AutoencoderTransformer, TUTORIAL_MODELS["conv_batch_norm"]),
    "conv_pool": (AutoencoderTransformer, TUTORIAL_MODELS["conv_pool"]),
    "contractive": (AutoencoderTransformer, TUTORIAL_MODELS["contractive"]),
    "regularised": (AutoencoderTransformer, TUTORIAL_MODELS["regularised"]),
    "denoising_salt_pepper": (DenoisingAutoencoder, dict(noise="salt_pepper")),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", XLA_CASES.values(), ids=XLA_CASES)
def test_xla_compiled_training(case, pixels):
    """jit_compile=True is the path Keras takes on a GPU ("auto"); on this CPU it
    checks that every architecture's training epoch compiles with XLA and trains
    about like the uncompiled one."""
    Estimator, params = case
    # 115 training rows (no validation split): three full batches of 32 in the
    # loop and a last one of 19 after it.
    X = pixels[:115]
    kwargs = dict(encoding_dim=8, epochs=4, random_state=0, early_stopping=False)
    xla = Estimator(jit_compile=True, **kwargs, **params).fit(X)
    assert xla.model_.jit_compile is True
    plain = Estimator(jit_compile=False, **kwargs, **params).fit(X)
    assert plain.model_.jit_compile is False
    assert xla.history_["loss"][-1] < xla.history_["loss"][0]
    # Within rounding, and XLA's own random-number algorithm for dropout and
    # noise: about 1 % apart after a few epochs.
    np.testing.assert_allclose(xla.history_["loss"], plain.history_["loss"], rtol=0.03)


@pytest.mark.slow
def test_xla_compiled_training_is_reproducible(pixels):
    X = pixels[:128]
    kwargs = dict(encoding_dim=8, epochs=3, random_state=0, jit_compile=True)
    first = DenoisingAutoencoder(**kwargs).fit(X)
    second = DenoisingAutoencoder(**kwargs).fit(X)
    assert_array_equal(second.transform(X), first.transform(X))


# The dense AutoencoderTransformer case is the default tier's one XLA compilation.
@pytest.mark.parametrize(
    "Estimator",
    [
        AutoencoderTransformer,
        pytest.param(DenoisingAutoencoder, marks=pytest.mark.slow),
    ],
)
def test_default_jit_compile_follows_the_devices_tensorflow_sees(
    Estimator, pixels, monkeypatch
):
    """With the default jit_compile="auto", training compiles with XLA as soon as
    TensorFlow lists an accelerator, with no change by the user, and stays
    uncompiled on a CPU-only machine. The accelerator is faked here (the
    listing only; the XLA program still runs on this machine's CPU)."""
    import tensorflow as tf

    list_devices = tf.config.list_physical_devices
    kwargs = dict(encoding_dim=8, epochs=2, random_state=0, early_stopping=False)
    sees_accelerator = any(d.device_type != "CPU" for d in list_devices())
    here = Estimator(**kwargs).fit(pixels[:115])
    assert here.model_.jit_compile is sees_accelerator

    fake_gpu = tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU")

    def with_a_gpu(device_type=None):
        extra = [fake_gpu] if device_type in (None, "GPU") else []
        return list_devices(device_type) + extra

    monkeypatch.setattr(tf.config, "list_physical_devices", with_a_gpu)
    on_gpu = Estimator(**kwargs).fit(pixels[:115])
    assert on_gpu.model_.jit_compile is True
    assert on_gpu.history_["loss"][-1] < on_gpu.history_["loss"][0]
