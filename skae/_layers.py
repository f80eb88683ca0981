"""Keras layers that skae's models are built from (imported only by ``_keras``)."""

import keras
from keras import ops


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

    Fed ``{"train_rows": ..., "val_rows": ...}`` (indices into ``epoch_rows``,
    the scaled training data), :meth:`train_step` runs one shuffled epoch of
    mini-batch steps inside the graph and reports ``loss`` and ``val_loss``.
    Keras's ``steps_per_execution`` with a ``tf.data`` pipeline was measured at
    1.7-2.4x a hand-written whole-epoch ``tf.function`` on small data (the
    per-batch iterator and the per-epoch ``evaluate`` call dominate); this runs
    at 0.95-1.07x of it on ``load_digits`` (benchmarks/speed.py). Fed ordinary
    ``(x, y)`` batches, it is a plain Keras model.
    """

    def __init__(self, *args, contractive=0.0, seed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contractive = float(contractive)
        self.seed = seed
        self.shuffle_seed = keras.random.SeedGenerator(seed)
        # Set by skae's training code for the duration of one fit.
        self.epoch_batch_size = 32
        self.epoch_shuffle = True
        self.epoch_rows = None

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        loss = super().compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
        )
        if self.contractive:
            loss = loss + self.contractive * jacobian_norm(self.get_layer("encoder"), x)
        return loss

    def train_step(self, data):
        if not (isinstance(data, dict) and "train_rows" in data):
            return super().train_step(data)
        import tensorflow as tf

        # The rows are captured by the traced step rather than fed by tf.data,
        # which copies a dataset element on every epoch.
        X, rows = self.epoch_rows, data["train_rows"]
        if self.epoch_shuffle:
            rows = keras.random.shuffle(rows, seed=self.shuffle_seed)
        # Every batch has a static shape (the full ones in a loop, the rest in
        # one last step), so XLA compiles the epoch once when Keras asks for it.
        n, size = rows.shape[0], self.epoch_batch_size
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
            # worse (loss 0.55 against 0.39 after 4 epochs, with or without an
            # explicit control dependency; tests/test_architectures.py). Without
            # XLA the plain step trains the same and keeps the graph that
            # benchmarks/speed.py measured.
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

    def _apply_gradients(self, grads):
        """``optimizer.apply_gradients``, from the cross-replica context when
        training under TensorFlow's default (single-replica) strategy.

        In a replica context, Keras's TensorFlow optimizer all-reduces the
        gradients, which for one replica is the identity, but which registers a
        new ``tf.custom_gradient`` in TensorFlow's global gradient registry on
        every trace; that registry entry keeps the whole traced train step alive,
        with the training data it captured (measured with the double trace gone:
        RSS grew 6.4 MB per fit before this, 0.9 MB after; the rest was
        TensorFlow's kernel cache, cleared by ``_keras.train``).
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


def jacobian_norm(encoder, x):
    """Mean over rows of the squared Frobenius norm of the encoder's Jacobian."""
    import tensorflow as tf

    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        codes = encoder(x, training=False)
    jacobian = tape.batch_jacobian(codes, x)
    return ops.mean(ops.sum(ops.square(jacobian), axis=(1, 2)))


@keras.saving.register_keras_serializable(package="skae")
class FusedAdam(keras.optimizers.Adam):
    """Keras's Adam, applied with TensorFlow's fused ``ResourceApplyAdam`` kernel.

    Same update rule as :class:`keras.optimizers.Adam` (the kernel computes
    ``alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``, then ``m``, ``v`` and the
    variable as Keras does), but one op per variable instead of about a dozen,
    each making its own pass over the weights. Keras 3 dropped the fused kernel
    that ``tf.keras`` used; on skae's small-batch training loop the per-op cost is
    what dominates (benchmarks/speed.py). Under a ``tf.distribute`` strategy, with
    ``amsgrad``, or with sparse gradients, Keras's own update runs.
    """

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        import tensorflow as tf

        if (
            self.amsgrad
            or tf.distribute.has_strategy()
            or any(isinstance(g, tf.IndexedSlices) for g in grads)
        ):
            return super()._backend_update_step(
                grads, trainable_variables, learning_rate
            )
        scalars = {}
        for grad, variable in zip(grads, trainable_variables, strict=True):
            dtype = variable.dtype
            if dtype not in scalars:
                step = ops.cast(self.iterations + 1, dtype)
                beta_1 = ops.cast(self.beta_1, dtype)
                beta_2 = ops.cast(self.beta_2, dtype)
                scalars[dtype] = {
                    "beta1_power": ops.power(beta_1, step),
                    "beta2_power": ops.power(beta_2, step),
                    "lr": ops.cast(learning_rate, dtype),
                    "beta1": beta_1,
                    "beta2": beta_2,
                    "epsilon": ops.cast(self.epsilon, dtype),
                }
            index = self._get_variable_index(variable)
            tf.raw_ops.ResourceApplyAdam(
                var=variable.handle,
                m=self._momentums[index].handle,
                v=self._velocities[index].handle,
                grad=ops.cast(grad, dtype),
                **scalars[dtype],
            )
