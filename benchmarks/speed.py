"""Fit time of skae against hand-written Keras and scikit-learn, as ratios in one run.

Workload (DESIGN.md): a 64-32-8-32-64 autoencoder on ``load_digits`` scaled to
[0, 1], 100 epochs, batch 32, no early stopping. Each contender is timed
``--repeats`` times after one warm-up; the table gives medians and ratios to the
whole-epoch ``tf.function`` loop.

    python benchmarks/speed.py [--repeats 3] [--epochs 100]
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


def keras_model(keras):
    inputs = keras.Input((64,))
    h = keras.layers.Dense(32, activation="relu")(inputs)
    h = keras.layers.Dense(8)(h)
    h = keras.layers.Dense(32, activation="relu")(h)
    outputs = keras.layers.Dense(64, activation="sigmoid")(h)
    return keras.Model(inputs, outputs)


def keras_numpy(X, epochs):
    import keras

    model = keras_model(keras)
    model.compile("adam", "mse")
    model.fit(X, X, epochs=epochs, batch_size=32, verbose=0)


def tf_function_epoch(X, epochs):
    """The whole epoch inside one tf.function: the hand-written lower bound."""
    import keras
    import tensorflow as tf

    model = keras_model(keras)
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


def skae_fit(X, epochs):
    skae.AutoencoderTransformer(
        8,
        hidden_layer_sizes=(32,),
        epochs=epochs,
        early_stopping=False,
        n_iter_no_change=epochs,
        scaling=None,
        random_state=0,
    ).fit(X)


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
    "keras model.fit(numpy)": keras_numpy,
    "sklearn MLPRegressor": mlp,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    args = parser.parse_args()
    X = (load_digits().data / 16.0).astype(np.float32)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; {len(X)} rows")
    times = {}
    for name, run in CONTENDERS.items():
        run(X, 1)  # warm-up: imports, first tracing
        samples = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            run(X, args.epochs)
            samples.append(time.perf_counter() - start)
        times[name] = statistics.median(samples)
        print(f"  {name}: {times[name]:.2f} s (median of {args.repeats})", flush=True)
    base = times["tf.function whole epoch"]
    print(f"\n| how ({args.epochs} epochs, batch 32) | median s | × tf.function |")
    print("|---|---:|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {seconds:.2f} | {seconds / base:.2f} |")


if __name__ == "__main__":
    main()
