"""The only module that imports Keras: model builders, training and prediction.

It is imported on the first ``fit`` or unpickle, never by ``import skae``, because
importing TensorFlow takes seconds.
"""

import functools
import math
import os
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# TensorFlow's C++ start-up chatter (CPU features, missing CUDA) is not the
# user's business; users who want it set the variable themselves.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import contextlib  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402

# Lines TensorFlow's C++ core writes straight to file descriptor 2 while it loads,
# whatever TF_CPP_MIN_LOG_LEVEL says (TF 2.21): absl's banner, oneDNN and CUDA
# probing. Anything else it writes is passed on.
_STARTUP_NOISE = re.compile(
    r"absl::InitializeLog|oneDNN custom operations|cuda drivers|cuInit|"
    r"Unable to register cu|TF-TRT|computation placer|rebuild TensorFlow|"
    r"cpu_feature_guard|^\s*$"
)


@contextlib.contextmanager
def _quiet_stderr_fd():
    """Capture fd 2 while TensorFlow loads; replay all but its start-up noise."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded interpreters)
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode(errors="replace").splitlines():
                if not _STARTUP_NOISE.search(line):
                    print(line, file=sys.stderr)


with _quiet_stderr_fd():
    import keras  # noqa: E402
    import tensorflow as tf  # noqa: E402
from tensorflow.python.eager import context  # noqa: E402

from skae._base import scaled_float32  # noqa: E402
from skae._layers import Autoencoder, Corruption, FusedAdam  # noqa: E402

if keras.backend.backend() != "tensorflow":  # pragma: no cover - environment
    raise ImportError(
        "skae trains with the TensorFlow backend of Keras, but Keras was loaded "
        f"with the {keras.backend.backend()!r} backend; set KERAS_BACKEND=tensorflow "
        "before importing keras."
    )

OPTIMIZERS = {
    "adam": FusedAdam,
    "adadelta": keras.optimizers.Adadelta,
    "rmsprop": keras.optimizers.RMSprop,
    "sgd": keras.optimizers.SGD,
}

# Keras's own defaults leave Adadelta (1e-3) and SGD nearly frozen on the epoch
# budgets people give an autoencoder; these are the rates the source tutorials use.
DEFAULT_LEARNING_RATES = {"adam": 1e-3, "adadelta": 1.0, "rmsprop": 1e-3, "sgd": 1e-2}

# Inference batches. Up to FIXED_UP_TO rows, every forward pass gets exactly
# PREDICT_BATCH rows (the last padded), all in one compiled call: float32 matrix
# products round differently for different batch shapes, and a fixed shape makes
# each row's result independent of the rows it is transformed with (scikit-learn
# checks this on small inputs), while small calls skip Keras's eager per-layer
# dispatch. Larger inputs go through one compiled call per LARGE_BATCH rows,
# which runs at the speed of a whole-array call without its memory (padded
# chunks measured 0.8x a bare encoder call at 4 000 rows). 128 rows: a 1-row call
# computes 127 padded rows, and 256 made it 1.2-1.6x a bare call (measured).
PREDICT_BATCH = 128
FIXED_UP_TO = 1024
LARGE_BATCH = 4096


class SeedSequence:
    """Hand out distinct integer seeds derived from one fit seed."""

    def __init__(self, seed):
        self._seeds = np.random.SeedSequence(seed)

    def next(self):
        (child,) = self._seeds.spawn(1)
        return int(child.generate_state(1)[0] & 0x7FFFFFFF)


class Blocks:
    """Makes seeded, regularised layers from the estimator's parameters.

    Every layer gets its own seed from ``seeds``, so a fit is reproducible without
    touching Keras's global seed.
    """

    def __init__(self, seeds, *, activation, alpha, dropout, batch_norm):
        self.seeds = seeds
        self.activation = activation
        self.regularizer = keras.regularizers.L2(alpha) if alpha else None
        self.dropout = dropout
        self.batch_norm = batch_norm

    def _init(self):
        return keras.initializers.GlorotUniform(seed=self.seeds.next())

    def dense(self, units, activation=None, **kwargs):
        return keras.layers.Dense(
            units,
            activation=activation,
            kernel_initializer=self._init(),
            kernel_regularizer=self.regularizer,
            **kwargs,
        )

    def conv(self, filters, *, strides=1, transpose=False, activation=None):
        Conv = keras.layers.Conv2DTranspose if transpose else keras.layers.Conv2D
        return Conv(
            filters,
            3,
            strides=strides,
            padding="same",
            activation=activation,
            kernel_initializer=self._init(),
            kernel_regularizer=self.regularizer,
        )

    def finish(self, h, activation):
        """Activation, then batch normalisation and dropout when asked for."""
        if activation == "leaky_relu":
            h = keras.layers.LeakyReLU(negative_slope=0.2)(h)
        else:
            h = keras.layers.Activation(activation)(h)
        if self.batch_norm:
            # Moving statistics that follow the batches within a few dozen steps
            # (PyTorch's default; Keras's 0.99 needs hundreds): with 0.99, conv
            # + batch norm on 480 RGB patches scored a test MSE of 0.115 after
            # 5 epochs, worse than the mean's 0.10, and 0.013 with 0.9; long fits
            # ended level (0.0077 and 0.0079 after 35 epochs).
            h = keras.layers.BatchNormalization(momentum=0.9)(h)
        if self.dropout:
            h = keras.layers.Dropout(self.dropout, seed=self.seeds.next())(h)
        return h


def build_dense(n_features, encoding_dim, blocks, *, hidden_layer_sizes, **code):
    """Dense encoder ``n_features -> hidden... -> code`` and its mirror image."""
    inputs = keras.Input((n_features,), name="x")
    h = inputs
    for width in hidden_layer_sizes:
        h = blocks.finish(blocks.dense(width)(h), blocks.activation)
    encoder = keras.Model(
        inputs, _code(h, encoding_dim, blocks, **code), name="encoder"
    )

    codes = keras.Input((encoding_dim,), name="z")
    h = codes
    for width in reversed(hidden_layer_sizes):
        h = blocks.finish(blocks.dense(width)(h), blocks.activation)
    outputs = blocks.dense(n_features, code["output_activation"])(h)
    return encoder, keras.Model(codes, outputs, name="decoder")


def _code(h, encoding_dim, blocks, *, code_activation, sparsity, output_activation):
    regularizer = keras.regularizers.L1(sparsity) if sparsity else None
    layer = blocks.dense(
        encoding_dim, code_activation, activity_regularizer=regularizer, name="code"
    )
    return layer(h)


def build_conv(
    n_features, encoding_dim, blocks, *, image_shape, filters, pooling, **code
):
    """Convolutional encoder on flat rows reshaped to ``image_shape``, and its mirror.

    ``pooling=False``: Conv2D(3x3, stride 2) + LeakyReLU(0.2) blocks and
    Conv2DTranspose(stride 2) on the way back (Keras's convolutional autoencoder
    tutorial). ``pooling=True``: Conv2D + ReLU + MaxPooling2D, and Conv2D +
    UpSampling2D on the way back (the Keras blog's). A Dense layer makes the code
    in both; the output is cropped back to the image size when halving rounded up.
    """
    height, width, channels = image_shape
    inputs = keras.Input((n_features,), name="x")
    h = keras.layers.Reshape(image_shape)(inputs)
    for f in filters:
        if pooling:
            h = blocks.finish(blocks.conv(f)(h), "relu")
            h = keras.layers.MaxPooling2D(2, padding="same")(h)
        else:
            h = blocks.finish(blocks.conv(f, strides=2)(h), "leaky_relu")
    feature_shape = tuple(h.shape[1:])
    h = keras.layers.Flatten()(h)
    encoder = keras.Model(
        inputs, _code(h, encoding_dim, blocks, **code), name="encoder"
    )

    codes = keras.Input((encoding_dim,), name="z")
    h = blocks.dense(math.prod(feature_shape))(codes)
    h = keras.layers.Reshape(feature_shape)(h)
    for f in reversed(filters):
        if pooling:
            h = blocks.finish(blocks.conv(f)(h), "relu")
            h = keras.layers.UpSampling2D(2)(h)
        else:
            h = blocks.finish(
                blocks.conv(f, strides=2, transpose=True)(h), "leaky_relu"
            )
    h = blocks.conv(
        channels, transpose=not pooling, activation=code["output_activation"]
    )(h)
    extra_h, extra_w = h.shape[1] - height, h.shape[2] - width
    if extra_h or extra_w:
        h = keras.layers.Cropping2D(((0, extra_h), (0, extra_w)))(h)
    outputs = keras.layers.Flatten()(h)
    return encoder, keras.Model(codes, outputs, name="decoder")


def build_custom(builder, n_features, encoding_dim, seed):
    """Call a user's ``builder`` and check that what comes back fits together."""
    built = builder(n_features, encoding_dim, seed=seed)
    if not (
        isinstance(built, tuple)
        and len(built) == 2
        and all(isinstance(m, keras.Model) for m in built)
    ):
        raise TypeError(
            "builder must return a tuple (encoder, decoder) of two keras.Model, "
            f"got {type(built).__name__}."
        )
    expected = {
        "encoder": ((n_features,), (encoding_dim,)),
        "decoder": ((encoding_dim,), (n_features,)),
    }
    wrapped = []
    for (name, (shape_in, shape_out)), model in zip(
        expected.items(), built, strict=True
    ):
        inputs = keras.Input(shape_in)
        try:
            outputs = model(inputs)
        except Exception as exc:
            raise ValueError(
                f"builder's {name} does not accept inputs of shape (None, "
                f"{shape_in[0]}): {exc}"
            ) from exc
        if tuple(outputs.shape[1:]) != shape_out:
            raise ValueError(
                f"builder's {name} must map (None, {shape_in[0]}) to (None, "
                f"{shape_out[0]}), but it returns {tuple(outputs.shape)}."
            )
        # Re-wrapped under a fixed name, so the encoder and decoder can be found
        # again inside the trained (or unpickled) autoencoder.
        wrapped.append(keras.Model(inputs, outputs, name=name))
    return tuple(wrapped)


def assemble(encoder, decoder, *, corruption=None, contractive=0.0, seeds=None):
    """Chain encoder and decoder into the trainable autoencoder.

    ``corruption`` is ``None`` or ``(noise, noise_factor, low, high)``: a
    :class:`Corruption` layer in front of the encoder, active only while training,
    so the same model reconstructs clean inputs at inference.
    """
    inputs = keras.Input(encoder.input_shape[1:], name="x")
    h = inputs
    if corruption is not None:
        noise, factor, low, high = corruption
        layer = Corruption(
            noise, factor, low, high, seed=seeds.next(), name="corruption"
        )
        h = layer(h)
    return Autoencoder(
        inputs,
        decoder(encoder(h)),
        contractive=contractive,
        seed=seeds.next() if seeds is not None else None,
        name="autoencoder",
    )


def split_model(model):
    """Return the encoder and decoder that share ``model``'s weights."""
    return model.get_layer("encoder"), model.get_layer("decoder")


class StopOnNaN(keras.callbacks.TerminateOnNaN):
    """Keras's TerminateOnNaN without its message: with verbose=0 nothing is
    printed, and the estimator raises its own error naming the fix."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            self.model.stop_training = True


class EarlyStoppingAtMinimum(keras.callbacks.EarlyStopping):
    """Keras's EarlyStopping, restoring the weights of the epoch with the lowest
    monitored loss, as scikit-learn's MLP keeps its best: Keras saves weights
    only on an improvement by more than ``min_delta`` (``tol``), so smaller
    gains were dropped and an older epoch restored (digits, tol=1e-3: epoch 44,
    val_loss 0.00893, kept over epoch 53's 0.00827). ``min_delta`` still
    decides when to stop."""

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.lowest = np.inf

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        current = self.get_monitor_value(logs)
        if current is not None and current < self.lowest:
            self.lowest = current
            if self.best_epoch != epoch:  # not saved by Keras just now
                self.best_weights = self.model.get_weights()
                self.best_epoch = epoch


class EpochProgress(keras.callbacks.Callback):
    """One line per epoch: loss, val_loss, elapsed time and an upper bound on the
    time left. Plain ``print`` lines, so terminals and Jupyter show them alike
    (Keras's own bar counts steps, and skae trains one epoch per step)."""

    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.perf_counter() - self.start
        left = elapsed / (epoch + 1) * (self.epochs - epoch - 1)
        losses = " - ".join(f"{k} {v:.4g}" for k, v in (logs or {}).items())
        print(
            f"epoch {epoch + 1}/{self.epochs} - {losses} - {elapsed:.1f}s elapsed"
            f" - ETA {left:.0f}s (at most)",
            flush=True,
        )


def _keep_retracing_quiet(record):
    """Logging filter for the duration of a fit: each fit traces Keras's train
    function once, by design, and a run of short fits (a grid search) would set
    off TensorFlow's "excessive retracing" warning, which blames the user."""
    return "triggered tf.function retracing" not in record.getMessage()


def to_tensor(X):
    """The training data as a TensorFlow tensor (one copy)."""
    return tf.constant(X)


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
    jit_compile="auto",
):
    """Compile and fit ``model`` on rows of the tensor ``X``; return the history.

    Training stops once the validation loss (the training loss when there are no
    validation rows) has not improved by ``tol`` for ``n_iter_no_change`` epochs,
    and the best weights seen are kept, as in scikit-learn's MLP.
    """
    batch_size = min(batch_size, len(train_idx))
    if learning_rate == "auto":
        lr = DEFAULT_LEARNING_RATES[optimizer]
    else:
        lr = float(learning_rate)  # Keras rejects NumPy scalars
    model.compile(
        optimizer=OPTIMIZERS[optimizer](learning_rate=lr),
        loss=loss,
        jit_compile=jit_compile,
    )
    # Create the optimizer's slots and the compiled loss's state now: Keras would
    # create them inside the first trace of the train step, and TensorFlow traces
    # a function that creates variables twice (measured: a third of a digits fit).
    model.optimizer.build(model.trainable_variables)
    sample = tf.gather(X, train_idx[:2])
    model.compute_loss(x=sample, y=sample, y_pred=model(sample), training=False)
    # One element per epoch: which rows train and which validate.
    epoch = {"train_rows": tf.constant(train_idx)}
    if len(val_idx):
        epoch["val_rows"] = tf.constant(val_idx)
    # Nothing in this one-element pipeline needs tuning, and tf.data's autotuning
    # thread, which sleeps for growing periods, held up the end of one fit in
    # two by about a second while the iterator waited for it to wake (timed
    # around 784-feature fits of 4-5 s; fit times in benchmarks/speed.py).
    options = tf.data.Options()
    options.autotune.enabled = False
    epochs_data = tf.data.Dataset.from_tensors(epoch).repeat().with_options(options)
    model.epoch_rows = X
    model.epoch_batch_size = batch_size
    model.epoch_shuffle = shuffle
    all_callbacks = [
        StopOnNaN(),
        EarlyStoppingAtMinimum(
            monitor="val_loss" if len(val_idx) else "loss",
            min_delta=tol,
            patience=n_iter_no_change,
            restore_best_weights=True,
        ),
        *callbacks,
    ]
    if verbose:
        all_callbacks.append(EpochProgress(epochs))
    tf_logger = tf.get_logger()
    tf_logger.addFilter(_keep_retracing_quiet)
    try:
        history = model.fit(
            epochs_data,
            epochs=epochs,
            steps_per_epoch=1,
            shuffle=False,  # train_step shuffles, with the model's own seed
            callbacks=all_callbacks,
            verbose=0,
        )
    finally:
        # The traced step holds the training data; a fitted model must not.
        model.epoch_rows = None
        # The user's callbacks (estimator parameters) keep what they recorded but
        # not the model Keras gave them: it would be pickled and cloned with them.
        for callback in callbacks:
            callback.set_model(None)
        model.train_function = None
        # TensorFlow's eager kernel cache keeps an entry for every op with
        # per-fit attributes (each new variable's handle, the dataset's ops) for
        # the life of the process: 1.05 MB per fit, 0.18 MB with it cleared (over
        # 120 digits fits; benchmarks/memory.py shows flat RSS over 200). Keras's
        # clear_session clears it the same way; dropped kernels are rebuilt on
        # their next call.
        context.context().clear_kernel_cache()
        tf_logger.removeFilter(_keep_retracing_quiet)
    return {k: [float(v) for v in values] for k, values in history.history.items()}


def predict(model, X, offset=None, scale=None):
    """Run ``model`` in inference mode on ``X``; return float32 NumPy.

    With ``offset`` and ``scale`` (the estimator's per-feature scaling), rows are
    scaled as ``(X - offset) / scale`` inside the compiled call, so a large
    ``X`` is never copied whole in NumPy (float64 input is cast to float32 a
    chunk at a time, scaled on the way when float32 would blur it; up to
    FIXED_UP_TO rows are copied into one padded array).
    """
    to_float32 = _float32
    if offset is not None and X.dtype == np.float64 and _float32_blurs(offset, scale):
        # Scale in float64, a chunk at a time, before the cast to float32, and
        # call the unscaled functions: in float32, 1e7 plus a spread of 1 comes
        # out in steps of 1, and 1e39 as infinity. Only then: it measured 30 %
        # slower transforms of 64 000 rows.
        to_float32 = functools.partial(
            scaled_float32, offset=offset, inv_scale=1.0 / np.asarray(scale)
        )
        offset = None
    functions = _inference_functions(model, scaled=offset is not None)
    if offset is None:
        scaling = ()
    else:
        scaling = (
            tf.constant(offset, tf.float32),
            tf.constant(1.0 / np.asarray(scale), tf.float32),
        )
    n, shape = len(X), X.shape[1:]
    if n > FIXED_UP_TO:
        return np.concatenate(
            [
                functions["large"](to_float32(X[i : i + LARGE_BATCH]), *scaling).numpy()
                for i in range(0, n, LARGE_BATCH)
            ]
        )
    # At most FIXED_UP_TO rows: padding them in one small copy costs less than
    # a second compiled call for the last chunk.
    chunks = np.zeros((-(-n // PREDICT_BATCH) * PREDICT_BATCH, *shape), np.float32)
    to_float32(X, out=chunks[:n])
    chunks = chunks.reshape(-1, PREDICT_BATCH, *shape)
    out = functions["fixed"](chunks, *scaling).numpy()
    return out.reshape(-1, *out.shape[2:])[:n]


def _float32_blurs(offset, scale):
    """Whether rows cast to float32 before their offset is subtracted lose
    what tells them apart: an offset over about 1 700 times a feature's scale
    (float32 keeps 24 bits, 1e-4 of the scale lost), or values beyond the
    range of float32's normal numbers."""
    info = np.finfo(np.float32)
    offset, scale = np.abs(offset), np.asarray(scale)
    return bool(
        np.any(offset * info.eps > 1e-4 * scale)
        or np.any(offset + scale > info.max / 16)
        or np.any(scale < info.tiny * 2**14)
    )


def _float32(X, out=None):
    """``X`` as float32, into ``out`` if given; no copy of contiguous float32
    rows."""
    if out is None:
        return np.ascontiguousarray(X, dtype=np.float32)
    out[...] = X
    return out


def _inference_functions(model, *, scaled):
    """Compiled inference calls of ``model``, traced once per model and kept on it
    (a cycle the garbage collector frees with it): ``"fixed"`` maps a stack of
    PREDICT_BATCH-row chunks, ``"large"`` takes any number of rows."""
    key = "_skae_inference_scaled" if scaled else "_skae_inference"
    functions = getattr(model, key, None)
    if functions is None:
        in_shape = model.input_shape[1:]
        scaling = [tf.TensorSpec(in_shape, tf.float32)] * 2 if scaled else []
        # Partials, not closures: TensorFlow counts traces per code object, and
        # one trace for each of many models (a grid search) would otherwise set
        # off its "excessive retracing" warning.
        functions = {
            "fixed": tf.function(
                functools.partial(_map_chunks, model),
                input_signature=[
                    tf.TensorSpec((None, PREDICT_BATCH, *in_shape), tf.float32),
                    *scaling,
                ],
            ),
            "large": tf.function(
                functools.partial(_call, model),
                input_signature=[
                    tf.TensorSpec((None, *in_shape), tf.float32),
                    *scaling,
                ],
            ),
        }
        setattr(model, key, functions)
    return functions


def _call(model, X, offset=None, inv_scale=None):
    if offset is not None:
        X = (X - offset) * inv_scale
    return model(X, training=False)


def _map_chunks(model, chunks, offset=None, inv_scale=None):
    if offset is not None:
        chunks = (chunks - offset) * inv_scale  # once for the stack, not per chunk
    out_shape = (PREDICT_BATCH, *model.output_shape[1:])
    return tf.map_fn(
        lambda chunk: model(chunk, training=False),
        chunks,
        fn_output_signature=tf.TensorSpec(out_shape, tf.float32),
    )


def check_exportable_scaling(scale):
    """Keras's Normalization holds float32 variances and divides by at least
    ``keras.config.epsilon()``: feature scales outside that range would export
    models that disagree with the estimator (or fail to build)."""
    low, high = keras.config.epsilon(), np.sqrt(np.finfo(np.float32).max)
    if np.any(scale < low) or np.any(scale > high):
        raise ValueError(
            "export_keras folds the scaling into Keras Normalization layers, "
            f"which need feature scales in [{low:.0e}, {high:.1e}]; this "
            f"estimator's scale_ spans [{scale.min():.3g}, {scale.max():.3g}]. "
            "Refit on rescaled data (e.g. X * 1e6), or save with pickle."
        )


def with_scaling(encoder, decoder, offset, scale, output_scale):
    """Encoder and decoder that work in the data's units: the estimator's
    per-feature scaling is folded in as Normalization layers."""
    x = keras.Input(encoder.input_shape[1:], name="x")
    h = keras.layers.Normalization(
        mean=offset, variance=np.square(scale), name="scaling"
    )(x)
    raw_encoder = keras.Model(x, encoder(h), name="encoder")
    z = keras.Input(decoder.input_shape[1:], name="z")
    out = keras.layers.Normalization(
        mean=offset, variance=np.square(output_scale), invert=True, name="unscaling"
    )(decoder(z))
    return raw_encoder, keras.Model(z, out, name="decoder")


def load(model):
    """A Keras model, or one loaded from a ``.keras`` path."""
    if isinstance(model, keras.Model):
        return model
    return keras.saving.load_model(model)


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
