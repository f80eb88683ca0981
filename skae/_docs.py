"""Docstring fragments shared by the estimators (as in imbalanced-learn)."""

SHARED_PARAMETERS = """encoding_dim : int, default=16
        Size of the code: the number of features ``transform`` returns. Codes
        wider than the input are allowed (an over-complete autoencoder).

    hidden_layer_sizes : tuple of int, default=(128,)
        Widths of the encoder's hidden layers, from the input inwards; the decoder
        mirrors them. ``()`` gives a shallow autoencoder (one code layer).

    activation : {"relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", \
"linear"}, default="relu"
        Activation of the hidden layers. The code layer is linear.

    output_activation : {"auto", "sigmoid", "linear", ...}, default="auto"
        Activation of the reconstruction layer. ``"auto"`` picks ``"sigmoid"``
        when the scaled training data lies in [0, 1] (always so with
        ``scaling="minmax"``) and ``"linear"`` otherwise.

    scaling : {"minmax", "standard"} or None, default="minmax"
        Per-feature scaling learnt in ``fit`` and applied before the network;
        ``inverse_transform`` undoes it, so reconstructions are in the units of
        the data. ``"minmax"`` maps the training range of each feature to [0, 1],
        ``"standard"`` to zero mean and unit variance, ``None`` uses the data as
        given (for data already in [0, 1], e.g. images divided by 255).

    loss : {"mse", "mae", "binary_crossentropy"}, default="mse"
        Training loss between the network's output and the (scaled) input.
        ``"binary_crossentropy"`` needs the scaled data in [0, 1].

    optimizer : {"adam", "adadelta", "rmsprop", "sgd"}, default="adam"
        Keras optimizer.

    learning_rate : float or "auto", default="auto"
        Step size. ``"auto"`` is 1e-3 for adam and rmsprop, 1.0 for adadelta and
        1e-2 for sgd.

    epochs : int, default=200
        Maximum number of passes over the training rows.

    batch_size : int, default=32
        Rows per gradient step (at most the number of training rows).

    shuffle : bool, default=True
        Whether to reshuffle the training rows before each epoch.

    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows and stop when the loss on
        them has not improved by ``tol`` for ``n_iter_no_change`` epochs. When
        False, the same rule is applied to the training loss (as in
        :class:`~sklearn.neural_network.MLPRegressor`). Either way the weights of
        the best epoch are kept.

    validation_fraction : float, default=0.1
        Fraction of rows held out for early stopping (at least one row).

    n_iter_no_change : int, default=10
        Epochs without an improvement of ``tol`` before training stops.

    tol : float, default=1e-4
        Smallest decrease of the monitored loss that counts as an improvement.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, the validation split and any
        training noise. An int gives identical results across fits and processes
        on the CPU. Global NumPy, Python and TensorFlow random state is never
        read or changed.

    verbose : int, default=0
        0 prints nothing; 1 prints one line per epoch."""

SHARED_ATTRIBUTES = """encoder_ : keras.Model
        Maps scaled inputs to codes; shares its weights with ``model_``.

    decoder_ : keras.Model
        Maps codes to scaled reconstructions; shares its weights with ``model_``.

    model_ : keras.Model
        The trained autoencoder (``decoder_(encoder_(x))``).

    history_ : dict of str to list of float
        Per-epoch ``loss`` (and ``val_loss`` with ``early_stopping=True``), as in
        Keras's ``History.history``.

    n_iter_ : int
        Number of epochs run.

    offset_, scale_ : ndarray of shape (n_features_in_,)
        The scaling: the network sees ``(X - offset_) / scale_``.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``; only when ``X`` has string column
        names (e.g. a pandas DataFrame)."""

NOTES = """Keras and TensorFlow are imported on the first ``fit`` (or unpickle), not by
    ``import skae``.

    A ``fit`` that fails (bad input, diverging loss) leaves the estimator exactly as
    it was before the call: still fitted with the previous model if it had one,
    unfitted otherwise.

    Pickling stores one ``.keras`` archive of ``model_``; ``encoder_`` and
    ``decoder_`` are taken back out of it on loading, so they keep sharing its
    weights."""
