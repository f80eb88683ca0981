"""scikit-learn's own estimator checks, on small fast seeded instances.

The two plain estimators run every check. The variants build other networks
through the same estimator code: each runs the checks whose outcome its network
can change. Parameter validation, error messages, tags and the handling of odd
inputs go through code every variant shares, so running them again would only
repeat the plain estimators' runs.
"""

from functools import partial

import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator

from skae import (
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    VariationalAutoencoder,
)

from _params import FAST, dense_builder

# The checks fit 2 or 3 epochs on 20 to 30 rows (2 or 3 of them validate): a
# model to check, not a converged one, and the warnings saying so are expected
# (scikit-learn's checks tolerate them; tests/test_convergence.py tests them).
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# The checks' data sets have 1 to 10 features: image_shape=(1, -1) makes each
# row a one-pixel-high image for the convolutional architectures.
CONV = dict(image_shape=(1, -1), filters=(4,), epochs=2)

# The regularised variant runs what its layers and penalties decide:
# fit_transform against fit then transform (dropout and batch norm act in
# training only), refits to the same model (seeded dropout), pickled layers with
# their state (batch norm's moving statistics), inference on any subset of rows.
# Not the input dtypes: every network is given float32 rows by the shared scaling.
NETWORK = {
    "check_transformer_general",
    "check_fit_idempotent",
    "check_estimators_pickle",
    "check_methods_subset_invariance",
}
# A custom builder's layers also decide the dtype they compute and return in.
DTYPES = {"check_estimators_dtypes", "check_transformer_preserve_dtypes"}
# A callable parameter must come through clone, get/set_params and fit as is,
# and be called for any width (one feature).
CALLABLE = {
    "check_estimator_cloneable",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimators_overwrite_params",
    "check_fit2d_1feature",
}
# The convolutional variants build a network for every width a check fits,
# the slowest to build: they run what reshaping rows to images changes.
# image_shape=(1, -1) is resolved for each width fitted (one feature; another
# width refused at transform) and must keep its -1; the conv layers must be
# seeded (refits) and pickle.
IMAGES = {
    "check_fit2d_1feature",
    "check_n_features_in_after_fitting",
    "check_estimators_overwrite_params",
    "check_fit_idempotent",
    "check_estimators_pickle",
}
# The contractive penalty differentiates through the encoder's Jacobian, the
# slowest checks of all: it runs the checks it can affect, the input dtypes and
# refits, in the slow tier (its tutorial model trains, pickles and clones in
# the default one).
CONTRACTIVE = {
    "check_estimators_dtypes",
    "check_transformer_preserve_dtypes",
    "check_fit_idempotent",
}

# The variational autoencoder runs every check in the slow tier; the default
# tier runs those its own code decides: the posterior mean in transform, the
# importance-weighted score_samples (fixed draws, fixed-size blocks of rows),
# refits, pickling and the input dtypes.
VARIATIONAL = {
    "check_transformer_general",
    "check_fit_idempotent",
    "check_estimators_pickle",
    "check_methods_subset_invariance",
    "check_methods_sample_order_invariance",
    "check_estimators_dtypes",
}

CONFIGURATIONS = {
    "plain": (AutoencoderTransformer(**FAST), None),
    "denoising": (DenoisingAutoencoder(**FAST), None),
    "outliers": (AutoencoderOutlierDetector(**FAST), None),
    "variational": (VariationalAutoencoder(**FAST), None),
    "variational_core": (VariationalAutoencoder(**FAST), VARIATIONAL),
    "regularised": (
        AutoencoderTransformer(
            **FAST, sparsity=1e-3, alpha=1e-4, dropout=0.1, batch_norm=True
        ),
        NETWORK,
    ),
    "builder": (
        AutoencoderTransformer(**FAST, builder=dense_builder),
        NETWORK | DTYPES | CALLABLE,
    ),
    "conv": (
        AutoencoderTransformer(
            **{**FAST, **CONV}, architecture="conv", batch_norm=True
        ),
        IMAGES | {"check_methods_subset_invariance"},  # batch norm at inference
    ),
    "conv_pool": (
        DenoisingAutoencoder(**{**FAST, **CONV}, architecture="conv_pool"),
        IMAGES | {"check_transformer_general"},  # noise in training only
    ),
    "contractive": (
        AutoencoderTransformer(**FAST, contractive=0.1, batch_norm=True),
        CONTRACTIVE,
    ),
}
SLOW = {"contractive", "variational"}


def _name_and_options(check):
    """check_estimators_pickle(readonly_memmap=True) from the nested partials."""
    options = {}
    while isinstance(check, partial):
        options.update(check.keywords)
        check = check.func
    return check.__name__, options


def _checks():
    for label, (estimator, selected) in CONFIGURATIONS.items():
        for instance, check in estimator_checks_generator(estimator):
            name, options = _name_and_options(check)
            # A variant runs a selected check once: the reruns on read-only
            # memory maps test input handling, which the plain runs cover.
            if selected is None or (name in selected and not options):
                shown = ",".join(f"{k}={v}" for k, v in options.items())
                check_id = f"{label}-{name}" + (f"({shown})" if shown else "")
                marks = [pytest.mark.slow] if label in SLOW else []
                yield pytest.param(instance, check, id=check_id, marks=marks)


def test_every_selected_check_exists():
    """A renamed check in a new scikit-learn would otherwise drop out silently."""
    every = {
        _name_and_options(c)[0]
        for _, c in estimator_checks_generator(AutoencoderTransformer(**FAST))
    }
    for _, selected in CONFIGURATIONS.values():
        assert (selected or set()) <= every


@pytest.mark.parametrize("estimator, check", list(_checks()))
def test_sklearn_compatible(estimator, check):
    check(estimator)
