"""Grid searches on a Dask cluster through joblib's Dask backend (the extra
``skae[dask]``): two worker processes on 127.0.0.1, closed after the module."""

import contextlib
import logging
import signal

import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import GridSearchCV

from skae import AutoencoderTransformer, DenoisingAutoencoder

from _params import SMALL

distributed = pytest.importorskip("dask.distributed")
joblib = pytest.importorskip("joblib")

pytestmark = pytest.mark.slow


@contextlib.contextmanager
def time_limit(seconds):
    """Raise TimeoutError in the main thread after ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def client():
    """A client of a LocalCluster of 2 worker processes with 1 thread each, on
    loopback, with no dashboard; the cluster is closed also on failure."""
    with (
        time_limit(120),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        yield client


@pytest.mark.parametrize("Estimator", [AutoencoderTransformer, DenoisingAutoencoder])
def test_grid_search_on_dask_matches_n_jobs_1(client, digits, Estimator):
    X = digits[0] / 16.0
    grid = {"encoding_dim": [2, 4, 8]}
    search = GridSearchCV(Estimator(**SMALL), grid, cv=2)
    with time_limit(300):
        local = search.fit(X).cv_results_
        with (
            joblib.parallel_config(backend="dask"),
            distributed.get_task_stream(client) as tasks,
        ):
            on_dask = search.fit(X).cv_results_
    for key in ("params", "mean_test_score", "split0_test_score", "rank_test_score"):
        assert_array_equal(on_dask[key], local[key], err_msg=key)
    # Both workers trained.
    assert len({task["worker"] for task in tasks.data}) == 2
