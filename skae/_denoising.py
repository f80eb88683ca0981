"""DenoisingAutoencoder: an autoencoder trained to undo corruption of its input."""

from numbers import Real

from sklearn.utils._param_validation import Interval, StrOptions

from skae._base import BaseAutoencoder
from skae._docs import NOTES, SHARED_ATTRIBUTES, SHARED_PARAMETERS


class DenoisingAutoencoder(BaseAutoencoder):
    __doc__ = f"""Autoencoder trained to map a corrupted input back to the clean one.

    While training, each batch is corrupted afresh (seeded by ``random_state``)
    and the network learns to reconstruct the clean rows. ``transform``,
    ``inverse_transform`` and :meth:`predict` never add noise: ``predict(X_noisy)``
    returns the denoised rows.

    Parameters
    ----------
    {SHARED_PARAMETERS}

    noise : {{"gaussian", "masking", "salt_pepper"}}, default="gaussian"
        Corruption used while training. ``"gaussian"`` adds
        ``noise_factor * N(0, 1)`` (in the scaled units) and clips to the
        per-feature training range; ``"masking"`` sets a fraction
        ``noise_factor`` of the inputs to their minimum; ``"salt_pepper"`` sets a
        fraction ``noise_factor`` to their minimum or maximum. With
        ``scaling=None`` the scaled units are the data's own, so pick
        ``noise_factor`` for the data's range (0.35 is for data in [0, 1]).

    noise_factor : float, default=0.35
        Noise standard deviation (gaussian) or corrupted fraction (masking,
        salt_pepper; at most 1). 0.35 is the value of the reference tutorials.

    Attributes
    ----------
    {SHARED_ATTRIBUTES}

    See Also
    --------
    AutoencoderTransformer : The same without corruption.

    Notes
    -----
    {NOTES}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skae import DenoisingAutoencoder
    >>> X, _ = load_digits(return_X_y=True)
    >>> dae = DenoisingAutoencoder(encoding_dim=16, epochs=5, random_state=0).fit(X)
    >>> noisy = X + np.random.default_rng(0).normal(scale=4, size=X.shape)
    >>> dae.predict(noisy).shape
    (1797, 64)
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "noise": [StrOptions({"gaussian", "masking", "salt_pepper"})],
        "noise_factor": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        encoding_dim=16,
        *,
        hidden_layer_sizes=(128,),
        activation="relu",
        output_activation="auto",
        scaling="minmax",
        loss="mse",
        optimizer="adam",
        learning_rate="auto",
        epochs=200,
        batch_size=32,
        shuffle=True,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        random_state=None,
        verbose=0,
        architecture="dense",
        image_shape=None,
        filters=(32, 64),
        code_activation="linear",
        sparsity=0.0,
        contractive=0.0,
        alpha=0.0,
        dropout=0.0,
        batch_norm=False,
        builder=None,
        callbacks=None,
        jit_compile="auto",
        noise="gaussian",
        noise_factor=0.35,
    ):
        self.encoding_dim = encoding_dim
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.scaling = scaling
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose
        self.architecture = architecture
        self.image_shape = image_shape
        self.filters = filters
        self.code_activation = code_activation
        self.sparsity = sparsity
        self.contractive = contractive
        self.alpha = alpha
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.builder = builder
        self.callbacks = callbacks
        self.jit_compile = jit_compile
        self.noise = noise
        self.noise_factor = noise_factor

    def _corruption(self, Xs):
        if self.noise != "gaussian" and self.noise_factor > 1:
            raise ValueError(
                f"noise_factor is the corrupted fraction for noise={self.noise!r} "
                f"and must be in [0, 1], got {self.noise_factor}."
            )
        return self.noise, self.noise_factor, Xs.min(axis=0), Xs.max(axis=0)
