"""Memory of skae's fit: copies of X, and growth over many fits in one process.

1. Peak resident memory during one fit on a large X, in units of X's own size
   (float64): the float32 copy TensorFlow trains on is 0.5 of it.
2. Resident memory after every 20 of 200 small fits in a row (load_digits,
   3 epochs): it should level off, not climb.

    python benchmarks/memory.py [--rows 200000] [--fits 200]
"""

import argparse
import gc
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import skae  # noqa: E402


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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--fits", type=int, default=200)
    args = parser.parse_args()

    digits = load_digits().data
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
