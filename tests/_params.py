"""Parameters and a builder shared by the test modules (fixtures live in conftest)."""

# A small dense autoencoder: fits the `digits` fixture in about a second.
SMALL = dict(encoding_dim=4, hidden_layer_sizes=(16,), epochs=5, random_state=0)
# SMALL for tests that need a fitted model, not a well trained one.
SHORT = {**SMALL, "epochs": 3}
# The estimator checks' instances: their data sets have 1 to 10 features.
FAST = dict(encoding_dim=2, hidden_layer_sizes=(8,), epochs=3, random_state=0)


def dense_builder(n_features, encoding_dim, *, seed, output_activation=None):
    """A custom ``builder``: one Dense layer each way, seeded."""
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
            keras.layers.Dense(
                n_features, activation=output_activation, kernel_initializer=init
            ),
        ]
    )
    return encoder, decoder
