"""scikit-learn's own estimator checks, on small fast seeded instances."""

import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_estimators_dtypes,
    check_fit_idempotent,
    check_transformer_preserve_dtypes,
    parametrize_with_checks,
)

from skae import AutoencoderTransformer, DenoisingAutoencoder

from _params import FAST, dense_builder

# The checks' data sets have 1 to 10 features: image_shape=(1, -1) makes each
# row a one-pixel-high image for the convolutional architectures.
CONV = dict(image_shape=(1, -1), filters=(4,), epochs=2)


@parametrize_with_checks(
    [
        AutoencoderTransformer(**FAST),
        DenoisingAutoencoder(**FAST),
        AutoencoderTransformer(
            **FAST, sparsity=1e-3, alpha=1e-4, dropout=0.1, batch_norm=True
        ),
        AutoencoderTransformer(**FAST, builder=dense_builder),
        AutoencoderTransformer(
            **{**FAST, **CONV}, architecture="conv", batch_norm=True
        ),
        DenoisingAutoencoder(**{**FAST, **CONV}, architecture="conv_pool"),
    ],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# The contractive penalty differentiates through the encoder's Jacobian, which
# made its run of every check above the slowest part of the suite (5-8 s a
# check); the checks it can affect (input dtypes, refits) run on their own.
CONTRACTIVE = AutoencoderTransformer(**FAST, contractive=0.1, batch_norm=True)


@pytest.mark.parametrize(
    "check",
    [check_estimators_dtypes, check_transformer_preserve_dtypes, check_fit_idempotent],
)
def test_contractive_penalty_with_sklearn_checks(check):
    check("AutoencoderTransformer", clone(CONTRACTIVE))
