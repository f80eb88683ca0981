"""scikit-learn's own estimator checks, on small fast seeded instances."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skae import AutoencoderTransformer, DenoisingAutoencoder

FAST = dict(encoding_dim=2, hidden_layer_sizes=(8,), epochs=3, random_state=0)


def tiny_builder(n_features, encoding_dim, *, seed):
    import keras

    init = keras.initializers.GlorotUniform(seed=seed)
    encoder = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(encoding_dim, kernel_initializer=init),
        ]
    )
    decoder = keras.Sequential(
        [
            keras.Input((encoding_dim,)),
            keras.layers.Dense(n_features, kernel_initializer=init),
        ]
    )
    return encoder, decoder


# The checks' data sets have 1 to 10 features: image_shape=(1, -1) makes each
# row a one-pixel-high image for the convolutional architectures.
CONV = dict(image_shape=(1, -1), filters=(4,), epochs=2)


@parametrize_with_checks(
    [
        AutoencoderTransformer(**FAST),
        DenoisingAutoencoder(**FAST),
        AutoencoderTransformer(
            **FAST,
            sparsity=1e-3,
            contractive=0.1,
            alpha=1e-4,
            dropout=0.1,
            batch_norm=True,
        ),
        AutoencoderTransformer(**FAST, builder=tiny_builder),
        AutoencoderTransformer(
            **{**FAST, **CONV}, architecture="conv", batch_norm=True
        ),
        DenoisingAutoencoder(**{**FAST, **CONV}, architecture="conv_pool"),
    ],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
