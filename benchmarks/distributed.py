"""Searches on a Dask cluster, and training under a tf.distribute strategy.

1. ``GridSearchCV`` over ``encoding_dim`` (load_digits, 3 folds, no refit) with
   ``n_jobs=1``, then inside ``joblib.parallel_config(backend="dask")`` on a
   ``LocalCluster`` of 2 worker processes x 1 thread on 127.0.0.1 (warmed up:
   TensorFlow imported and one fit run on each worker first), and with
   joblib's own process pool (``n_jobs=2``, loky) for comparison. Median wall
   time of ``--repeats`` searches each, run round-robin, and whether the
   scores agree.
2. One fit (load_digits, ``--strategy-epochs`` epochs, batch 64) without a strategy,
   under ``OneDeviceStrategy`` and under ``MirroredStrategy`` over 2 logical
   CPU devices, in a child process (logical devices are configured before
   TensorFlow starts). Both logical devices share the same cores, so this
   measures the strategy's overhead, not a speed-up.

    python benchmarks/distributed.py [--repeats 3] [--epochs 30] [--strategy-epochs 10]

Needs the extra ``skae[dask]``. Results: benchmarks/README.md.
"""

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Python puts this script's folder first on the path, where this file would
# shadow the `distributed` package that dask.distributed imports.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(
    os.path.abspath(__file__)
):
    del sys.path[0]

import joblib  # noqa: E402

ONE_THREAD = {
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skae import AutoencoderTransformer  # noqa: E402

GRID = {"encoding_dim": [4, 8, 16, 32]}


def search(X, epochs):
    est = AutoencoderTransformer(epochs=epochs, random_state=0)
    return GridSearchCV(est, GRID, cv=3, refit=False).fit(X)


def timed(run):
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def warm_up(X):
    AutoencoderTransformer(epochs=1, random_state=0).fit(X[:100])


def searches(args):
    from dask.distributed import Client, LocalCluster

    X = load_digits().data / 16.0
    warm_up(X)
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
            # One TensorFlow thread per worker process: with TensorFlow's
            # default of a thread per core, two workers on two cores fought
            # over them (1.35x n_jobs=1 on an idle machine; 1.74x with this).
            env=ONE_THREAD,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2)
        client.run(warm_up, X)
        with joblib.parallel_config(backend="loky", n_jobs=2):
            search(X, 1)  # start the pool and TensorFlow in its workers
        backends = {
            "n_jobs=1": {},
            "dask LocalCluster 2 workers x 1 thread": {"backend": "dask"},
            "joblib loky n_jobs=2": {"backend": "loky", "n_jobs": 2},
        }
        # Round-robin, so that a change in the machine's load (it is shared)
        # falls on every backend alike.
        times = {name: [] for name in backends}
        results = {}
        for _ in range(args.repeats):
            for name, config in backends.items():
                with joblib.parallel_config(**config):
                    seconds, results[name] = timed(lambda: search(X, args.epochs))
                times[name].append(seconds)

    n_fits = len(GRID["encoding_dim"]) * 3
    print(f"GridSearchCV: {n_fits} fits of {args.epochs} epochs on load_digits")
    print(f"{'backend':<40} {'median s':>9} {'speed-up':>9} {'same scores':>12}")
    local = results["n_jobs=1"].cv_results_["mean_test_score"]
    one = statistics.median(times["n_jobs=1"])
    for name, result in results.items():
        seconds = statistics.median(times[name])
        same = np.array_equal(result.cv_results_["mean_test_score"], local)
        print(f"{name:<40} {seconds:9.1f} {one / seconds:9.2f} {str(same):>12}")


def strategies(args):
    child = subprocess.run(
        [sys.executable, __file__, "--strategy-child"]
        + ["--strategy-epochs", str(args.strategy_epochs)],
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    rows = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"\nOne fit of {args.strategy_epochs} epochs, batch 64, load_digits")
    print(f"{'how':<42} {'median s':>9} {'final loss':>11}")
    for name, seconds, loss in rows:
        print(f"{name:<42} {seconds:9.2f} {loss:11.5f}")


def strategy_child(args):
    import tensorflow as tf

    (cpu,) = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
    X = load_digits().data / 16.0
    params = dict(
        encoding_dim=8, epochs=args.strategy_epochs, batch_size=64, random_state=0
    )
    warm_up(X)
    ways = {
        "no strategy (whole epoch per step)": None,
        "OneDeviceStrategy (Keras per-batch loop)": tf.distribute.OneDeviceStrategy(
            "/cpu:0"
        ),
        "MirroredStrategy, 2 logical CPUs": tf.distribute.MirroredStrategy(
            ["/cpu:0", "/cpu:1"]
        ),
    }
    rows = []
    for name, strategy in ways.items():

        def fit(strategy=strategy):
            if strategy is None:
                return AutoencoderTransformer(**params).fit(X)
            with strategy.scope():
                return AutoencoderTransformer(**params).fit(X)

        fit()  # first fit under a strategy builds its functions
        times = []
        for _ in range(args.repeats):
            seconds, est = timed(fit)
            times.append(seconds)
        rows.append((name, statistics.median(times), est.history_["loss"][-1]))
    print(json.dumps(rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--strategy-epochs", type=int, default=10)
    parser.add_argument("--strategy-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.strategy_child:
        strategy_child(args)
        return
    print(f"{os.cpu_count()} CPU cores (shared: other work may be running)\n")
    searches(args)
    strategies(args)


if __name__ == "__main__":
    main()
