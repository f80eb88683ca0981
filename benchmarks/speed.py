"""skae's speed against hand-written Keras and scikit-learn, as ratios in one run.

1. Fit: an autoencoder with batch 32 and no early stopping, on ``load_digits``
   (64-32-8-32-64, 100 epochs, as in DESIGN.md) and on 8 000 rows of 784
   features (784-128-16-128-784, 20 epochs). Each contender is timed
   ``--repeats`` times after one warm-up; medians, and ratios to a whole-epoch
   ``tf.function`` loop.
2. Growth: skae fit time from 1 000 to 64 000 rows of 784 features, 5 epochs.
3. Transform: ``transform`` against calling the Keras encoder directly.
4. GridSearchCV over 4 encoding_dim x 5 folds on load_digits, n_jobs=1 and 2.

    python benchmarks/speed.py [--repeats 3] [--quick]
"""

import argparse
import os
import platform
import statistics
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPRegressor  # noqa: E402

import skae  # noqa: E402

# The hidden width of the growth, transform and search tables: 0.1.0's
# default, kept so that their recorded figures stay comparable run to run.
WIDTH = (128,)
# (hidden width, code size) of the workload, set per data set by main()
SHAPE = {"hidden": 32, "code": 8}


def keras_model(keras, n_features):
    inputs = keras.Input((n_features,))
    h = keras.layers.Dense(SHAPE["hidden"], activation="relu")(inputs)
    h = keras.layers.Dense(SHAPE["code"])(h)
    h = keras.layers.Dense(SHAPE["hidden"], activation="relu")(h)
    outputs = keras.layers.Dense(n_features, activation="sigmoid")(h)
    return keras.Model(inputs, outputs)


def keras_numpy(X, epochs):
    import keras

    model = keras_model(keras, X.shape[1])
    model.compile("adam", "mse")
    model.fit(X, X, epochs=epochs, batch_size=32, verbose=0)


def tf_function_epoch(X, epochs):
    """The whole epoch inside one tf.function: the hand-written lower bound."""
    import keras
    import tensorflow as tf

    model = keras_model(keras, X.shape[1])
    optimizer = keras.optimizers.Adam()
    data = tf.constant(X)
    n = len(X)

    @tf.function
    def epoch(seed):
        order = tf.random.experimental.stateless_shuffle(tf.range(n), seed=seed)
        for start in tf.range(0, n, 32):
            batch = tf.gather(data, order[start : start + 32])
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(batch, training=True) - batch))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(
                zip(grads, model.trainable_variables, strict=True)
            )

    for e in range(epochs):
        epoch(tf.constant([0, e]))


def tf_function_epoch_xla(X, epochs):
    """The same loop compiled with XLA: static batch shapes, the last partial
    batch outside the loop."""
    import keras
    import tensorflow as tf

    model = keras_model(keras, X.shape[1])
    optimizer = keras.optimizers.Adam()
    optimizer.build(model.trainable_variables)
    data = tf.constant(X)
    n = len(X)
    full = n // 32

    def step(rows):
        batch = tf.gather(data, rows)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(batch, training=True) - batch))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    @tf.function(jit_compile=True)
    def epoch(seed):
        order = tf.argsort(tf.random.stateless_uniform((n,), seed=seed))
        for i in tf.range(full):
            step(tf.slice(order, [i * 32], [32]))
        if n % 32:
            step(order[full * 32 :])

    for e in range(epochs):
        epoch(tf.constant([0, e]))


def skae_fit(X, epochs, jit_compile="auto"):
    skae.AutoencoderTransformer(
        SHAPE["code"],
        hidden_layer_sizes=(SHAPE["hidden"],),
        epochs=epochs,
        early_stopping=False,
        n_iter_no_change=epochs,
        scaling=None,
        random_state=0,
        jit_compile=jit_compile,
    ).fit(X)


def skae_fit_xla(X, epochs):
    skae_fit(X, epochs, jit_compile=True)


def mlp(X, epochs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPRegressor(
            hidden_layer_sizes=(32, 8, 32),
            batch_size=32,
            max_iter=epochs,
            tol=0,
            random_state=0,
        ).fit(X, X)


CONTENDERS = {
    "tf.function whole epoch": tf_function_epoch,
    "skae AutoencoderTransformer.fit": skae_fit,
    "tf.function whole epoch, XLA": tf_function_epoch_xla,
    "skae fit, jit_compile=True (XLA)": skae_fit_xla,
    "keras model.fit(numpy)": keras_numpy,
    "sklearn MLPRegressor": mlp,
}


def median_time(run, repeats):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def fit_table(title, X, epochs, repeats):
    times = {}
    for name, run in CONTENDERS.items():
        run(X, 1)  # warm-up: imports, first tracing
        times[name] = median_time(lambda run=run: run(X, epochs), repeats)
    base = times["tf.function whole epoch"]
    print(f"\n{title}: {len(X)} rows x {X.shape[1]} features, {epochs} epochs")
    print("| how (batch 32) | median s | x tf.function |")
    print("|---|---:|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {seconds:.2f} | {seconds / base:.2f} |")


def growth_table(sizes, epochs=5):
    rng = np.random.default_rng(0)
    print(f"\nfit time growth, 784 features, {epochs} epochs, 784-128-16-128-784")
    print("| rows | fit s | s per 1 000 rows |")
    print("|---:|---:|---:|")
    for n in sizes:
        X = rng.random((n, 784), dtype=np.float32)
        ae = skae.AutoencoderTransformer(
            16,
            hidden_layer_sizes=WIDTH,
            epochs=epochs,
            early_stopping=False,
            n_iter_no_change=epochs,
        )
        seconds = median_time(lambda ae=ae, X=X: ae.fit(X), 1)
        print(f"| {n} | {seconds:.2f} | {seconds / n * 1000:.3f} |")


def transform_table(repeats):
    rng = np.random.default_rng(0)
    X = rng.random((8000, 784), dtype=np.float32)
    ae = skae.AutoencoderTransformer(
        16, hidden_layer_sizes=WIDTH, epochs=1, scaling=None
    ).fit(X)
    scaled = skae.AutoencoderTransformer(
        16, hidden_layer_sizes=WIDTH, epochs=1, scaling="minmax"
    ).fit(X)
    print("\ntransform vs the Keras encoder (784-128-16)")
    print(
        "| rows | transform ms (scaling=None) | transform ms (minmax) "
        "| encoder(X) ms | encoder.predict(X) ms | encoder(X) / transform |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (1, 100, 4000, 64000):
        data = np.tile(X, (8, 1))[:n]
        runs = {
            "transform": lambda d=data: ae.transform(d),
            "minmax": lambda d=data: scaled.transform(d),
            "call": lambda d=data: ae.encoder_(d, training=False).numpy(),
            "predict": lambda d=data: ae.encoder_.predict(d, verbose=0),
        }
        ms = {}
        for name, run in runs.items():
            run()
            ms[name] = 1000 * median_time(run, max(repeats, 5))
        ratio = ms["call"] / ms["transform"]
        print(
            f"| {n} | {ms['transform']:.2f} | {ms['minmax']:.2f} | {ms['call']:.2f} | "
            f"{ms['predict']:.2f} | {ratio:.2f} |"
        )


def grid_search_table():
    from sklearn.model_selection import GridSearchCV

    X = load_digits().data
    print("\nGridSearchCV, 4 encoding_dim x 5 folds, load_digits, 30 epochs")
    print("| n_jobs | wall s |")
    print("|---:|---:|")
    walls = {}
    for n_jobs in (1, 2):
        search = GridSearchCV(
            skae.AutoencoderTransformer(
                hidden_layer_sizes=WIDTH, epochs=30, random_state=0
            ),
            {"encoding_dim": [2, 4, 8, 16]},
            cv=5,
            n_jobs=n_jobs,
        )
        walls[n_jobs] = median_time(lambda s=search: s.fit(X), 1)
        print(f"| {n_jobs} | {walls[n_jobs]:.1f} |")
    print(f"speed-up with 2 jobs: {walls[1] / walls[2]:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="digits fit table only")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, no GPU used")
    X = (load_digits().data / 16.0).astype(np.float32)
    fit_table("load_digits", X, 100, args.repeats)
    if args.quick:
        return
    SHAPE.update(hidden=128, code=16)
    images = np.random.default_rng(0).random((8000, 784), dtype=np.float32)
    fit_table("784-feature rows", images, 20, args.repeats)
    growth_table((1000, 4000, 16000, 64000))
    transform_table(args.repeats)
    grid_search_table()


if __name__ == "__main__":
    main()
