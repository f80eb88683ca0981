"""Pickles that say which skae wrote them, files that keep loading across
versions, and exports that a failure cannot leave half-written."""

import importlib.metadata
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits

import skae
from skae import AutoencoderTransformer, DenoisingAutoencoder, _version
from skae.exceptions import InconsistentVersionWarning

TINY = dict(encoding_dim=2, hidden_layer_sizes=(4,), epochs=1, random_state=0)
DATA = Path(__file__).parent / "data"
FIXTURES = sorted(DATA.glob("skae-*"))


@pytest.fixture(scope="module")
def X():
    return load_digits().data[:60]


@pytest.fixture(scope="module")
def fitted(X):
    return AutoencoderTransformer(**TINY).fit(X)


# ------------------------------------------------------------------ versions


def test_pickles_carry_the_skae_version_and_load_quietly(fitted, X):
    blob = pickle.dumps(fitted)
    assert fitted.__getstate__()["_skae_version"] == skae.__version__
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        loaded = pickle.loads(blob)
    assert "_skae_version" not in vars(loaded)
    assert_array_equal(loaded.transform(X), fitted.transform(X))


@pytest.mark.parametrize("Estimator", [AutoencoderTransformer, DenoisingAutoencoder])
@pytest.mark.parametrize("is_fitted", [True, False], ids=["fitted", "unfitted"])
def test_a_pickle_from_another_version_warns_naming_both(
    Estimator, is_fitted, X, monkeypatch
):
    est = Estimator(**TINY)
    if is_fitted:
        est.fit(X)
    with monkeypatch.context() as patched:
        patched.setattr(_version, "__version__", "0.0.1")
        blob = pickle.dumps(est)
    with pytest.warns(InconsistentVersionWarning) as record:
        loaded = pickle.loads(blob)
    (warning,) = record
    message = str(warning.message)
    assert Estimator.__name__ in message
    assert f"skae version 0.0.1 when using version {skae.__version__}" in message
    assert warning.message.original_skae_version == "0.0.1"
    assert warning.message.current_skae_version == skae.__version__
    if is_fitted:
        assert_array_equal(loaded.transform(X), est.transform(X))


def test_a_pickle_without_a_version_warns_unknown(fitted):
    state = fitted.__getstate__()
    del state["_skae_version"]
    est = AutoencoderTransformer.__new__(AutoencoderTransformer)
    with pytest.warns(InconsistentVersionWarning, match="skae version unknown"):
        est.__setstate__(state)


def test_the_package_and_pyproject_agree_on_the_version():
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert f'\nversion = "{skae.__version__}"\n' in pyproject


# ------------------------------------------------ files of earlier versions


def _fixture_data():
    # tests/data/make_fixtures.py fits and checks on these rows.
    return load_digits().data[:60]


# Equal to float32 rounding, not bit for bit: the fixtures' outputs were
# written on one CPU, and float32 kernels round differently on others (an AMD
# EPYC without AVX-512 differed by up to 3e-7, 2e-5 relative).
FLOAT32_ROUNDING = {"rtol": 1e-4, "atol": 1e-6}


def _assert_same_outputs(est, folder, name):
    Z = est.transform(_fixture_data())
    assert_allclose(Z, np.load(folder / f"{name}_transform.npy"), **FLOAT32_ROUNDING)
    assert_allclose(
        est.inverse_transform(Z),
        np.load(folder / f"{name}_inverse.npy"),
        **FLOAT32_ROUNDING,
    )


# The fixtures were written with NumPy 2 and Keras 3.15.1 (tests/data/README.md):
# older releases of either cannot read what newer ones write (NumPy < 1.26 cannot
# unpickle NumPy 2 arrays; Keras 3.8 rejects config keys that later layers
# save), so .ci/oldest skips these two tests; the default environment runs them.
_NEWER_WRITER = pytest.mark.skipif(
    np.lib.NumpyVersion(np.__version__) < "1.26.0"
    or tuple(map(int, importlib.metadata.version("keras").split(".")[:2])) < (3, 15),
    reason="the fixtures were written by NumPy 2 and Keras 3.15, newer than these",
)


@_NEWER_WRITER
@pytest.mark.parametrize("folder", FIXTURES, ids=lambda p: p.name)
@pytest.mark.parametrize("name", ["transformer", "denoising"])
def test_pickles_of_earlier_versions_load_and_transform_identically(folder, name):
    version = folder.name.removeprefix("skae-")
    blob = (folder / f"{name}.pkl").read_bytes()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est = pickle.loads(blob)
    ours = [w for w in record if issubclass(w.category, InconsistentVersionWarning)]
    if version == skae.__version__:
        assert ours == []
    else:
        assert len(ours) == 1 and version in str(ours[0].message)
    _assert_same_outputs(est, folder, name)
    # scaling_ came with scaling="auto": a pickle from before gets its scaling.
    assert est.scaling_ in ("global", "minmax", "standard", None)


@_NEWER_WRITER
@pytest.mark.parametrize("folder", FIXTURES, ids=lambda p: p.name)
def test_exports_of_earlier_versions_load_and_transform_identically(folder):
    est = AutoencoderTransformer.from_keras(
        folder / "encoder.keras", folder / "decoder.keras"
    )
    _assert_same_outputs(est, folder, "exported")


def test_the_first_release_fixtures_are_there():
    assert DATA / "skae-0.1.0" in FIXTURES


# ------------------------------------------------------------ atomic export


@pytest.fixture
def failing_second_save(monkeypatch):
    """Make the second Keras save of the test write half a file, then fail, as
    a full disk or a killed process would."""
    import keras

    real, calls = keras.Model.save, []

    def save(model, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            Path(path).write_bytes(b"PK\x03\x04 half a zip")
            raise OSError(28, "No space left on device")
        return real(model, path, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "save", save)
    return calls


def _contents(folder):
    return {p.name: p.read_bytes() for p in Path(folder).iterdir()}


def test_a_failed_export_leaves_the_previous_files_intact(fitted, tmp_path, request):
    fitted.export_keras(tmp_path)
    before = _contents(tmp_path)
    refitted = AutoencoderTransformer(**{**TINY, "random_state": 1}).fit(
        load_digits().data[:60]
    )
    request.getfixturevalue("failing_second_save")
    with pytest.raises(OSError, match="No space left"):
        refitted.export_keras(tmp_path)
    assert _contents(tmp_path) == before  # same names, same bytes: no leftovers
    est = AutoencoderTransformer.from_keras(
        tmp_path / "encoder.keras", tmp_path / "decoder.keras"
    )
    X = _fixture_data()
    assert_allclose(est.transform(X), fitted.transform(X), rtol=1e-5, atol=1e-6)


def test_a_failed_first_export_leaves_nothing(fitted, tmp_path, failing_second_save):
    with pytest.raises(OSError, match="No space left"):
        fitted.export_keras(tmp_path / "model")
    assert list((tmp_path / "model").iterdir()) == []
    assert len(failing_second_save) == 2


def test_an_export_replaces_the_previous_files(fitted, tmp_path, X):
    other = AutoencoderTransformer(**{**TINY, "random_state": 1}).fit(X)
    other.export_keras(tmp_path)
    paths = fitted.export_keras(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    est = AutoencoderTransformer.from_keras(*paths)
    assert_allclose(est.transform(X), fitted.transform(X), rtol=1e-5, atol=1e-6)
