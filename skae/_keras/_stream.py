"""The tf.data pipeline of a streamed fit: blocks of scaled rows read from
pieces in random places, each trained over in one graph step.

Keras's per-batch loop over a pipeline of small batches pays Keras's and
tf.data's cost on every batch; a block of tens of thousands of rows per step
trains with the in-graph mini-batch loop of the in-memory path
(benchmarks/README.md, scale.py).
"""

import keras
import numpy as np
import tensorflow as tf

from skae._scaling import scaled_float32
from skae._streaming import Plan, read_pieces


class Stream:
    """Blocks of ``X``'s rows, scaled for the network, as tf.data datasets.

    Every epoch the training pieces are put in a new random order (when
    ``shuffle``) and taken a block at a time; the model shuffles each block's
    rows. The validation pieces are read in order, a block at a time.
    """

    def __init__(self, X, plan, offset, scale, *, shuffle, seed):
        self.X, self.plan = X, plan
        self.offset, self.inv_scale = offset, 1.0 / np.asarray(scale)
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        self.n_features = X.shape[1]

    def _groups(self, pieces):
        """``pieces`` split into consecutive groups of about rows_per_block rows."""
        block_of_piece = (np.cumsum(pieces[:, 1] - pieces[:, 0]) - 1) // (
            self.plan.rows_per_block
        )
        return np.split(pieces, np.flatnonzero(np.diff(block_of_piece)) + 1)

    def _blocks(self, pieces, training):
        if training and self.shuffle:
            pieces = pieces[self.rng.permutation(len(pieces))]
        for group in self._groups(pieces):
            # In file order: contiguous reads; the model shuffles the rows.
            group = group[np.argsort(group[:, 0])]
            rows = read_pieces(self.X, group)
            block = scaled_float32(rows, self.offset, self.inv_scale)
            yield {"block": block} if training else block

    def _dataset(self, pieces, training):
        """Training blocks as ``{"block": rows}``, which the model trains over
        in one step; validation blocks as plain rows, which Keras evaluates."""
        n_blocks = len(self._groups(pieces))
        spec = tf.TensorSpec((None, self.n_features), tf.float32)
        data = tf.data.Dataset.from_generator(
            lambda: self._blocks(pieces, training),
            output_signature={"block": spec} if training else spec,
        )
        options = tf.data.Options()
        # A fixed prefetch of one block needs no tuning; tf.data's autotuning
        # thread held up the end of epochs (benchmarks/README.md, D5).
        options.autotune.enabled = False
        data = data.apply(tf.data.experimental.assert_cardinality(n_blocks))
        return data.prefetch(1).with_options(options)

    def training(self):
        """Dataset of training blocks, reshuffled on every pass."""
        return self._dataset(self.plan.train, True)

    def validation(self):
        """Dataset of validation blocks, or None without validation rows."""
        return self._dataset(self.plan.val, False) if len(self.plan.val) else None

    @staticmethod
    def batches(blocks, batch_size):
        """``blocks`` (a dataset of :meth:`training` or :meth:`validation`, or
        None) as batches of ``batch_size`` rows, for Keras's per-batch loop
        under a ``tf.distribute`` strategy."""
        if blocks is None:
            return None
        rows = blocks.map(lambda b: b["block"] if isinstance(b, dict) else b)
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA
        )
        return rows.unbatch().batch(batch_size).prefetch(2).with_options(options)

    def sample(self):
        """Two scaled training rows, to build the model's state with."""
        a = self.plan.train[0, 0]
        rows = read_pieces(self.X, [(a, min(a + 2, self.X.shape[0]))])
        return tf.constant(scaled_float32(rows, self.offset, self.inv_scale))


class InMemory:
    """Rows already in memory (scaled, float32) as a stream of one block: a
    ``partial_fit`` pass, whose traced step the model keeps for the next."""

    def __init__(self, Xs, n_features):
        self.Xs = Xs
        self.plan = Plan(np.array([[0, len(Xs)]]), np.zeros((0, 2), int), len(Xs))
        self.n_features = n_features

    def training(self):
        # Any number of rows: one traced step serves chunks of every size.
        def any_rows(rows):
            shape = [None, self.n_features]
            return {"block": tf.compat.v1.placeholder_with_default(rows, shape)}

        return tf.data.Dataset.from_tensors(self.Xs).map(any_rows)

    def validation(self):
        return None

    def sample(self):
        return self.Xs[:2]


def train_block(model, block, batch_size, shuffle):
    """One Keras step of ``model``: mini-batches of ``batch_size`` rows of
    ``block`` (shuffled if ``shuffle``) in a graph loop, as the in-memory
    epoch step runs them; returns the logs."""
    n = tf.shape(block)[0]
    rows = tf.range(n)
    if shuffle:
        rows = keras.random.shuffle(rows, seed=model.shuffle_seed)
    full = n // batch_size

    def step(batch_rows):
        batch = tf.gather(block, batch_rows)
        with tf.GradientTape() as tape:
            y_pred = model(batch, training=True)
            loss = model.compute_loss(x=batch, y=batch, y_pred=y_pred)
        model._apply_gradients(tape.gradient(loss, model.trainable_weights))
        return loss * tf.cast(tf.shape(batch_rows)[0], loss.dtype)

    def full_batch(i, total):
        return i + 1, total + step(tf.slice(rows, [i * batch_size], [batch_size]))

    _, total = tf.while_loop(
        lambda i, total: i < full, full_batch, (tf.constant(0), tf.constant(0.0))
    )
    # The rows left over, in a loop of zero or one step: a partial batch.
    _, total = tf.while_loop(
        lambda i, total: i < tf.minimum(1, n - full * batch_size),
        lambda i, total: (i + 1, total + step(rows[full * batch_size :])),
        (tf.constant(0), total),
    )
    model._loss_tracker.update_state(
        total / tf.cast(n, total.dtype), sample_weight=tf.cast(n, total.dtype)
    )
    return {"loss": model._loss_tracker.result()}
