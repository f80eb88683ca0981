"""The variational autoencoder's Keras side: the encoder's two heads, the
reparameterised model whose loss is the negative ELBO, the decoder's learnt
noise scale, the KL warm-up, and the compiled importance-weighted
log-likelihood under a Gaussian-mixture prior over the codes."""

import functools
import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from skae._keras._layers import Autoencoder, _per_replica, jacobian_norm

LOG_2PI = math.log(2.0 * math.pi)
# The validation ELBO draws the same codes every epoch (a stateless seed), so
# early stopping compares the epochs' models, not their draws.
VALIDATION_SEED = 1234
# Rows times importance samples per compiled call of the log-likelihood: the
# decoder sees this many codes at once.
CODES_PER_CALL = 8192


@keras.saving.register_keras_serializable(package="skae")
class Reparameterise(keras.layers.Layer):
    """``mean + exp(log_var / 2) * eps`` while training, the mean otherwise.

    Its input is the encoder's output, ``[mean, log_var]`` side by side; the
    draws ``eps`` come from the layer's own seeded generator.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, stats, training=False):
        mean, log_var = ops.split(stats, 2, axis=-1)
        if not training:
            return mean
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] // 2)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="skae")
class DecoderVariance(keras.layers.Layer):
    """The decoder's per-feature noise variance ``min_variance + exp(raw)``, as
    its log, broadcast to the shape of the decoder's output (its input)."""

    def __init__(self, min_variance=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.min_variance = float(min_variance)

    def build(self, input_shape):
        self.raw = self.add_weight(
            shape=(input_shape[-1],), initializer="zeros", name="raw"
        )

    def call(self, x_mean):
        log_var = ops.log(self.min_variance + ops.exp(self.raw))
        return ops.broadcast_to(ops.cast(log_var, x_mean.dtype), ops.shape(x_mean))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "min_variance": self.min_variance}


def two_headed(encoder, encoding_dim):
    """``encoder`` with a log-variance head beside its mean: the encoder's code
    layer (named ``code``) gives the posterior mean, and a Dense layer on the
    same input its log-variance. Without a ``code`` layer (a custom builder's
    encoder), the head reads the encoder's output, which is the mean.

    The head starts at zero (posterior variance 1, the prior's): a seeded
    Glorot start on a wide hidden layer gave variances of ``exp(+-10)``.
    """
    try:
        hidden = encoder.get_layer("code").input
        mean = encoder.get_layer("code").output
    except ValueError:
        hidden = mean = encoder.output
    log_var = keras.layers.Dense(
        encoding_dim, kernel_initializer="zeros", name="log_variance"
    )(hidden)
    stats = keras.layers.Concatenate(name="posterior")([mean, log_var])
    return keras.Model(encoder.input, stats, name="encoder")


def assemble(encoder, decoder, Xs, *, likelihood, beta, min_variance, seeds, **kw):
    """The trainable :class:`VariationalModel` around ``encoder`` (two heads)
    and ``decoder``; the decoder's variance starts at each feature's variance
    in ``Xs``, the scaled training data."""
    inputs = keras.Input(encoder.input_shape[1:], name="x")
    stats = encoder(inputs)
    codes = Reparameterise(seed=seeds.next(), name="reparameterise")(stats)
    x_mean = decoder(codes)
    outputs = [x_mean, stats]
    at_the_mean = _start_at_the_mean(decoder, Xs)
    if likelihood != "binary_crossentropy":
        scale = DecoderVariance(min_variance, name="decoder_variance")
        outputs.append(scale(x_mean))
        if at_the_mean:
            start = Xs.var(axis=0, dtype=np.float64)
        else:
            start = _first_residual_variance(encoder, decoder, Xs)
        start = np.maximum(start, min_variance)
        scale.raw.assign(np.log(start).astype(np.float32))
    return VariationalModel(
        inputs,
        outputs,
        likelihood=likelihood,
        beta=beta,
        seed=seeds.next(),
        name="autoencoder",
        **kw,
    )


def _start_at_the_mean(decoder, Xs):
    """Start a dense decoder's output at each feature's mean, as probabilistic
    PCA starts: a feature constant in training, with its variance at the
    floor, would otherwise cost ``(0.5 - 0) ** 2 / min_variance`` nats per row
    for a sigmoid's first outputs and dominate the first epochs."""
    last = decoder.layers[-1]
    if not isinstance(last, keras.layers.Dense) or not last.use_bias:
        return False
    name = getattr(last.activation, "__name__", "")
    mean = Xs.mean(axis=0, dtype=np.float64)
    if name == "sigmoid":
        mean = np.clip(mean, 1e-4, 1 - 1e-4)
        bias = np.log(mean) - np.log1p(-mean)
    elif name == "linear":
        bias = mean
    else:
        return False
    last.bias.assign(bias.astype(np.float32))
    return True


def _first_residual_variance(encoder, decoder, Xs, rows=2048):
    """Each feature's mean squared error of the untrained model on (up to
    ``rows``) training rows: the decoder's starting variance when its output
    cannot start at the means (a convolutional or custom decoder), so that no
    feature starts with an error far larger than its variance."""
    sample = Xs[:rows]
    mean, _ = np.split(encoder(sample, training=False).numpy(), 2, axis=1)
    x_mean = decoder(mean, training=False).numpy()
    return np.mean(np.square(sample - x_mean, dtype=np.float64), axis=0)


def log_likelihood_terms(likelihood, x, x_mean, log_var):
    """``log p(x | z)`` of each element, in nats, in the network's units."""
    if likelihood == "binary_crossentropy":
        return -ops.binary_crossentropy(x, x_mean)
    if likelihood == "mae":  # Laplace of variance exp(log_var): b = sqrt(var / 2)
        log_b = 0.5 * (log_var - math.log(2.0))
        return -ops.abs(x - x_mean) * ops.exp(-log_b) - log_b - math.log(2.0)
    return -0.5 * (LOG_2PI + log_var + ops.square(x - x_mean) * ops.exp(-log_var))


def kl_to_prior(stats):
    """``KL(q(z | x) || N(0, I))`` of each row, in nats."""
    mean, log_var = ops.split(stats, 2, axis=-1)
    return 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)


@keras.saving.register_keras_serializable(package="skae")
class VariationalModel(Autoencoder):
    """A variational autoencoder trained on the negative ELBO, a whole epoch
    per step as :class:`Autoencoder`.

    Its outputs are the decoder's mean, the encoder's ``[mean, log_var]`` and
    (unless ``likelihood="binary_crossentropy"``, a Bernoulli decoder) the
    decoder's log-variance. The loss of a batch is the mean over its rows of
    ``-log p(x | z) + beta * kl_weight * KL(q(z | x) || p(z))``, one code
    drawn per row, in nats (the network's units); the reconstruction and KL
    parts are logged as ``reconstruction`` and ``kl``. The validation loss is
    the same with ``kl_weight`` 1 and the same draws every epoch.
    """

    def __init__(self, *args, likelihood="mse", beta=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.likelihood = likelihood
        self.beta = float(beta)
        self.kl_weight = keras.Variable(1.0, trainable=False, name="kl_weight")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        x_mean, stats, *log_var = y_pred
        if not training:
            mean, posterior_log_var = ops.split(stats, 2, axis=-1)
            eps = keras.random.normal(ops.shape(mean), seed=VALIDATION_SEED)
            codes = mean + ops.exp(0.5 * posterior_log_var) * eps
            x_mean = self.get_layer("decoder")(codes, training=False)
        terms = log_likelihood_terms(
            self.likelihood, x, x_mean, log_var[0] if log_var else None
        )
        reconstruction = -ops.mean(ops.sum(terms, axis=-1))
        kl = ops.mean(kl_to_prior(stats))
        weight = self.kl_weight if training else 1.0
        loss = reconstruction + self.beta * weight * kl
        if training:
            rows = ops.cast(ops.shape(x)[0], reconstruction.dtype)
            self.reconstruction_tracker.update_state(reconstruction, rows)
            self.kl_tracker.update_state(kl, rows)
        if self.losses:
            loss = loss + ops.sum(self.losses)
        if self.contractive:
            penalty = self.contractive * jacobian_norm(self.get_layer("encoder"), x)
            loss = loss + penalty
        return _per_replica(loss)

    def train_step(self, data):
        logs = super().train_step(data)
        return {
            **logs,
            "reconstruction": self.reconstruction_tracker.result(),
            "kl": self.kl_tracker.result(),
        }

    def get_config(self):
        config = super().get_config()
        return {**config, "likelihood": self.likelihood, "beta": self.beta}


class KLWarmUp(keras.callbacks.Callback):
    """Raise the KL term's weight linearly from ``1 / epochs`` to 1 over the
    first ``epochs`` epochs (Bowman et al., 2016; Sonderby et al., 2016)."""

    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def on_epoch_begin(self, epoch, logs=None):
        self.model.kl_weight.assign(min(1.0, (epoch + 1) / self.epochs))

    def on_train_end(self, logs=None):
        self.model.kl_weight.assign(1.0)


def decoder_log_variance(model):
    """The decoder's per-feature log-variance (float64), or None (Bernoulli)."""
    try:
        layer = model.get_layer("decoder_variance")
    except ValueError:
        return None
    raw = layer.raw.numpy().astype(np.float64)
    return np.log(layer.min_variance + np.exp(raw))


def log_likelihood(model, Xs, eps, prior):
    """Importance-weighted estimate of ``log p(x)`` of each scaled row, in
    nats, with the codes ``mean + std * eps`` of each row (``eps`` of shape
    ``(n_samples, encoding_dim)``, the same for every row) and the prior
    ``(weights, means, covariances)``, a Gaussian mixture over the codes.

    Each compiled call takes a block of a fixed number of rows (the last one
    padded), so a row's estimate does not depend on the rows beside it.
    """
    n_samples, n_features = len(eps), Xs.shape[1]
    block = max(1, CODES_PER_CALL // n_samples)
    function = _iwae_function(model, block, n_features)
    eps = tf.constant(eps, tf.float32)
    prior = [tf.constant(a, tf.float32) for a in _whitened_mixture(*prior)]
    out = []
    for start in range(0, len(Xs), block):
        rows = np.zeros((block, n_features), np.float32)
        chunk = Xs[start : start + block]
        rows[: len(chunk)] = chunk
        out.append(function(rows, eps, *prior).numpy()[: len(chunk)])
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def _whitened_mixture(weights, means, covariances):
    """A Gaussian mixture as ``log_norms`` (each component's log weight and
    log normalising constant), ``means`` and ``whiten`` (the Cholesky factors
    of the precisions, as ``GaussianMixture.precisions_cholesky_``), so that
    a component's log density at ``z`` is ``log_norm - |(z - mean) @
    whiten| ** 2 / 2``; computed in float64."""
    dim = means.shape[1]
    roots = np.linalg.cholesky(covariances)
    whiten = np.linalg.inv(roots).transpose(0, 2, 1)
    log_det = np.log(np.diagonal(whiten, axis1=1, axis2=2)).sum(axis=1)
    log_norms = np.log(weights) + log_det - 0.5 * dim * LOG_2PI
    return log_norms, means, whiten


def _iwae_function(model, block, n_features):
    """The compiled estimate for blocks of ``block`` rows, kept on the model."""
    functions = getattr(model, "_skae_iwae", None) or {}
    if block not in functions:
        functions = {
            **functions,
            block: tf.function(
                functools.partial(_iwae, model),
                input_signature=[
                    tf.TensorSpec((block, n_features), tf.float32),
                    tf.TensorSpec((None, None), tf.float32),
                    tf.TensorSpec((None,), tf.float32),
                    tf.TensorSpec((None, None), tf.float32),
                    tf.TensorSpec((None, None, None), tf.float32),
                ],
            ),
        }
        model._skae_iwae = functions
    return functions[block]


def _iwae(model, x, eps, log_norms, means, whiten):
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    stats = encoder(x, training=False)
    mean, log_var = ops.split(stats, 2, axis=-1)
    rows, dim = ops.shape(mean)[0], ops.shape(mean)[1]
    n_samples = ops.shape(eps)[0]
    std = ops.exp(0.5 * log_var)
    codes = mean[:, None, :] + std[:, None, :] * eps[None, :, :]
    flat = ops.reshape(codes, (rows * n_samples, dim))
    x_mean = ops.reshape(decoder(flat, training=False), (rows, n_samples, -1))
    decoder_log_var = None
    if model.likelihood != "binary_crossentropy":
        decoder_log_var = model.get_layer("decoder_variance")(x_mean)
    log_px = ops.sum(
        log_likelihood_terms(model.likelihood, x[:, None, :], x_mean, decoder_log_var),
        axis=-1,
    )
    # log p(z) under the prior mixture: each component's whitened distance.
    whitened = ops.einsum("nd,kde->nke", flat, whiten) - ops.einsum(
        "kd,kde->ke", means, whiten
    )
    log_pz = ops.logsumexp(
        log_norms - 0.5 * ops.sum(ops.square(whitened), axis=-1), axis=-1
    )
    log_pz = ops.reshape(log_pz, (rows, n_samples))
    log_qz = -0.5 * ops.sum(
        ops.square(eps)[None, :, :] + LOG_2PI + log_var[:, None, :], axis=-1
    )
    weights = log_px + log_pz - log_qz
    return ops.logsumexp(weights, axis=1) - ops.log(ops.cast(n_samples, "float32"))
