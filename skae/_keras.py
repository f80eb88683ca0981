"""The only module that imports Keras: model builders, training and prediction.

It is imported on the first ``fit`` or unpickle, never by ``import skae``, because
importing TensorFlow takes seconds.
"""

import math
import os
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# TensorFlow's C++ start-up chatter (CPU features, missing CUDA) is not the
# user's business; users who want it set the variable themselves.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from skae._layers import Corruption  # noqa: E402

if keras.backend.backend() != "tensorflow":  # pragma: no cover - environment
    raise ImportError(
        "skae trains with the TensorFlow backend of Keras, but Keras was loaded "
        f"with the {keras.backend.backend()!r} backend; set KERAS_BACKEND=tensorflow "
        "before importing keras."
    )

OPTIMIZERS = {
    "adam": keras.optimizers.Adam,
    "adadelta": keras.optimizers.Adadelta,
    "rmsprop": keras.optimizers.RMSprop,
    "sgd": keras.optimizers.SGD,
}

# Keras's own defaults leave Adadelta (1e-3) and SGD nearly frozen on the epoch
# budgets people give an autoencoder; these are the rates the source tutorials use.
DEFAULT_LEARNING_RATES = {"adam": 1e-3, "adadelta": 1.0, "rmsprop": 1e-3, "sgd": 1e-2}

# Rows per forward pass in transform/inverse_transform. Every pass gets exactly
# this many rows (the last one padded): float32 matrix products round differently
# for different batch shapes, and a fixed shape makes each row's result
# independent of the rows it is transformed with (scikit-learn checks this).
PREDICT_BATCH = 256


class SeedSequence:
    """Hand out distinct integer seeds derived from one fit seed."""

    def __init__(self, seed):
        self._seeds = np.random.SeedSequence(seed)

    def next(self):
        (child,) = self._seeds.spawn(1)
        return int(child.generate_state(1)[0] & 0x7FFFFFFF)


def _dense(units, activation, seeds, name):
    return keras.layers.Dense(
        units,
        activation=activation,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds.next()),
        name=name,
    )


def build_dense(
    n_features,
    *,
    encoding_dim,
    hidden_layer_sizes,
    activation,
    output_activation,
    seeds,
):
    """Build a dense encoder and its mirrored decoder as two Keras models."""
    inputs = keras.Input((n_features,), name="x")
    h = inputs
    for i, width in enumerate(hidden_layer_sizes):
        h = _dense(width, activation, seeds, f"encoder_{i}")(h)
    code = _dense(encoding_dim, None, seeds, "code")(h)
    encoder = keras.Model(inputs, code, name="encoder")

    codes = keras.Input((encoding_dim,), name="z")
    h = codes
    for i, width in enumerate(reversed(hidden_layer_sizes)):
        h = _dense(width, activation, seeds, f"decoder_{i}")(h)
    outputs = _dense(n_features, output_activation, seeds, "reconstruction")(h)
    decoder = keras.Model(codes, outputs, name="decoder")
    return encoder, decoder


def assemble(encoder, decoder, corruption=None, seeds=None):
    """Chain encoder and decoder into the trainable autoencoder.

    ``corruption`` is ``None`` or ``(noise, noise_factor, low, high)``: a
    :class:`Corruption` layer in front of the encoder, active only while training,
    so the same model reconstructs clean inputs at inference.
    """
    inputs = keras.Input(encoder.input_shape[1:], name="x")
    h = inputs
    if corruption is not None:
        noise, factor, low, high = corruption
        h = Corruption(noise, factor, low, high, seed=seeds.next(), name="corruption")(
            h
        )
    return keras.Model(inputs, decoder(encoder(h)), name="autoencoder")


def split_model(model):
    """Return the encoder and decoder that share ``model``'s weights."""
    return model.get_layer("encoder"), model.get_layer("decoder")


def _batches(X, indices, batch_size, shuffle_seed=None):
    """A dataset of ``(x, x)`` batches gathered from one in-memory copy of ``X``.

    Shuffling indices rather than rows keeps the shuffle buffer at 8 bytes a row.
    """
    data = tf.data.Dataset.from_tensor_slices(indices)
    if shuffle_seed is not None:
        data = data.shuffle(
            len(indices), seed=shuffle_seed, reshuffle_each_iteration=True
        )

    def gather(idx):
        rows = tf.gather(X, idx)
        return rows, rows

    return data.batch(batch_size).map(gather).prefetch(tf.data.AUTOTUNE)


def train(
    model,
    X,
    *,
    train_idx,
    val_idx,
    loss,
    optimizer,
    learning_rate,
    epochs,
    batch_size,
    shuffle,
    n_iter_no_change,
    tol,
    seeds,
    verbose,
    callbacks=(),
):
    """Compile and fit ``model`` on rows of ``X``; return the Keras history dict.

    Training stops once the validation loss (the training loss when there are no
    validation rows) has not improved by ``tol`` for ``n_iter_no_change`` epochs,
    and the best weights seen are kept, as in scikit-learn's MLP.
    """
    X = tf.constant(X)
    batch_size = min(batch_size, len(train_idx))
    steps = math.ceil(len(train_idx) / batch_size)
    lr = DEFAULT_LEARNING_RATES[optimizer] if learning_rate == "auto" else learning_rate
    # One execution per epoch: Keras's per-step Python overhead otherwise
    # dominates the small data sets scikit-learn users fit.
    model.compile(
        optimizer=OPTIMIZERS[optimizer](learning_rate=lr),
        loss=loss,
        steps_per_execution=steps,
        jit_compile=False,
    )
    train_data = _batches(X, train_idx, batch_size, seeds.next() if shuffle else None)
    val_data = None
    if len(val_idx):
        val_data = _batches(X, val_idx, max(batch_size, 1024))
    monitor = "val_loss" if val_data is not None else "loss"
    all_callbacks = [
        keras.callbacks.TerminateOnNaN(),
        keras.callbacks.EarlyStopping(
            monitor=monitor,
            min_delta=tol,
            patience=n_iter_no_change,
            restore_best_weights=True,
        ),
        *callbacks,
    ]
    history = model.fit(
        train_data,
        epochs=epochs,
        validation_data=val_data,
        callbacks=all_callbacks,
        verbose=2 if verbose else 0,
        shuffle=False,  # the dataset shuffles itself, with its own seed
    )
    return {k: [float(v) for v in values] for k, values in history.history.items()}


def predict(model, X):
    """Run ``model`` in inference mode on ``X``, in fixed-size batches; float32."""
    X = np.asarray(X, dtype=np.float32)
    out = []
    for start in range(0, len(X), PREDICT_BATCH):
        chunk = X[start : start + PREDICT_BATCH]
        n = len(chunk)
        if n < PREDICT_BATCH:
            chunk = np.concatenate(
                [chunk, np.zeros((PREDICT_BATCH - n, *X.shape[1:]), np.float32)]
            )
        out.append(model(chunk, training=False).numpy()[:n])
    return np.concatenate(out)


def model_to_bytes(model):
    """Serialise ``model`` (architecture, weights, optimizer) as ``.keras`` bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as f:
            return f.read()


def model_from_bytes(data):
    """Inverse of :func:`model_to_bytes`."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as f:
            f.write(data)
        return keras.saving.load_model(path)
