"""skae's fused Adam against Keras's own Adam."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skae import AutoencoderTransformer

keras = pytest.importorskip("keras")
from skae._keras._optimizers import FusedAdam  # noqa: E402


def train(optimizer, jit_compile=False, embedding=False, epochs=6):
    """Weights and optimizer variables after a short, seeded fit."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    if embedding:
        X = rng.integers(0, 20, size=(96, 5))
        y = rng.random((96, 1), dtype=np.float32)
        layers = [keras.layers.Embedding(20, 4), keras.layers.Flatten()]
    else:
        X = rng.random((96, 12), dtype=np.float32)
        y = X
        layers = [keras.layers.Dense(6, activation="relu")]
    model = keras.Sequential(
        [keras.Input(X.shape[1:]), *layers, keras.layers.Dense(y.shape[1])]
    )
    model.compile(optimizer, "mse", jit_compile=jit_compile)
    model.fit(X, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    return model.get_weights(), [np.asarray(v) for v in model.optimizer.variables]


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({}, id="graph"),
        pytest.param({"jit_compile": True}, id="xla", marks=pytest.mark.slow),
        pytest.param({"embedding": True}, id="sparse-gradients"),
    ],
)
@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("weight_decay", [None, 0.1])
def test_fused_adam_makes_keras_adams_updates(kwargs, amsgrad, weight_decay):
    options = {"learning_rate": 0.01, "amsgrad": amsgrad, "weight_decay": weight_decay}
    fused = train(FusedAdam(**options), **kwargs)
    reference = train(keras.optimizers.Adam(**options), **kwargs)
    pairs = zip(fused[0] + fused[1], reference[0] + reference[1], strict=True)
    for ours, theirs in pairs:
        assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)
    # Training moved the weights, so the comparison above is not vacuous.
    untrained = train(FusedAdam(**options), epochs=0, **kwargs)
    assert not np.allclose(fused[0][0], untrained[0][0])


def test_fused_adams_weight_decay_shrinks_the_weights():
    decayed, _ = train(FusedAdam(learning_rate=0.01, weight_decay=5.0))
    plain, _ = train(FusedAdam(learning_rate=0.01))
    assert np.linalg.norm(decayed[0]) < 0.9 * np.linalg.norm(plain[0])


def test_estimators_train_with_the_fused_adam_and_keep_it_when_pickled():
    X = np.random.default_rng(0).random((120, 10))
    ae = AutoencoderTransformer(3, epochs=3, random_state=0).fit(X)
    assert type(ae.model_.optimizer) is FusedAdam
    assert ae.model_.optimizer.iterations.numpy() > 0
    restored = pickle.loads(pickle.dumps(ae))
    assert type(restored.model_.optimizer) is FusedAdam
    assert_allclose(restored.transform(X), ae.transform(X))
