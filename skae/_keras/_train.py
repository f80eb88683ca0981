"""The training loop: compile, feed one element per epoch (or, under a
``tf.distribute`` strategy, batches), fit, let go."""

import tensorflow as tf
from tensorflow.python.eager import context

from skae._keras._callbacks import fit_callbacks
from skae._keras._optimizers import make_optimizer
from skae._recipe import plateau_tol


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
    verbose,
    callbacks=(),
    jit_compile="auto",
    stream=None,
    resume=False,
    anneal=False,
    weight_decay=None,
):
    """Compile and fit ``model`` on rows of the tensor ``X``; return the history.

    With a ``stream`` (skae._keras._stream.Stream), ``X`` and the indices are
    unused: the model trains a block of the stream per step. With ``resume``,
    a model compiled before keeps its optimizer and the optimizer's state
    (``partial_fit``).

    Under a ``tf.distribute`` strategy other than the default one (the caller's
    ``with strategy.scope():``), Keras's own per-batch loop trains on a
    ``tf.data`` dataset of global batches, which the strategy splits between
    its replicas; otherwise the model trains a whole epoch per step.

    With ``anneal``, the rate warms up to ``learning_rate``, then follows
    skae._keras._callbacks.PlateauCosine, which ends the fit after its decay;
    its plateau is no improvement by ``tol * 32 / batch_size``. A
    ``weight_decay`` is the optimizer's decoupled one, for a fresh fit.

    Training stops once the validation loss (the training loss when there are no
    validation rows) has not improved by ``tol`` for ``n_iter_no_change`` epochs,
    and the best weights seen are kept, as in scikit-learn's MLP.
    """
    n_train = len(train_idx) if stream is None else stream.plan.n_train
    batch_size = min(batch_size, n_train)
    if not (resume and model.compiled):
        # Keras's steps_per_execution would cut the per-batch cost under a
        # strategy, but its multi-step loop fails under MirroredStrategy ("You
        # must feed a value for placeholder tensor", Keras 3.15).
        model.compile(
            optimizer=make_optimizer(optimizer, learning_rate, weight_decay),
            loss=loss,
            jit_compile=jit_compile,
        )
        sample = tf.gather(X, train_idx[:2]) if stream is None else stream.sample()
        _build_state(model, sample)
    else:
        # A partial_fit pass keeps the optimizer's state but trains as a first
        # pass would: at its own rate, not where an annealed fit left the
        # rate, and without the annealed fit's weight decay.
        model.optimizer.learning_rate = learning_rate
        model.optimizer.weight_decay = None
    # A block step takes its rows as an input, not captured: its traced
    # function is kept on the model and serves the next partial_fit pass with
    # the same batches (a trace costs more than a small chunk's pass).
    step_key = None if stream is None else (batch_size, bool(shuffle))
    if getattr(model, "_skae_step_key", None) != step_key:
        model.train_function = None
    validates = len(val_idx) if stream is None else stream.plan.n_val
    if anneal:
        tol = plateau_tol(tol, batch_size)
    all_callbacks = fit_callbacks(
        callbacks,
        monitor="val_loss" if validates else "loss",
        tol=tol,
        n_iter_no_change=n_iter_no_change,
        epochs=epochs,
        verbose=verbose,
        anneal_from=learning_rate if anneal else None,
        rows=n_train if stream is not None else None,
        block_rows=stream.plan.rows_per_block if stream is not None else None,
    )
    tf_logger = tf.get_logger()
    tf_logger.addFilter(_keep_retracing_quiet)
    try:
        if stream is not None and tf.distribute.has_strategy():
            # Keras's per-batch loop, which the strategy splits, over the
            # stream's blocks cut into global batches.
            history = model.fit(
                stream.batches(stream.training(), batch_size),
                validation_data=stream.batches(stream.validation(), batch_size),
                epochs=epochs,
                shuffle=False,
                callbacks=all_callbacks,
                verbose=0,
            )
        elif stream is not None:
            with model.training_on(None, batch_size=batch_size, shuffle=shuffle):
                history = model.fit(
                    stream.training(),
                    validation_data=stream.validation(),
                    epochs=epochs,
                    shuffle=False,  # the stream shuffles, and the model each block
                    callbacks=all_callbacks,
                    verbose=0,
                )
        elif tf.distribute.has_strategy():
            history = model.fit(
                _batches(X, train_idx, batch_size, shuffle=shuffle, seed=model.seed),
                # The validation rows in one batch, as the epoch step takes
                # them: Keras's evaluation costs more per batch than per row.
                validation_data=(
                    _batches(X, val_idx, len(val_idx)) if len(val_idx) else None
                ),
                epochs=epochs,
                shuffle=False,  # the dataset shuffles, with the model's seed
                callbacks=all_callbacks,
                verbose=0,
            )
        else:
            with model.training_on(X, batch_size=batch_size, shuffle=shuffle):
                history = model.fit(
                    _epoch_indices(train_idx, val_idx),
                    epochs=epochs,
                    steps_per_epoch=1,
                    shuffle=False,  # train_step shuffles, with the model's own seed
                    callbacks=all_callbacks,
                    verbose=0,
                )
    finally:
        # The user's callbacks (estimator parameters) keep what they recorded but
        # not the model Keras gave them: it would be pickled and cloned with them.
        for callback in callbacks:
            callback.set_model(None)
        # The traced epoch step holds the training data; a fitted model must
        # not. A block step holds none.
        if step_key is None:
            model.train_function = None
        model._skae_step_key = step_key
        # TensorFlow's eager kernel cache keeps an entry for every op with
        # per-fit attributes (each new variable's handle, the dataset's ops) for
        # the life of the process, so memory grew with every fit
        # (benchmarks/README.md, D8). Keras's clear_session clears it the same
        # way; dropped kernels are rebuilt on their next call. A partial_fit
        # pass adds no entries (same variables, same step) and keeps them: the
        # rebuild took most of a small pass.
        if not resume:
            context.context().clear_kernel_cache()
        tf_logger.removeFilter(_keep_retracing_quiet)
    return {k: [float(v) for v in values] for k, values in history.history.items()}


def _build_state(model, sample):
    """Create the optimizer's slots and the compiled loss's state now: Keras
    would create them inside the first trace of the train step, and TensorFlow
    traces a function that creates variables twice (benchmarks/README.md, D4)."""
    model.optimizer.build(model.trainable_variables)
    model.compute_loss(x=sample, y=sample, y_pred=model(sample), training=False)


def _epoch_indices(train_idx, val_idx):
    """A dataset of one element, repeated: which rows train and which validate."""
    epoch = {"train_rows": tf.constant(train_idx)}
    if len(val_idx):
        epoch["val_rows"] = tf.constant(val_idx)
    # Nothing in this one-element pipeline needs tuning, and tf.data's autotuning
    # thread, which sleeps for growing periods, held up the end of fits while
    # the iterator waited for it to wake (benchmarks/README.md, D5).
    options = tf.data.Options()
    options.autotune.enabled = False
    return tf.data.Dataset.from_tensors(epoch).repeat().with_options(options)


def _batches(X, rows, batch_size, *, shuffle=False, seed=None):
    """A dataset of batches of ``X[rows]`` (the model's inputs and targets),
    reshuffled every epoch (with ``seed``) if ``shuffle``.

    A strategy splits each global batch of ``batch_size`` rows between its
    replicas, and Keras divides each replica's loss by their number, so the
    gradients are those of the global batch (up to a last batch that does not
    split evenly). Every worker of a multi-worker strategy builds the same
    seeded dataset and keeps its own share of every batch.
    """
    data = tf.data.Dataset.from_tensor_slices(tf.gather(X, rows))
    if shuffle:
        data = data.shuffle(len(rows), seed=seed, reshuffle_each_iteration=True)
    options = tf.data.Options()
    # Rows, not files: say so, rather than have TensorFlow fall back to it
    # with a warning.
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    # As for the epoch pipeline: tf.data's autotuning thread held up the
    # epochs (benchmarks/README.md, D5); a fixed prefetch needs no tuning.
    options.autotune.enabled = False
    return data.batch(batch_size).prefetch(2).with_options(options)


def _keep_retracing_quiet(record):
    """Logging filter for the duration of a fit: each fit traces Keras's train
    function once, by design, and a run of short fits (a grid search) would set
    off TensorFlow's "excessive retracing" warning, which blames the user."""
    return "triggered tf.function retracing" not in record.getMessage()
