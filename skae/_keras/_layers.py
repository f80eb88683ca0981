"""The corruption layer and the autoencoder model that trains whole epochs."""

import contextlib
import dataclasses

import keras
from keras import ops


@dataclasses.dataclass(frozen=True)
class EpochData:
    """What :meth:`Autoencoder.train_step` trains an epoch on: ``rows``, the
    scaled training data as one tensor (indexed by the epoch's row indices),
    ``batch_size`` and whether to ``shuffle`` the rows each epoch."""

    rows: object
    batch_size: int
    shuffle: bool


@keras.saving.register_keras_serializable(package="skae")
class Corruption(keras.layers.Layer):
    """Corrupt the input while training; the identity at inference.

    Parameters
    ----------
    noise : {"gaussian", "masking", "salt_pepper"}
        ``"gaussian"`` adds ``noise_factor * N(0, 1)`` and clips to ``[low, high]``;
        ``"masking"`` sets a fraction ``noise_factor`` of the inputs to ``low``;
        ``"salt_pepper"`` sets a fraction ``noise_factor`` of the inputs to ``low``
        or ``high`` with equal probability.
    noise_factor : float
        Standard deviation (gaussian) or corrupted fraction (masking, salt_pepper).
    low, high : list of float
        Per-feature range of the (scaled) training data.
    seed : int
        Seed of the layer's own :class:`keras.random.SeedGenerator`, so the noise is
        reproducible and differs from one step to the next.
    """

    def __init__(self, noise, noise_factor, low, high, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.noise = noise
        self.noise_factor = float(noise_factor)
        self.low = [float(v) for v in low]
        self.high = [float(v) for v in high]
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training:
            return inputs
        low = ops.convert_to_tensor(self.low, dtype=inputs.dtype)
        high = ops.convert_to_tensor(self.high, dtype=inputs.dtype)
        shape = ops.shape(inputs)
        if self.noise == "gaussian":
            noise = keras.random.normal(shape, seed=self.seed_generator)
            return ops.clip(inputs + self.noise_factor * noise, low, high)
        hit = keras.random.uniform(shape, seed=self.seed_generator) < self.noise_factor
        if self.noise == "masking":
            return ops.where(hit, low, inputs)
        salt = keras.random.uniform(shape, seed=self.seed_generator) < 0.5
        return ops.where(hit, ops.where(salt, high, low), inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "noise": self.noise,
            "noise_factor": self.noise_factor,
            "low": self.low,
            "high": self.high,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="skae")
class Autoencoder(keras.Model):
    """A functional autoencoder ``decoder(encoder(x))`` that trains a whole epoch
    per step, with an optional contractive penalty.

    ``contractive`` weighs ``||dh/dx||_F^2``, the squared Frobenius norm of the
    encoder's Jacobian at each input row (Rifai et al., 2011), averaged over the
    batch and added to the loss.

    Inside :meth:`training_on` and fed ``{"train_rows": ..., "val_rows": ...}``
    (indices into the data given to it), :meth:`train_step` runs one shuffled
    epoch of mini-batch steps inside the graph and reports ``loss`` and
    ``val_loss``: Keras's per-batch iterator and per-epoch ``evaluate`` call
    dominate small fits, and this runs at the speed of a hand-written
    whole-epoch ``tf.function`` (benchmarks/README.md, D1). Fed ordinary ``(x, y)``
    batches (a streamed ``tf.data`` pipeline, say), it is a plain Keras model;
    fed batches of ``x`` alone, it reconstructs them.
    """

    def __init__(self, *args, contractive=0.0, seed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contractive = float(contractive)
        self.seed = seed
        self.shuffle_seed = keras.random.SeedGenerator(seed)
        self.epoch_data = None

    @contextlib.contextmanager
    def training_on(self, rows, *, batch_size, shuffle):
        """Train whole epochs over the tensor ``rows`` while in this context.

        The traced step captures ``rows`` rather than having tf.data feed them,
        since tf.data copies a dataset element on every epoch; leaving the
        context lets go of them, so a fitted model never holds its training data.
        """
        self.epoch_data = EpochData(rows, batch_size, shuffle)
        try:
            yield
        finally:
            self.epoch_data = None

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        loss = super().compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
        )
        if self.contractive:
            penalty = self.contractive * jacobian_norm(self.get_layer("encoder"), x)
            loss = loss + _per_replica(penalty)
        return loss

    def train_step(self, data):
        if isinstance(data, dict) and "block" in data:  # a streamed block of rows
            from skae._keras._stream import train_block

            size, shuffle = self.epoch_data.batch_size, self.epoch_data.shuffle
            return train_block(self, data["block"], size, shuffle)
        if not (isinstance(data, dict) and "train_rows" in data):
            return _across_workers(super().train_step(_with_targets(data)))
        import tensorflow as tf

        X, size = self.epoch_data.rows, self.epoch_data.batch_size
        rows = data["train_rows"]
        if self.epoch_data.shuffle:
            rows = keras.random.shuffle(rows, seed=self.shuffle_seed)
        # Every batch has a static shape (the full ones in a loop, the rest in
        # one last step), so XLA compiles the epoch once when Keras asks for it.
        n = rows.shape[0]
        full, rest = divmod(n, size)

        def step(batch_rows):
            batch = tf.gather(X, batch_rows)
            with tf.GradientTape() as tape:
                y_pred = self(batch, training=True)
                loss = self.compute_loss(x=batch, y=batch, y_pred=y_pred)
            self._apply_gradients(tape.gradient(loss, self.trainable_weights))
            return loss * batch_rows.shape[0]

        def loop_body(i, total):
            return i + 1, total + step(tf.slice(rows, [i * size], [size]))

        _, total = tf.while_loop(
            lambda i, total: i < full, loop_body, (tf.constant(0), tf.constant(0.0))
        )
        if rest and self.jit_compile:
            # Under XLA the last batch runs in a one-step loop of its own: as a
            # plain step after the loop, XLA trained the contractive model far
            # worse (tests/test_architectures.py; benchmarks/README.md, D3).
            # Without XLA the plain step trains the same and keeps the graph
            # that benchmarks/speed.py measures.
            _, total = tf.while_loop(
                lambda i, total: i < 1,
                lambda i, total: (i + 1, total + step(rows[full * size :])),
                (tf.constant(0), total),
            )
        elif rest:
            total += step(rows[full * size :])
        # The epoch's row-weighted mean loss, given to Keras's loss tracker once
        # rather than per batch (its update is several ops a batch).
        self._loss_tracker.update_state(total / n, sample_weight=n)
        logs = {"loss": self._loss_tracker.result()}
        if "val_rows" in data:
            X_val = tf.gather(X, data["val_rows"])
            y_pred = self(X_val, training=False)
            logs["val_loss"] = self.compute_loss(
                x=X_val, y=X_val, y_pred=y_pred, training=False
            )
        return logs

    def test_step(self, data):
        return _across_workers(super().test_step(_with_targets(data)))

    def _apply_gradients(self, grads):
        """``optimizer.apply_gradients``, from the cross-replica context when
        training under TensorFlow's default (single-replica) strategy.

        In a replica context, Keras's TensorFlow optimizer all-reduces the
        gradients, which for one replica is the identity, but which registers a
        new ``tf.custom_gradient`` in TensorFlow's global gradient registry on
        every trace; that registry entry keeps the whole traced train step alive,
        with the training data it captured, so memory grew with every fit
        (benchmarks/README.md, D7).
        """
        import tensorflow as tf

        def apply(*_):
            pairs = zip(grads, self.trainable_weights, strict=True)
            self.optimizer.apply_gradients(pairs)

        context = tf.distribute.get_replica_context()
        if context is not None and not tf.distribute.has_strategy():
            context.merge_call(apply)
        else:
            apply()

    def get_config(self):
        return {
            **super().get_config(),
            "contractive": self.contractive,
            "seed": self.seed,
        }


def _with_targets(data):
    """A batch of inputs alone as an ``(x, y)`` pair whose target is the input;
    anything else unchanged. A strategy-distributed batch of one tensor, not a
    pair, is what Keras can also reduce across several workers to build the
    model (it cannot reduce a pair under ``MultiWorkerMirroredStrategy``)."""
    return data if isinstance(data, (tuple, list)) else (data, data)


def _across_workers(logs):
    """The step's ``logs``, as one-element vectors under a strategy with several
    workers, and unchanged otherwise.

    Keras reduces each log across workers along axis 0 (TensorFlow issue
    72388), which a scalar lacks; the logs come from Keras's metrics, whose
    variables the replicas keep in sync, so every replica holds the global
    value and the mean over replicas is that value, a scalar again.
    """
    import tensorflow as tf

    if not tf.distribute.has_strategy():
        return logs
    strategy = tf.distribute.get_strategy()
    if strategy.num_replicas_in_sync <= len(strategy.extended.worker_devices):
        return logs
    return {name: ops.reshape(value, (1,)) for name, value in logs.items()}


def _per_replica(loss):
    """``loss`` divided by the number of replicas of the active ``tf.distribute``
    strategy, as Keras divides the compiled loss: the replicas' gradients are
    summed. Unchanged without a strategy."""
    import tensorflow as tf

    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    return loss / replicas if replicas > 1 else loss


def jacobian_norm(encoder, x):
    """Mean over rows of the squared Frobenius norm of the encoder's Jacobian."""
    import tensorflow as tf

    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        codes = encoder(x, training=False)
    jacobian = tape.batch_jacobian(codes, x)
    return ops.mean(ops.sum(ops.square(jacobian), axis=(1, 2)))
