"""Behaviour users rely on: API, reproducibility, persistence, errors, quality."""

import copy
import pickle
import random
import subprocess
import sys

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_wine
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

from skae import AutoencoderTransformer, DenoisingAutoencoder
from skae._scaling import scale_rows

from _params import SMALL

ESTIMATORS = [AutoencoderTransformer, DenoisingAutoencoder]


@pytest.fixture(scope="module", params=ESTIMATORS, ids=lambda c: c.__name__)
def fitted(request, digits):
    return request.param(**SMALL).fit(digits[0])


# ----------------------------------------------------------------- the API


def test_shapes_and_attributes(fitted, digits):
    X = digits[0]
    Z = fitted.transform(X)
    assert Z.shape == (len(X), 4)
    assert fitted.inverse_transform(Z).shape == X.shape
    assert fitted.predict(X).shape == X.shape
    assert fitted.n_features_in_ == 64
    assert fitted.n_iter_ == len(fitted.history_["loss"]) <= 5
    assert set(fitted.history_) == {"loss", "val_loss"}
    assert fitted.encoder_.output_shape == (None, 4)
    assert fitted.decoder_.output_shape == (None, 64)
    assert list(fitted.get_feature_names_out()) == [
        f"{type(fitted).__name__.lower()}{i}" for i in range(4)
    ]


def test_reconstructions_are_in_the_units_of_the_input(fitted, digits):
    X = digits[0]
    X_rec = fitted.predict(X)
    # digits are 0..16; a reconstruction in scaled units would sit in [0, 1]
    assert X_rec.max() > 4
    assert_allclose(fitted.score(X), -np.mean((X - X_rec) ** 2), rtol=1e-6)
    assert_allclose(fitted.score_samples(X), -np.mean((X - X_rec) ** 2, axis=1))


def test_training_reduces_the_loss(digits):
    ae = AutoencoderTransformer(**{**SMALL, "epochs": 20}).fit(digits[0])
    assert ae.history_["loss"][-1] < 0.7 * ae.history_["loss"][0]


def test_dtype_follows_the_input(fitted, digits):
    X = digits[0]
    assert fitted.transform(X.astype(np.float32)).dtype == np.float32
    assert fitted.transform(X).dtype == np.float64
    assert fitted.transform(X.astype(int)).dtype == np.float64


def test_without_early_stopping_no_rows_are_held_out(digits):
    ae = AutoencoderTransformer(**SMALL, early_stopping=False).fit(digits[0])
    assert set(ae.history_) == {"loss"}


def test_early_stopping_stops_and_keeps_the_best_epoch(digits):
    ae = AutoencoderTransformer(**{**SMALL, "epochs": 500}, n_iter_no_change=2, tol=1.0)
    with pytest.warns(ConvergenceWarning, match="never improved by tol=1.0"):
        ae.fit(digits[0])
    # with tol=1 no epoch improves, so training stops after patience + 1 epochs
    assert ae.n_iter_ == 3


# ----------------------------------------------------- pipelines and search


def test_the_lowest_loss_epoch_is_kept_whatever_tol(digits):
    """tol decides when to stop, not which weights are kept: Keras's own rule
    kept the last epoch that improved by more than tol (here the first)."""
    X = digits[0][:300] / 16
    kwargs = dict(encoding_dim=8, epochs=5, early_stopping=False, random_state=0)
    with pytest.warns(ConvergenceWarning, match="never improved by tol=0.5"):
        loose = AutoencoderTransformer(tol=0.5, **kwargs).fit(X)
    strict = AutoencoderTransformer(tol=0.0, **kwargs).fit(X)
    assert np.argmin(loose.history_["loss"]) == 4  # still falling at epoch 5
    assert_array_equal(loose.transform(X), strict.transform(X))


@pytest.mark.slow  # n_jobs=2: worker processes that load TensorFlow
def test_pipeline_grid_search_with_a_classifier(digits):
    X, y = digits
    pipe = Pipeline(
        [
            ("ae", AutoencoderTransformer(**SMALL)),
            ("clf", LogisticRegression(max_iter=1000)),
        ]
    )
    search = GridSearchCV(pipe, {"ae__encoding_dim": [2, 8]}, cv=2, n_jobs=2)
    search.fit(X, y)
    assert search.best_params_["ae__encoding_dim"] in (2, 8)
    assert search.score(X, y) > 0.5
    assert search.best_estimator_.named_steps["ae"].encoding_dim in (2, 8)


@pytest.mark.slow  # 10 fits of 15 epochs on all of digits
def test_unsupervised_grid_search_picks_the_best_code_size(digits_all):
    X, _ = digits_all
    search = GridSearchCV(
        AutoencoderTransformer(hidden_layer_sizes=(32,), epochs=15, random_state=0),
        {"encoding_dim": [1, 4, 16]},
        cv=3,
    )
    search.fit(X)
    scores = search.cv_results_["mean_test_score"]
    # reconstruction improves with the code size, and the search sees it
    assert scores[0] < scores[1] < scores[2]
    assert search.best_params_ == {"encoding_dim": 16}


# --------------------------------------------------------- reproducibility


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_same_seed_same_result(Estimator, digits):
    X = digits[0]
    a = Estimator(**SMALL).fit(X).transform(X)
    b = Estimator(**SMALL).fit(X).transform(X)
    assert_array_equal(a, b)
    c = Estimator(**{**SMALL, "random_state": 1}).fit(X).transform(X)
    assert not np.allclose(a, c)


@pytest.mark.slow
def test_same_seed_same_result_across_processes(digits):
    code = (
        "import numpy as np, sys\n"
        "from sklearn.datasets import load_digits\n"
        "from skae import DenoisingAutoencoder\n"
        "X = load_digits().data[:400]\n"
        f"Z = DenoisingAutoencoder(**{SMALL!r}).fit(X).transform(X)\n"
        "np.save(sys.argv[1], Z)\n"
    )

    def run(path):
        subprocess.run([sys.executable, "-c", code, str(path)], check=True)
        return np.load(path)

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        first = run(Path(d) / "a.npy")
        second = run(Path(d) / "b.npy")
    assert_array_equal(first, second)
    local = DenoisingAutoencoder(**SMALL).fit(digits[0]).transform(digits[0])
    assert_array_equal(first, local)


def test_fit_leaves_global_random_state_alone(digits):
    import tensorflow as tf

    tf.random.set_seed(7)
    np.random.seed(7)  # noqa: NPY002 - the global state is under test
    random.seed(7)
    expected = (
        tf.random.uniform([4]).numpy(),
        np.random.rand(4),  # noqa: NPY002
        [random.random() for _ in range(4)],
    )
    tf.random.set_seed(7)
    np.random.seed(7)  # noqa: NPY002 - the global state is under test
    random.seed(7)
    DenoisingAutoencoder(**SMALL).fit(digits[0])
    DenoisingAutoencoder(**{**SMALL, "random_state": None}).fit(digits[0])
    after = (
        tf.random.uniform([4]).numpy(),
        np.random.rand(4),  # noqa: NPY002
        [random.random() for _ in range(4)],
    )
    for e, a in zip(expected, after, strict=True):
        assert_array_equal(e, a)
    from tensorflow.python.framework.config import is_op_determinism_enabled

    assert not is_op_determinism_enabled()


def test_no_seed_gives_different_models(digits):
    X = digits[0]
    kw = {**SMALL, "random_state": None}
    a = AutoencoderTransformer(**kw).fit(X).transform(X)
    b = AutoencoderTransformer(**kw).fit(X).transform(X)
    assert not np.allclose(a, b)


# ------------------------------------------------------------- persistence


def _same_outputs(a, b, X):
    assert_array_equal(a.transform(X), b.transform(X))
    Z = a.transform(X)
    assert_array_equal(a.inverse_transform(Z), b.inverse_transform(Z))


def test_pickle_round_trip(fitted, digits):
    X = digits[0]
    loaded = pickle.loads(pickle.dumps(fitted))
    _same_outputs(fitted, loaded, X)
    assert loaded.history_ == fitted.history_
    assert loaded.get_params() == fitted.get_params()


def test_joblib_round_trip(fitted, digits, tmp_path):
    joblib.dump(fitted, tmp_path / "ae.joblib")
    _same_outputs(fitted, joblib.load(tmp_path / "ae.joblib"), digits[0])


def test_unpickled_encoder_and_decoder_share_the_models_weights(fitted, digits):
    X = digits[0]
    original = fitted.transform(X)
    loaded = pickle.loads(pickle.dumps(fitted))
    before = loaded.transform(X)
    before_rec = loaded.inverse_transform(before)
    Xs = scale_rows(X, loaded.offset_, loaded.scale_)
    loaded.model_.fit(Xs, Xs, epochs=2, verbose=0)
    assert not np.allclose(before, loaded.transform(X))
    assert not np.allclose(before_rec, loaded.inverse_transform(before))
    # the original is untouched by training the copy
    assert_array_equal(fitted.transform(X), original)


def test_deepcopy_and_clone(fitted, digits):
    X = digits[0]
    _same_outputs(fitted, copy.deepcopy(fitted), X)
    fresh = clone(fitted)
    assert fresh.get_params() == fitted.get_params()
    assert not hasattr(fresh, "encoder_")


def test_import_does_not_load_tensorflow():
    code = (
        "import sys, skae\n"
        "heavy = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
def test_unpickle_in_a_fresh_process(fitted, digits, tmp_path):
    path = tmp_path / "ae.pkl"
    path.write_bytes(pickle.dumps(fitted))
    np.save(tmp_path / "X.npy", digits[0])
    code = (
        "import pickle, sys, numpy as np\n"
        "ae = pickle.loads(open(sys.argv[1], 'rb').read())\n"
        "np.save(sys.argv[2], ae.transform(np.load(sys.argv[3])))\n"
    )
    out = tmp_path / "Z.npy"
    subprocess.run(
        [sys.executable, "-c", code, str(path), str(out), str(tmp_path / "X.npy")],
        check=True,
    )
    assert_array_equal(np.load(out), fitted.transform(digits[0]))


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([[1.0, np.nan], [0.0, 1.0]]), "NaN"),
        (np.array([[1.0, np.inf], [0.0, 1.0]]), "infinity"),
        (np.array([["a", "b"], ["c", "d"]]), "could not convert"),
        (np.empty((0, 3)), "0 sample"),
        (np.ones((1, 3)), "1 sample"),
        (np.ones(5), "Expected 2D array"),
        (np.ones((2, 3, 4)), "dim 3"),
    ],
    ids=["nan", "inf", "strings", "empty", "one-sample", "1d", "3d"],
)
def test_bad_training_data(X, match):
    ae = AutoencoderTransformer(**SMALL)
    with pytest.raises(ValueError, match=match):
        ae.fit(X)
    assert not hasattr(ae, "encoder_")
    assert not hasattr(ae, "n_features_in_")


def test_sparse_input_is_rejected_clearly(digits):
    from scipy import sparse

    with pytest.raises(TypeError, match="dense data is required"):
        AutoencoderTransformer(**SMALL).fit(sparse.csr_matrix(digits[0]))


def test_wrong_width(fitted, digits):
    X = digits[0]
    with pytest.raises(ValueError, match="X has 10 features, but .* expecting 64"):
        fitted.transform(X[:, :10])
    with pytest.raises(ValueError, match="X has 3 features, .* encoding_dim=4"):
        fitted.inverse_transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="Expected 2D array"):
        fitted.inverse_transform(np.zeros(4))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"encoding_dim": 0}, "encoding_dim"),
        ({"loss": "hinge"}, "loss"),
        ({"optimizer": "lbfgs"}, "optimizer"),
        ({"activation": "cube"}, "activation"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
        ({"hidden_layer_sizes": (16, -2)}, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": 16}, "hidden_layer_sizes"),
        ({"scaling": "robust"}, "scaling"),
        ({"loss": "binary_crossentropy", "output_activation": "linear"}, "sigmoid"),
    ],
)
def test_bad_parameters(params, match, digits):
    ae = AutoencoderTransformer(**{**SMALL, **params})
    with pytest.raises(ValueError, match=match):
        ae.fit(digits[0])


def test_numpy_numbers_are_accepted_as_parameters(digits):
    """Grids built with np.arange or np.logspace hand NumPy scalars over."""
    X = digits[0][:100]
    params = dict(
        encoding_dim=np.int64(4),
        hidden_layer_sizes=np.array([16]),
        learning_rate=np.float32(1e-3),
        sparsity=np.float32(1e-5),
        alpha=np.float64(1e-4),
        dropout=np.float32(0.1),
        epochs=np.int64(2),
        batch_size=np.int32(16),
    )
    assert AutoencoderTransformer(**params).fit(X).transform(X).shape == (100, 4)
    conv = AutoencoderTransformer(
        np.int32(3),
        architecture="conv_pool",
        image_shape=np.array([8, 8]),
        filters=np.array([4]),
        epochs=2,
    )
    assert conv.fit(X).transform(X).shape == (100, 3)
    search = GridSearchCV(
        AutoencoderTransformer(**SMALL), {"encoding_dim": np.arange(2, 5, 2)}, cv=2
    )
    assert search.fit(X).best_params_["encoding_dim"] in (2, 4)


def test_set_params_without_refit_keeps_the_fitted_code_width(digits):
    X = digits[0][:100]
    ae = AutoencoderTransformer(**SMALL).fit(X)
    Z = ae.transform(X[:3])
    ae.set_params(encoding_dim=8)
    assert ae.inverse_transform(Z).shape == (3, 64)
    assert len(ae.get_feature_names_out()) == 4
    assert ae.set_output(transform="pandas").transform(X[:3]).shape == (3, 4)


def test_bad_noise_parameters(digits):
    with pytest.raises(ValueError, match="noise"):
        DenoisingAutoencoder(**SMALL, noise="poisson").fit(digits[0])
    with pytest.raises(ValueError, match=r"noise_factor .* \[0, 1\]"):
        DenoisingAutoencoder(**SMALL, noise="masking", noise_factor=1.5).fit(digits[0])


def test_binary_crossentropy_needs_unit_range(digits):
    ae = AutoencoderTransformer(**SMALL, loss="binary_crossentropy", scaling="standard")
    with pytest.raises(ValueError, match=r"binary_crossentropy.*\[0, 1\]"):
        ae.fit(digits[0])


@pytest.mark.parametrize("method", ["transform", "predict", "score", "score_samples"])
def test_unfitted(method, digits):
    with pytest.raises(NotFittedError):
        getattr(AutoencoderTransformer(), method)(digits[0])
    with pytest.raises(NotFittedError):
        AutoencoderTransformer().inverse_transform(np.zeros((2, 16)))


DIVERGE = dict(
    optimizer="sgd", learning_rate=1e6, scaling=None, output_activation="linear"
)


def test_diverging_loss_raises_and_leaves_an_unfitted_estimator(digits, capsys):
    ae = AutoencoderTransformer(**SMALL, **DIVERGE)
    with pytest.raises(ValueError, match="NaN or infinite"):
        ae.fit(digits[0] * 1e3)
    assert capsys.readouterr().out == ""  # verbose=0: the error says it all
    with pytest.raises(NotFittedError):
        ae.transform(digits[0])


def test_failed_refit_keeps_the_previous_model(digits):
    X = digits[0]
    ae = AutoencoderTransformer(**SMALL).fit(X)
    before = ae.transform(X)
    with pytest.raises(ValueError, match="NaN"):
        ae.fit(np.array([[1.0, np.nan], [0.0, 1.0]]))
    assert_array_equal(ae.transform(X), before)
    ae.set_params(**DIVERGE)
    with pytest.raises(ValueError, match="NaN or infinite"):
        ae.fit(X * 1e3)
    assert_array_equal(ae.transform(X), before)
    assert ae.n_features_in_ == 64


# ------------------------------------------------------- pandas and names


def test_dataframe_feature_names_and_pandas_output():
    pd = pytest.importorskip("pandas")
    data = load_wine(as_frame=True)
    ae = AutoencoderTransformer(**SMALL).set_output(transform="pandas")
    Z = ae.fit_transform(data.data)
    assert list(ae.feature_names_in_) == list(data.data.columns)
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == [f"autoencodertransformer{i}" for i in range(4)]
    assert_array_equal(Z.index, data.data.index)


# ------------------------------------------------------------------ quality


@pytest.mark.slow
def test_beats_pca_on_held_out_digits_with_defaults(digits_all):
    X, _ = digits_all
    X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
    for k in (4, 8, 16):
        pca = PCA(k).fit(X_train)
        pca_mse = np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)
        ae_mse = -AutoencoderTransformer(k, random_state=0).fit(X_train).score(X_test)
        assert ae_mse < pca_mse, (k, ae_mse, pca_mse)


def test_unscaled_tabular_data_works_with_defaults():
    X, _ = load_wine(return_X_y=True)
    ae = AutoencoderTransformer(encoding_dim=4, random_state=0).fit(X)
    residual = X - ae.predict(X)
    # every feature is reconstructed far better than by its mean, whatever its
    # units (proline is ~1000, hue ~1)
    r2 = 1 - residual.var(axis=0) / X.var(axis=0)
    assert r2.min() > 0.3, r2


# ------------------------------------------------------------- inference


def test_large_inputs_match_small_calls(fitted, digits):
    from skae._keras import _predict

    X = np.tile(digits[0], (15, 1))  # 6 000 rows: past the fixed-batch path
    assert len(X) > _predict.LARGE_BATCH > _predict.FIXED_UP_TO
    assert_allclose(fitted.transform(X)[:50], fitted.transform(X[:50]), rtol=1e-5)
    assert_allclose(fitted.predict(X)[-50:], fitted.predict(X[-50:]), rtol=1e-5)


def test_inference_is_traced_once_per_model(fitted, digits):
    X = np.tile(digits[0], (15, 1))
    for n in (1, 7, 100, 300, 1000, 5000, 6000):
        fitted.transform(X[:n])
        fitted.transform(X[:n].astype(np.float32))
    functions = fitted.encoder_._skae_inference_scaled
    for function in functions.values():
        assert function.experimental_get_tracing_count() == 1


def test_transform_matches_the_keras_encoder_on_scaled_rows(fitted, digits):
    X = digits[0][:300]
    scaled = ((X - fitted.offset_) / fitted.scale_).astype(np.float32)
    expected = fitted.encoder_(scaled, training=False).numpy()
    assert_allclose(fitted.transform(X), expected, rtol=1e-4, atol=1e-5)


def test_a_fitted_model_does_not_hold_the_training_data(fitted):
    assert fitted.model_.epoch_data is None
    assert fitted.model_.train_function is None


# The AutoencoderTransformer case is the default tier's check of it.
@pytest.mark.parametrize(
    "Estimator",
    [
        AutoencoderTransformer,
        pytest.param(DenoisingAutoencoder, marks=pytest.mark.slow),
    ],
)
def test_finished_fits_leave_no_traced_graph_behind(Estimator, digits):
    """Every graph a fit traces (training and inference) is freed with the model:
    a grid search's thousand fits must not pile up (benchmarks/memory.py)."""
    import gc

    def live_graphs():
        gc.collect()
        return sum(type(o).__name__ == "FuncGraph" for o in gc.get_objects())

    X = digits[0]
    Estimator(**SMALL).fit(X).transform(X[:3])  # TensorFlow's own first-use state
    before = live_graphs()
    for seed in range(3):
        Estimator(**{**SMALL, "random_state": seed}).fit(X).transform(X[:3])
    assert live_graphs() == before
