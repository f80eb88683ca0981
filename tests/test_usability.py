"""Progress, callbacks, Keras export and the notebook repr."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

from skae import AutoencoderTransformer, DenoisingAutoencoder

from _params import SHORT


@pytest.fixture(scope="module")
def X(digits):
    return digits[0]


# Three epochs end while the loss still falls, which is reported by a
# ConvergenceWarning (tests/test_convergence.py); these scripts silence that one
# warning to show that nothing else is printed.
QUIET_SHORT_FITS = (
    "import warnings\n"
    "from sklearn.exceptions import ConvergenceWarning\n"
    "warnings.simplefilter('ignore', ConvergenceWarning)\n"
)
FIT_SCRIPT = QUIET_SHORT_FITS + (
    "from sklearn.datasets import load_digits\n"
    "from skae import AutoencoderTransformer\n"
    "X = load_digits().data[:200]\n"
    "AutoencoderTransformer(epochs=3, verbose={verbose}).fit(X).transform(X)\n"
)


def run_fit(verbose):
    done = subprocess.run(
        [sys.executable, "-c", FIT_SCRIPT.format(verbose=verbose)],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("TF_CPP")},
    )
    return done.stdout, done.stderr


def assert_one_line_per_epoch(out, err):
    lines = out.splitlines()
    assert len(lines) == 3, out
    for i, line in enumerate(lines, 1):
        assert line.startswith(f"epoch {i}/3 - loss ")
        assert "val_loss" in line and "elapsed" in line and "ETA" in line
    assert err == ""


@pytest.mark.slow
def test_verbose_0_prints_nothing_at_all():
    # TensorFlow's own start-up lines included: the subprocess loads it afresh
    assert run_fit(0) == ("", "")


@pytest.mark.slow
def test_verbose_1_prints_one_line_per_epoch():
    assert_one_line_per_epoch(*run_fit(1))


def test_verbose_in_this_process(X, capfd):
    """The two tests above without a fresh process (and TensorFlow's start-up):
    their fast stand-in in the default tier."""
    AutoencoderTransformer(**SHORT, verbose=0).fit(X).transform(X)
    assert capfd.readouterr() == ("", "")
    AutoencoderTransformer(**SHORT, verbose=1).fit(X).transform(X)
    assert_one_line_per_epoch(*capfd.readouterr())


def make_counter():
    import keras

    class Counter(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.epochs = 0

        def on_epoch_end(self, epoch, logs=None):
            self.epochs += 1

    return Counter()


def test_user_callbacks_are_called_and_survive_clone(X):
    counter = make_counter()
    ae = AutoencoderTransformer(**SHORT, callbacks=[counter]).fit(X)
    assert counter.epochs == ae.n_iter_ == 3
    cloned = clone(ae)
    assert cloned.get_params()["callbacks"][0] is not counter
    cloned.fit(X)
    assert_array_equal(cloned.transform(X), ae.transform(X))


def test_keras_callbacks_pickle_with_the_estimator(X, tmp_path):
    import keras

    checkpoint = keras.callbacks.ModelCheckpoint(tmp_path / "best.keras")
    ae = AutoencoderTransformer(**SHORT, callbacks=[checkpoint]).fit(X)
    assert (tmp_path / "best.keras").exists()
    loaded = pickle.loads(pickle.dumps(ae))
    assert_array_equal(loaded.transform(X), ae.transform(X))
    # The callback does not hold the model (which would be pickled twice).
    assert checkpoint.model is None
    without = clone(ae).set_params(callbacks=None).fit(X)
    assert len(pickle.dumps(ae)) < 1.1 * len(pickle.dumps(without))


@pytest.mark.parametrize("Estimator", [AutoencoderTransformer, DenoisingAutoencoder])
def test_export_keras_and_load_back(Estimator, X, tmp_path):
    import keras

    ae = Estimator(**SHORT).fit(X)
    encoder_path, decoder_path = ae.export_keras(tmp_path)
    # Keras alone serves the models, in the data's units
    encoder = keras.saving.load_model(encoder_path)
    decoder = keras.saving.load_model(decoder_path)
    Z = ae.transform(X)
    assert_allclose(encoder.predict(X, verbose=0), Z, rtol=1e-4, atol=1e-4)
    assert_allclose(decoder.predict(Z, verbose=0), ae.inverse_transform(Z), atol=1e-3)
    # and back into an estimator, which behaves like the original
    back = Estimator.from_keras(encoder_path, decoder_path)
    assert back.encoding_dim == 4 and back.n_features_in_ == 64
    assert_allclose(back.transform(X), Z, rtol=1e-4, atol=1e-4)
    assert_allclose(back.score(X), ae.score(X), rtol=1e-4)
    assert_array_equal(pickle.loads(pickle.dumps(back)).transform(X), back.transform(X))


def test_export_needs_a_fitted_estimator(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        AutoencoderTransformer().export_keras(tmp_path)


def test_html_repr_shows_the_parameters():
    html = AutoencoderTransformer(encoding_dim=7, sparsity=0.5)._repr_html_()
    assert "AutoencoderTransformer" in html
    assert "encoding_dim" in html and "sparsity" in html


def test_history_and_codes_are_plain_python_and_numpy(X):
    ae = AutoencoderTransformer(**SHORT).fit(X)
    assert all(isinstance(v, float) for v in ae.history_["loss"])
    assert isinstance(ae.transform(X), np.ndarray)


@pytest.mark.slow
def test_many_short_fits_print_nothing():
    # a grid search: one trace per fit is by design, and must not be reported
    # as TensorFlow's "excessive retracing"
    code = QUIET_SHORT_FITS + (
        "from sklearn.datasets import load_digits\n"
        "from skae import AutoencoderTransformer\n"
        "X = load_digits().data[:200]\n"
        "for seed in range(8):\n"
        "    ae = AutoencoderTransformer(2, epochs=1, random_state=seed)\n"
        "    ae.fit(X).transform(X)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert (done.stdout, done.stderr) == ("", "")
