"""The docs/scikeras.md recipe: a scikeras KerasClassifier as the head of a Pipeline
after skae.AutoencoderTransformer, tuned with GridSearchCV.

Skipped unless scikeras is installed (``pip install "skae[scikeras]"``). Note that
collecting this module imports scikeras, which replaces ``keras.Model.__reduce__``
and ``__deepcopy__`` for the rest of the pytest session; skae's own pickling does
not go through them (asserted below).
"""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold, check_cv
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import ClassifierTags, get_tags

from skae import AutoencoderTransformer

pytest.importorskip("scikeras")

from scikeras.wrappers import KerasClassifier  # noqa: E402


class TaggedKerasClassifier(KerasClassifier):
    """scikeras 0.13.0's KerasClassifier with scikit-learn >= 1.6 classifier tags.

    ``KerasClassifier(BaseWrapper, ClassifierMixin)`` puts ``BaseEstimator`` (via
    ``BaseWrapper``) before ``ClassifierMixin`` in the MRO, and
    ``BaseEstimator.__sklearn_tags__`` does not call ``super()``, so the classifier
    tags are never set; its ``_estimator_type`` and ``_more_tags`` are ignored by
    scikit-learn >= 1.7. Result: ``is_classifier`` is False and GridSearchCV /
    cross_val_score split with KFold instead of StratifiedKFold. This sets what
    ``ClassifierMixin.__sklearn_tags__`` would, plus scikeras's own ``_more_tags``.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_label=True, poor_score=True)
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        return tags


def build_mlp(meta, hidden=32):
    """scikeras model function: ``meta`` holds the shapes seen by ``fit``."""
    import keras

    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )


def make_pipeline():
    return Pipeline(
        [
            (
                "ae",
                AutoencoderTransformer(
                    encoding_dim=8, hidden_layer_sizes=(16,), epochs=3, random_state=0
                ),
            ),
            ("scale", StandardScaler()),  # codes are unbounded: scale for the MLP
            (
                "clf",
                TaggedKerasClassifier(
                    model=build_mlp,
                    model__hidden=32,
                    loss="sparse_categorical_crossentropy",
                    optimizer="adam",
                    optimizer__learning_rate=0.01,
                    epochs=3,
                    verbose=0,
                    random_state=0,
                ),
            ),
        ]
    )


@pytest.fixture(scope="module")
def search(digits_all):
    X, y = digits_all
    grid = {"ae__encoding_dim": [8, 16], "clf__model__hidden": [16, 32]}
    return GridSearchCV(make_pipeline(), grid, cv=2, error_score="raise").fit(
        X[:600], y[:600]
    )


def test_import_skae_does_not_import_scikeras():
    code = "import skae, sys; assert 'scikeras' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_tagged_wrapper_and_the_pipeline_are_classifiers(digits_all):
    _, y = digits_all
    pipe = make_pipeline()
    assert is_classifier(pipe["clf"]) and is_classifier(clone(pipe))
    assert get_tags(pipe).estimator_type == "classifier"
    # so an integer cv is stratified, as for any scikit-learn classifier
    assert isinstance(check_cv(2, y, classifier=is_classifier(pipe)), StratifiedKFold)


@pytest.mark.slow  # the search: 9 fits of the pipeline
def test_grid_search_tunes_the_autoencoder_and_the_keras_head(search, digits_all):
    X, y = digits_all
    assert set(search.best_params_) == {"ae__encoding_dim", "clf__model__hidden"}
    assert len(search.cv_results_["params"]) == 4
    chance = 1 / len(np.unique(y))
    assert search.best_score_ > 0.3 > chance
    assert search.score(X[600:], y[600:]) > 0.3  # held-out rows
    best = search.best_estimator_
    assert best["ae"].encoding_dim == search.best_params_["ae__encoding_dim"]
    assert best["ae"].transform(X[:5]).shape == (5, best["ae"].encoding_dim)


@pytest.mark.slow  # uses the search
def test_autoencoder_still_pickles_after_import_scikeras(search, digits_all):
    import keras
    from scikeras import _saving_utils

    # the side effect being guarded against is in place ...
    assert keras.Model.__reduce__ is _saving_utils.pack_keras_model
    X, _ = digits_all
    ae = search.best_estimator_["ae"]
    data = pickle.dumps(ae)
    # ... yet skae stores its own .keras archive: loadable without scikeras
    assert b"scikeras" not in data
    assert_array_equal(pickle.loads(data).transform(X), ae.transform(X))
