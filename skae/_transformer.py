"""AutoencoderTransformer: a dense autoencoder as a scikit-learn transformer."""

from skae._base import BaseAutoencoder
from skae._docs import AUTO_BATCH_PARAMETERS, NOTES, SHARED_ATTRIBUTES
from skae._params import with_shared_parameters


class AutoencoderTransformer(BaseAutoencoder):
    __doc__ = f"""Dense autoencoder as a scikit-learn transformer: a non-linear PCA.

    ``transform`` encodes rows into codes of width ``encoding_dim``,
    ``inverse_transform`` decodes codes back into the units of the data, and
    ``score`` is the negative mean squared reconstruction error, so the estimator
    can be tuned by ``GridSearchCV`` with no scorer and compared with
    :class:`~sklearn.decomposition.PCA` on the same data.

    Parameters
    ----------
    {AUTO_BATCH_PARAMETERS}

    Attributes
    ----------
    {SHARED_ATTRIBUTES}

    See Also
    --------
    DenoisingAutoencoder : The same, trained to undo noise.
    sklearn.decomposition.PCA : The linear counterpart.

    Notes
    -----
    {NOTES}

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> X, _ = load_digits(return_X_y=True)
    >>> ae = AutoencoderTransformer(encoding_dim=8, epochs=5, random_state=0).fit(X)
    >>> ae.transform(X[:3]).shape
    (3, 8)
    >>> ae.inverse_transform(ae.transform(X[:3])).shape
    (3, 64)
    """

    @with_shared_parameters
    def __init__(self, encoding_dim=16, *, batch_size="auto", **shared):
        super().__init__(encoding_dim, batch_size=batch_size, **shared)
