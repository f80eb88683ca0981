"""DenoisingAutoencoder: an autoencoder trained to undo corruption of its input."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from skae._base import BaseAutoencoder
from skae._docs import AUTO_BATCH_PARAMETERS, NOTES, SHARED_ATTRIBUTES
from skae._params import with_shared_parameters


class DenoisingAutoencoder(BaseAutoencoder):
    __doc__ = f"""Autoencoder trained to map a corrupted input back to the clean one.

    While training, each batch is corrupted afresh (seeded by ``random_state``)
    and the network learns to reconstruct the clean rows. ``transform``,
    ``inverse_transform`` and :meth:`predict` never add noise: ``predict(X_noisy)``
    returns the denoised rows.

    Parameters
    ----------
    {AUTO_BATCH_PARAMETERS}

    noise : {{"gaussian", "masking", "salt_pepper"}}, default="gaussian"
        Corruption used while training, in the network's (scaled) units, and
        kept within the range of the scaled training data (all features
        together). ``"gaussian"`` adds ``noise_factor * N(0, 1)`` and clips;
        ``"masking"`` sets a fraction ``noise_factor`` of the inputs to the
        lowest scaled value; ``"salt_pepper"`` sets a fraction ``noise_factor``
        to the lowest or highest.

    noise_factor : float, default=0.35
        Noise standard deviation (gaussian) or corrupted fraction (masking,
        salt_pepper; at most 1), in the scaled units. With ``"global"`` scaling
        (what ``"auto"`` picks for images) these are fractions of the data's
        whole range: noise of standard deviation ``sigma`` in the data's units
        is ``noise_factor = sigma / (X.max() - X.min())``, e.g. ``25 / 255``
        for grey levels. With ``"minmax"`` it is a fraction of each feature's
        range, and with ``scaling=None`` it is in the data's own units. 0.35 is
        the value of the reference tutorials.

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

    @with_shared_parameters
    def __init__(
        self,
        encoding_dim=16,
        *,
        noise="gaussian",
        noise_factor=0.35,
        batch_size="auto",
        **shared,
    ):
        super().__init__(encoding_dim, batch_size=batch_size, **shared)
        self.noise = noise
        self.noise_factor = noise_factor

    def _trains_on_noise(self):
        return self.noise_factor > 0

    def _corruption(self, Xs):
        if self.noise != "gaussian" and self.noise_factor > 1:
            raise ValueError(
                f"noise_factor is the corrupted fraction for noise={self.noise!r} "
                f"and must be in [0, 1], got {self.noise_factor}."
            )
        # Noise is clipped to the range of all the scaled data, not each
        # feature's: a pixel that is dark in every training image may still
        # be noisy at inference (benchmarks/README.md, D14).
        n_features = Xs.shape[1]
        low, high = np.full(n_features, Xs.min()), np.full(n_features, Xs.max())
        return self.noise, self.noise_factor, low, high
