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


# The convolutional architectures need image-shaped data, which the checks'
# generic data sets (2 to 10 features) are not; tests/test_architectures.py
# covers them.
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
    ],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
