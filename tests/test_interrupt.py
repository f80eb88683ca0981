"""A fit stopped by an exception, Ctrl-C included, leaves the estimator as it
was before the call: unfitted stays unfitted, fitted keeps its model."""

import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skae import AutoencoderTransformer, DenoisingAutoencoder

from _params import SHORT


def _raiser(hook, error, at_epoch=1):
    """A Keras callback raising ``error`` from ``hook``, as Ctrl-C during a
    user's callback would."""
    import keras

    class Raise(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            if hook == "on_train_begin":
                raise error

        def on_epoch_end(self, epoch, logs=None):
            if hook == "on_epoch_end" and epoch == at_epoch:
                raise error

        def on_train_end(self, logs=None):
            if hook == "on_train_end":
                raise error

    return Raise()


@pytest.fixture(scope="module")
def X(digits):
    return digits[0]


HOOKS = ["on_train_begin", "on_epoch_end", "on_train_end"]
ERRORS = [KeyboardInterrupt, RuntimeError]


@pytest.mark.parametrize("error", ERRORS)
@pytest.mark.parametrize("hook", HOOKS)
def test_an_interrupted_first_fit_leaves_an_unfitted_estimator(X, hook, error):
    ae = AutoencoderTransformer(**SHORT, callbacks=[_raiser(hook, error("stop"))])
    before = dict(vars(ae))
    with pytest.raises(error, match="stop"):
        ae.fit(X)
    assert vars(ae) == before
    assert not [name for name in vars(ae) if name.endswith("_")]
    with pytest.raises(NotFittedError):
        check_is_fitted(ae)
    with pytest.raises(NotFittedError):
        ae.transform(X)


@pytest.mark.parametrize("error", ERRORS)
@pytest.mark.parametrize("Estimator", [AutoencoderTransformer, DenoisingAutoencoder])
def test_an_interrupted_refit_keeps_the_previous_model(X, Estimator, error):
    ae = Estimator(**SHORT).fit(X)
    codes, scores = ae.transform(X), ae.score_samples(X)
    state = dict(vars(ae))
    # Other data, of another width and seed: every fitted attribute would change.
    ae.set_params(callbacks=[_raiser("on_epoch_end", error("stop"))], random_state=1)
    with pytest.raises(error, match="stop"):
        ae.fit(X[:, :32])
    ae.set_params(callbacks=None, random_state=SHORT["random_state"])
    assert vars(ae).keys() == state.keys()
    assert all(vars(ae)[name] is value for name, value in state.items())
    assert ae.n_features_in_ == X.shape[1]
    assert_array_equal(ae.transform(X), codes)
    assert_array_equal(ae.score_samples(X), scores)


def test_a_fit_after_an_interrupted_one_is_a_normal_fit(X):
    raiser = _raiser("on_epoch_end", KeyboardInterrupt())
    ae = AutoencoderTransformer(**SHORT, callbacks=[raiser])
    with pytest.raises(KeyboardInterrupt):
        ae.fit(X)
    assert raiser.model is None  # the callback does not keep the dropped model
    ae.set_params(callbacks=None).fit(X)
    reference = AutoencoderTransformer(**SHORT).fit(X)
    assert_array_equal(ae.transform(X), reference.transform(X))
