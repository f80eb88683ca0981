"""Seeded layers, the dense, convolutional and custom builders, and assembly."""

import math

import keras
import numpy as np

from skae._keras._layers import Autoencoder, Corruption


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
            # (PyTorch's default; Keras's 0.99 needs hundreds), so inference
            # works after a short fit of a small set (benchmarks/README.md, D10).
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
    return wrap(*built, n_features=n_features, encoding_dim=encoding_dim)


def wrap(encoder, decoder, *, n_features, encoding_dim):
    """``encoder`` and ``decoder`` checked against the data's and the code's
    widths, re-wrapped under the fixed names by which they are found again
    inside the trained (or unpickled) autoencoder."""
    expected = {
        "encoder": ((n_features,), (encoding_dim,)),
        "decoder": ((encoding_dim,), (n_features,)),
    }
    wrapped = []
    for (name, (shape_in, shape_out)), model in zip(
        expected.items(), (encoder, decoder), strict=True
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
