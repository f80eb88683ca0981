"""scikit-learn's own estimator checks, on small fast seeded instances."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skae import AutoencoderTransformer, DenoisingAutoencoder

FAST = dict(encoding_dim=2, hidden_layer_sizes=(8,), epochs=3, random_state=0)


@parametrize_with_checks(
    [AutoencoderTransformer(**FAST), DenoisingAutoencoder(**FAST)],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
