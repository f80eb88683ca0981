"""AutoencoderTransformer: a dense autoencoder as a scikit-learn transformer."""

from skae._base import BaseAutoencoder
from skae._docs import NOTES, SHARED_ATTRIBUTES, SHARED_PARAMETERS


class AutoencoderTransformer(BaseAutoencoder):
    __doc__ = f"""Dense autoencoder as a scikit-learn transformer: a non-linear PCA.

    ``transform`` encodes rows into codes of width ``encoding_dim``,
    ``inverse_transform`` decodes codes back into the units of the data, and
    ``score`` is the negative mean squared reconstruction error, so the estimator
    can be tuned by ``GridSearchCV`` with no scorer and compared with
    :class:`~sklearn.decomposition.PCA` on the same data.

    Parameters
    ----------
    {SHARED_PARAMETERS}

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
