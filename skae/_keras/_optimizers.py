"""The optimizers skae trains with, and the fused Adam."""

import keras
from keras import ops

# Keras's own defaults leave Adadelta (1e-3) and SGD nearly frozen on the epoch
# budgets people give an autoencoder; these are the rates the source tutorials use.
DEFAULT_LEARNING_RATES = {"adam": 1e-3, "adadelta": 1.0, "rmsprop": 1e-3, "sgd": 1e-2}


def make_optimizer(name, learning_rate, weight_decay=None):
    """The optimizer called ``name``; ``learning_rate="auto"`` takes its default.
    A ``weight_decay`` is Keras's decoupled one (AdamW's for Adam)."""
    classes = {
        "adam": FusedAdam,
        "adadelta": keras.optimizers.Adadelta,
        "rmsprop": keras.optimizers.RMSprop,
        "sgd": keras.optimizers.SGD,
    }
    if learning_rate == "auto":
        learning_rate = DEFAULT_LEARNING_RATES[name]
    return classes[name](  # no NumPy scalars
        learning_rate=float(learning_rate),
        weight_decay=None if weight_decay is None else float(weight_decay),
    )


@keras.saving.register_keras_serializable(package="skae")
class FusedAdam(keras.optimizers.Adam):
    """Keras's Adam, applied with TensorFlow's fused ``ResourceApplyAdam`` kernel.

    Same update rule as :class:`keras.optimizers.Adam` (the kernel computes
    ``alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``, then ``m``, ``v`` and the
    variable as Keras does), but one op per variable instead of about a dozen,
    each making its own pass over the weights. Keras 3 dropped the fused kernel
    that ``tf.keras`` used; on skae's small-batch training loop the per-op cost is
    what dominates (benchmarks/README.md, D6). Under a ``tf.distribute`` strategy, with
    ``amsgrad``, or with sparse gradients, Keras's own update runs.

    It overrides a private method of Keras's optimizer and reads its slot
    variables (``_momentums``, ``_velocities``); tests/test_optimizer.py checks
    it against Keras's Adam, and CI runs it on the oldest Keras allowed.
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
