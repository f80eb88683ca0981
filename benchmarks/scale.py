"""Data larger than memory: skae streamed from a memory-mapped file against
skae in memory and scikit-learn's IncrementalPCA.

Each measurement runs in a fresh Python process, which reports the fit's
wall time, its peak resident memory (VmHWM) and the peaks of its anonymous
and file-backed resident memory (RssAnon, RssFile: sampled every 0.1 s). The
data are synthetic images: rows of 784 float32 values in [0, 1] from a
16-dimensional latent space through a fixed random non-linear map, written
once to .npy files under --data (one per row count).

1. ``throughput``: one epoch of the default AutoencoderTransformer (epochs=1)
   on 1 000 000 rows, streamed and in memory: rows per second of the fit.
2. ``curve``: time and peak memory against rows (--rows, default 10^4 10^5
   10^6) for skae streamed, skae in memory (epochs=1 each) and IncrementalPCA
   (16 components, partial_fit over chunks of the memory map).
3. ``design``: on --design-rows (10^5), the streamed fit against two
   variants it was chosen over: Keras's per-batch loop over the same blocks,
   and keeping the memory map's pages.
4. ``large``: one streamed epoch over --large rows (default 8 000 000: 25 GB
   of float32, more than the machine's memory), with --large-batch-size
   (default 1024, not the estimator's 32; ``--large-batch-size 32`` runs the
   defaults: 10 million rows took 692 s, see benchmarks/README.md).

    python benchmarks/scale.py throughput curve design large --data /work/scale-data
    python benchmarks/scale.py report  # table and benchmarks/images/scale.png

Results are printed as they come, and written to --out as JSON lines, which
``report`` reads.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

N_FEATURES = 784
WRITE_ROWS = 100_000


def data_file(folder, n_rows):
    """The .npy file of ``n_rows`` synthetic rows, written on first use a
    block at a time (the same first rows for every size)."""
    path = Path(folder) / f"images_{n_rows}.npy"
    if path.exists():
        return path
    rng = np.random.default_rng(0)
    W = rng.normal(size=(16, N_FEATURES)).astype(np.float32)
    b = rng.normal(size=N_FEATURES).astype(np.float32)
    tmp = path.with_suffix(".tmp")
    out = np.lib.format.open_memmap(tmp, "w+", np.float32, (n_rows, N_FEATURES))
    header = out.offset
    del out
    with open(tmp, "r+b") as f:
        f.seek(header)
        for start in range(0, n_rows, WRITE_ROWS):
            rows = min(WRITE_ROWS, n_rows - start)
            block_rng = np.random.default_rng([1, start])
            Z = block_rng.normal(size=(rows, 16)).astype(np.float32)
            X = 1 / (1 + np.exp(-(Z @ W + b)))
            f.write(X.astype(np.float32).tobytes())
    os.replace(tmp, path)
    return path


class PeakMemory:
    """Peaks of RssAnon and RssFile, sampled in a thread; VmHWM at the end."""

    def __init__(self, interval=0.1):
        self.interval, self.peaks = interval, {"RssAnon": 0, "RssFile": 0}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def status():
        with open("/proc/self/status") as f:
            fields = dict(line.split(":", 1) for line in f)
        return {k: int(v.split()[0]) * 1024 for k, v in fields.items() if "kB" in v}

    def _sample(self):
        while not self.done.wait(self.interval):
            now = self.status()
            for key in self.peaks:
                self.peaks[key] = max(self.peaks[key], now[key])

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        now = self.status()
        for key in self.peaks:
            self.peaks[key] = max(self.peaks[key], now[key])
        self.peaks["VmHWM"] = now["VmHWM"]


def run_one(kind, path, batch_size, verbose):
    """In this process: fit ``kind`` on the file; print a JSON line.

    Two variants of "stream" measure the design: "stream-per-batch" trains
    with Keras's per-batch loop over batches cut from the same blocks (the
    path skae takes under a tf.distribute strategy), "stream-keep-pages"
    never lets the memory map's pages go."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", ConvergenceWarning)
    if kind == "stream-per-batch":
        import tensorflow as tf

        import skae._keras._layers

        # skae's strategy path, under no strategy: no per-worker reshaping.
        tf.distribute.has_strategy = lambda: True
        skae._keras._layers._across_workers = lambda logs: logs
    if kind == "stream-keep-pages":
        import skae._streaming

        skae._streaming.release = lambda X: None
    X = np.load(path, mmap_mode="r")
    n = X.shape[0]
    with PeakMemory() as memory:
        if kind == "ipca":
            from sklearn.decomposition import IncrementalPCA

            start = time.perf_counter()
            ipca = IncrementalPCA(n_components=16)
            chunk = 5 * N_FEATURES  # IncrementalPCA's own default batch size
            for a in range(0, n, chunk):
                ipca.partial_fit(X[a : a + chunk])
            seconds = time.perf_counter() - start
            epochs = 1
        else:
            from skae import AutoencoderTransformer

            est = AutoencoderTransformer(
                epochs=1, batch_size=batch_size, random_state=0, verbose=verbose
            )
            if kind == "memory":
                X = np.load(path)  # read whole, before the clock starts
            start = time.perf_counter()
            est.fit(X)
            seconds = time.perf_counter() - start
            epochs = est.n_iter_
    result = {
        "kind": kind,
        "rows": n,
        "batch_size": batch_size if kind != "ipca" else None,
        "seconds": round(seconds, 1),
        "rows_per_s": round(n * epochs / seconds),
        **{k: round(v / 2**20) for k, v in memory.peaks.items()},
    }
    print(json.dumps(result), flush=True)


def measure(kind, path, batch_size, log, verbose=0):
    """Run one measurement in a fresh process; its JSON result."""
    command = [sys.executable, __file__, "_one", kind, str(path)]
    command += ["--batch-size", str(batch_size), "--verbose", str(verbose)]
    lines = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        for line in child.stdout:  # passed on as it comes (progress lines)
            if line.startswith("{"):
                lines.append(line)
            else:
                log(f"  | {line.rstrip()}")
        stderr = child.stderr.read()
    if child.returncode or not lines:
        log(f"{kind} on {path.name} failed:\n{stderr[-3000:]}")
        return None
    result = json.loads(lines[-1])
    log(json.dumps(result))
    return result


LABELS = {
    "stream": "skae, streamed (memory map)",
    "memory": "skae, in memory",
    "ipca": "IncrementalPCA(16)",
    "stream-per-batch": "skae, streamed, Keras per-batch loop",
    "stream-keep-pages": "skae, streamed, pages kept",
}


def report(results_path, figure_path):
    """The curve's results as a Markdown table and a log-log figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(results_path) as f:
        results = [json.loads(line) for line in f if line.startswith("{")]
    columns = ["fit", "rows", "batch", "time (s)", "rows/s", "peak RSS (MiB)"]
    print("| " + " | ".join([*columns, "RssAnon", "RssFile"]) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in sorted(results, key=lambda r: (r["rows"], r["kind"])):
        print(
            f"| {LABELS[r['kind']]} | {r['rows']:,} | {r['batch_size'] or ''} | "
            f"{r['seconds']} | {r['rows_per_s']:,} | {r['VmHWM']:,} | "
            f"{r['RssAnon']:,} | {r['RssFile']:,} |"
        )
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    for kind in ("stream", "memory", "ipca"):
        label = LABELS[kind]
        first = {}  # the curve's run of each size (design reruns 10^5)
        for r in results:
            if r["kind"] == kind and r["batch_size"] in (None, 32):
                first.setdefault(r["rows"], (r["rows"], r["seconds"], r["VmHWM"]))
        points = sorted(first.values())
        if points:
            rows, seconds, rss = zip(*points, strict=True)
            left.plot(rows, seconds, marker="o", label=label)
            right.plot(rows, rss, marker="o", label=label)
    large = [r for r in results if r["kind"] == "stream" and r["batch_size"] != 32]
    for r in large:
        label = f"streamed, batch_size={r['batch_size']}"
        left.plot(r["rows"], r["seconds"], "k*", markersize=10, label=label)
        right.plot(r["rows"], r["VmHWM"], "k*", markersize=10, label=label)
    left.set(xscale="log", yscale="log", xlabel="rows of 784", ylabel="fit time (s)")
    right.set(xscale="log", yscale="log", xlabel="rows of 784")
    right.set(ylabel="peak resident memory (MiB)")
    left.set_title("one epoch", fontsize=10)
    right.set_title("peak RSS (VmHWM)", fontsize=10)
    right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(figure_path, dpi=80)
    print(f"figure saved in {figure_path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="+")
    parser.add_argument("--data", default="/work/scale-data")
    parser.add_argument("--out", default="scale_results.jsonl")
    parser.add_argument("--rows", type=int, nargs="+", default=[10**4, 10**5, 10**6])
    parser.add_argument("--throughput-rows", type=int, default=10**6)
    parser.add_argument("--design-rows", type=int, default=10**5)
    parser.add_argument("--large", type=int, default=8 * 10**6)
    parser.add_argument("--large-batch-size", type=int, default=1024)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--verbose", type=int, default=0)
    args = parser.parse_args()
    if args.what[0] == "_one":
        _, kind, path = args.what
        run_one(kind, path, args.batch_size, args.verbose)
        return
    if args.what[0] == "report":
        report(args.out, Path(__file__).parent / "images" / "scale.png")
        return
    Path(args.data).mkdir(parents=True, exist_ok=True)

    def log(line):
        print(line, flush=True)
        if line.startswith("{"):
            with open(args.out, "a") as f:
                f.write(line + "\n")

    done = set()  # (kind, rows) measured in this run: the curve reuses them
    if "throughput" in args.what:
        path = data_file(args.data, args.throughput_rows)
        for kind in ("memory", "stream"):
            measure(kind, path, args.batch_size, log)
            done.add((kind, args.throughput_rows))
    if "curve" in args.what:
        for n in args.rows:
            path = data_file(args.data, n)
            for kind in ("ipca", "stream", "memory"):
                if (kind, n) not in done:
                    measure(kind, path, args.batch_size, log)
    if "design" in args.what:
        path = data_file(args.data, args.design_rows)
        for kind in ("stream", "stream-per-batch", "stream-keep-pages"):
            measure(kind, path, args.batch_size, log)
    if "large" in args.what:
        start = time.perf_counter()
        path = data_file(args.data, args.large)
        log(
            f"wrote {path} ({path.stat().st_size / 1e9:.1f} GB) in "
            f"{time.perf_counter() - start:.0f} s"
        )
        measure("stream", path, args.large_batch_size, log, verbose=1)


if __name__ == "__main__":
    main()
