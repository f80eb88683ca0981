"""The signature every skae estimator shares, and how a subclass extends it."""

import inspect
from numbers import Integral, Real

from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions

ACTIVATIONS = {"relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "linear"}


class AutoencoderParams(BaseEstimator):
    """The shared parameters: their constraints, their defaults, ``__init__``.

    ``__init__`` only stores what it is given (scikit-learn's contract); every
    check happens in ``fit``. The parameters are documented once, in
    ``skae._docs.SHARED_PARAMETERS``; tests/test_docstrings.py checks that each
    estimator's signature and docstring agree.
    """

    _parameter_constraints: dict = {
        "encoding_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like"],
        "activation": [StrOptions(ACTIVATIONS)],
        "output_activation": [StrOptions(ACTIVATIONS | {"auto"})],
        "scaling": [StrOptions({"auto", "global", "minmax", "standard"}), None],
        "loss": [StrOptions({"mse", "mae", "binary_crossentropy"})],
        "optimizer": [StrOptions({"adam", "adadelta", "rmsprop", "sgd"})],
        "learning_rate": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "shuffle": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "architecture": [StrOptions({"dense", "conv", "conv_pool"})],
        "image_shape": ["array-like", None],
        "filters": ["array-like"],
        "code_activation": [StrOptions(ACTIVATIONS)],
        "sparsity": [Interval(Real, 0, None, closed="left")],
        "contractive": [Interval(Real, 0, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": ["boolean"],
        "builder": [callable, None],
        "callbacks": [list, tuple, None],
        "jit_compile": ["boolean", StrOptions({"auto"})],
    }

    def __init__(
        self,
        encoding_dim=16,
        *,
        hidden_layer_sizes=(512,),
        activation="relu",
        output_activation="auto",
        scaling="auto",
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


def with_shared_parameters(init):
    """Decorate a subclass's ``__init__(self, encoding_dim=16, *, <own
    parameters>, **shared)`` so that its signature lists the shared parameters
    too: scikit-learn reads an estimator's parameters from the signature of its
    ``__init__`` (``get_params``, ``clone``, the estimator checks).

    The subclass stores its own parameters and hands the shared ones to
    ``super().__init__``, so a shared default lives in one place; one it
    declares itself (same kind, another default) replaces the shared default
    in its signature.
    """
    base = inspect.signature(AutoencoderParams.__init__).parameters
    own = inspect.signature(init).parameters
    # A subclass may give a shared parameter its own default by declaring it
    # (the outlier detector's encoding_dim and hidden_layer_sizes); it keeps
    # its shared place in the signature.
    parameters = [
        own[n] if n in own and own[n].kind == p.kind else p for n, p in base.items()
    ]
    clash = {n for n in set(own) & set(base) if own[n].kind != base[n].kind}
    if clash:
        raise TypeError(f"{init.__qualname__} redefines shared parameters {clash}.")
    parameters += [
        p
        for n, p in own.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and n not in base
    ]
    init.__signature__ = inspect.Signature(parameters)
    return init
