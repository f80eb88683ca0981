"""Memory of skae's fit: copies of X, and growth over many fits in one process.

1. Peak resident memory during one fit on a large X, in units of X's own size
   (float64): the float32 copy TensorFlow trains on is 0.5 of it.
2. Resident memory after every 20 of 200 small fits in a row (load_digits,
   3 epochs): it should level off, not climb.

With --soak, instead (about 15 minutes on 2 cores):

3. 1 000 alternating fits and transforms of small models in one process (300
   digits rows, 64-16-4-16-64, 3 epochs), each transform checked.
4. 8 threads x 1 000 transforms of 1 to 50 rows each on one freshly unpickled
   model, each result compared with a serial transform of a second copy.

Both must end with no error and resident memory flat from middle to end.

    python benchmarks/memory.py [--rows 200000] [--fits 200]
    python benchmarks/memory.py --soak [--fits 1000] [--threads 8] [--transforms 1000]
"""

import argparse
import gc
import os
import pickle
import threading
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

import skae  # noqa: E402

# Every fit here is short on purpose: memory is measured, not convergence.
warnings.simplefilter("ignore", ConvergenceWarning)


def _status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024  # kB -> bytes
    raise KeyError(field)


def reset_peak():
    """Make VmHWM (peak RSS) restart from the current RSS (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _rss_mib():
    gc.collect()
    return _status("VmRSS") / 2**20


def soak_fits(X, n_fits):
    """Fit a small model and transform with it, ``n_fits`` times."""
    print(f"\n{n_fits} alternating fits and transforms ({len(X)} digits rows,")
    print("64-16-4-16-64, 3 epochs)")
    print("| fits | RSS MiB | s |")
    print("|---:|---:|---:|")
    start = time.perf_counter()
    print(f"| 0 | {_rss_mib():.0f} | 0 |", flush=True)
    for i in range(1, n_fits + 1):
        ae = skae.AutoencoderTransformer(
            4, hidden_layer_sizes=(16,), epochs=3, random_state=i
        ).fit(X)
        Z = ae.transform(X)
        if Z.shape != (len(X), 4) or not np.isfinite(Z).all():
            raise AssertionError(f"fit {i}: codes of shape {Z.shape}, not finite")
        if i % max(1, n_fits // 10) == 0 or i == n_fits:
            elapsed = time.perf_counter() - start
            print(f"| {i} | {_rss_mib():.0f} | {elapsed:.0f} |", flush=True)


def soak_threads(X, n_threads, n_transforms):
    """``n_threads`` threads transforming on one freshly unpickled model."""
    blob = pickle.dumps(
        skae.AutoencoderTransformer(4, hidden_layer_sizes=(16,), random_state=0).fit(X)
    )
    reference = pickle.loads(blob).transform(X)  # serial, on another copy
    shared = pickle.loads(blob)
    total = n_threads * n_transforms
    done, errors, lock = [0], [], threading.Lock()

    def work(seed):
        rng = np.random.default_rng(seed)
        for _ in range(n_transforms):
            start = int(rng.integers(len(X) - 50))
            stop = start + int(rng.integers(1, 51))
            try:
                Z = shared.transform(X[start:stop])
                if not np.array_equal(Z, reference[start:stop]):
                    raise AssertionError(f"rows {start}:{stop} differ from serial")
            except Exception as error:  # reported, and the run fails
                with lock:
                    errors.append(repr(error))
            with lock:
                done[0] += 1

    print(f"\n{n_threads} threads x {n_transforms} transforms (1 to 50 rows) on")
    print("one freshly unpickled model, each compared with a serial transform")
    print("| transforms | RSS MiB | s |")
    print("|---:|---:|---:|")
    print(f"| 0 | {_rss_mib():.0f} | 0 |", flush=True)
    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    step, mark = max(1, total // 4), max(1, total // 4)
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.05)
        if done[0] >= mark and mark < total:
            elapsed = time.perf_counter() - begin
            print(f"| {done[0]} | {_rss_mib():.0f} | {elapsed:.1f} |", flush=True)
            mark += step
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begin
    print(f"| {done[0]} | {_rss_mib():.0f} | {elapsed:.1f} |")
    print(f"errors: {len(errors)}", *errors[:5], sep="\n  ")
    if errors or done[0] != total:
        raise SystemExit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--fits", type=int, default=None, help="200; 1000 with --soak")
    parser.add_argument("--soak", action="store_true")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--transforms", type=int, default=1000)
    args = parser.parse_args()

    digits = load_digits().data
    if args.soak:
        skae.AutoencoderTransformer(epochs=1).fit(digits)  # load TensorFlow first
        soak_fits(digits[:300], args.fits or 1000)
        soak_threads(digits[:300], args.threads, args.transforms)
        return
    args.fits = args.fits or 200
    skae.AutoencoderTransformer(epochs=1).fit(digits)  # load TensorFlow first

    X = np.random.default_rng(0).random((args.rows, 256))
    gc.collect()
    reset_peak()
    before = _status("VmRSS")
    ae = skae.AutoencoderTransformer(16, epochs=2, early_stopping=False).fit(X)
    peak = _status("VmHWM") - before
    print(f"X: {args.rows} x 256 float64 = {X.nbytes / 2**20:.0f} MiB")
    print(
        f"peak extra RSS during fit: {peak / 2**20:.0f} MiB = {peak / X.nbytes:.2f} x X"
    )
    del ae
    gc.collect()

    print(f"\nRSS over {args.fits} fits (load_digits, 3 epochs)")
    print("| fits | RSS MiB |")
    print("|---:|---:|")
    for i in range(1, args.fits + 1):
        skae.AutoencoderTransformer(8, epochs=3, random_state=i).fit(digits)
        if i % 20 == 0:
            gc.collect()
            print(f"| {i} | {_status('VmRSS') / 2**20:.0f} |", flush=True)


if __name__ == "__main__":
    main()
