"""Many threads scoring with one estimator at once, as a service does."""

import logging
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits

from skae import AutoencoderTransformer, DenoisingAutoencoder

TINY = dict(encoding_dim=2, hidden_layer_sizes=(4,), epochs=1, random_state=0)
N_THREADS = 8
METHODS = ["transform", "inverse_transform", "predict", "score_samples"]


@pytest.fixture(scope="module")
def X():
    return load_digits().data[:200]


def _call(est, method, X):
    if method == "inverse_transform":
        return est.inverse_transform(np.linspace(-1, 1, 2 * len(X)).reshape(-1, 2))
    return getattr(est, method)(X)


@pytest.fixture
def built_functions(monkeypatch):
    """Every compiled function built while the test runs, each built slowly:
    the pause lets all threads reach the build at once, the race a lock must
    close (without one, each thread builds and traces its own)."""
    built, real = [], tf.function

    def slow_function(*args, **kwargs):
        time.sleep(0.05)
        function = real(*args, **kwargs)
        built.append(function)
        return function

    monkeypatch.setattr(tf, "function", slow_function)
    return built


@pytest.mark.parametrize("Estimator", [AutoencoderTransformer, DenoisingAutoencoder])
@pytest.mark.parametrize("fresh", ["fitted", "unpickled"])
def test_threads_match_serial_calls_and_trace_once(
    Estimator, fresh, X, built_functions, capfd
):
    fitted = Estimator(**TINY).fit(X)
    blob = pickle.dumps(fitted)
    est = pickle.loads(blob) if fresh == "unpickled" else fitted
    serial = pickle.loads(blob)
    expected = {m: _call(serial, m, X) for m in METHODS}
    del built_functions[:]  # the serial copy's

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("tensorflow").addHandler(handler)
    capfd.readouterr()
    barrier = threading.Barrier(N_THREADS)
    results, errors = {}, []

    def work(i):
        # Each thread starts with a different method, so all four race.
        order = METHODS[i % 4 :] + METHODS[: i % 4]
        try:
            barrier.wait()
            results[i] = {m: _call(est, m, X) for m in order}
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(N_THREADS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        logging.getLogger("tensorflow").removeHandler(handler)

    assert not errors, errors
    for result in results.values():
        for method in METHODS:
            assert_array_equal(result[method], expected[method])
    # The encoder's scaled function and the decoder's, each built and traced once.
    assert len(built_functions) == 2
    assert [f.experimental_get_tracing_count() for f in built_functions] == [1, 1]
    for model, key in [
        (est.encoder_, "_skae_inference_scaled"),
        (est.decoder_, "_skae_inference"),
    ]:
        assert getattr(model, key)["fixed"].experimental_get_tracing_count() == 1
    assert [r.getMessage() for r in records] == []  # no retracing warning
    assert capfd.readouterr() == ("", "")


# Plain single-thread tests of one shared, freshly unpickled estimator: under
# pytest-run-parallel (as scikit-learn runs its suite) each runs in 8 threads
# at once, the first ones racing to build the compiled functions.


@pytest.fixture(scope="module")
def shared(X):
    """A freshly unpickled estimator shared by the tests below (and their
    threads), and what a serial copy of it returns."""
    blob = pickle.dumps(AutoencoderTransformer(**TINY).fit(X))
    serial = pickle.loads(blob)
    return pickle.loads(blob), {m: _call(serial, m, X) for m in METHODS}


@pytest.mark.parametrize("method", METHODS)
def test_a_shared_estimator_matches_a_serial_copy(shared, method, X):
    est, expected = shared
    assert_array_equal(_call(est, method, X), expected[method])


def test_a_shared_estimator_matches_a_serial_copy_on_any_rows(shared, X):
    est, expected = shared
    for start, stop in [(0, 1), (3, 10), (50, 179), (0, 200)]:
        assert_array_equal(
            est.transform(X[start:stop]), expected["transform"][start:stop]
        )
        assert_array_equal(
            est.score_samples(X[start:stop]), expected["score_samples"][start:stop]
        )


@pytest.mark.slow  # a pytest subprocess, which loads TensorFlow
def test_this_module_passes_under_pytest_run_parallel():
    pytest.importorskip("pytest_run_parallel")
    run = subprocess.run(
        # -n 0: in this process, so that -v prints "PARALLEL PASSED" per test
        # (pyproject.toml's addopts spread tests over pytest-xdist workers)
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-n", "0"]
        + ["--parallel-threads=8", __file__],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).parents[1],
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    # The shared-estimator tests ran in 8 threads, not once each.
    assert run.stdout.count("PARALLEL PASSED") >= len(METHODS) + 1, run.stdout
