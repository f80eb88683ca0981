"""Docstring fragments shared by the estimators (as in imbalanced-learn)."""

SHARED_PARAMETERS = """encoding_dim : int, default=16
        Size of the code: the number of features ``transform`` returns. Codes
        wider than the input are allowed (an over-complete autoencoder).

    hidden_layer_sizes : tuple of int, default=(512,)
        Widths of the encoder's hidden layers, from the input inwards; the decoder
        mirrors them. ``()`` gives a shallow autoencoder (one code layer).

    activation : {"relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", \
"linear"}, default="relu"
        Activation of the hidden layers (the code layer's is
        ``code_activation``).

    output_activation : {"auto", "sigmoid", "linear", ...}, default="auto"
        Activation of the reconstruction layer. ``"auto"`` picks ``"sigmoid"``
        when the scaled training data lies in [0, 1] (always so with
        ``"auto"``, ``"global"`` and ``"minmax"`` scaling) and ``"linear"``
        otherwise.

    scaling : {"auto", "global", "minmax", "standard"} or None, default="auto"
        Scaling learnt in ``fit`` and applied before the network;
        ``inverse_transform`` undoes it, so reconstructions are in the units of
        the data. ``"global"`` maps the training range of the whole of X to
        [0, 1], one range for every feature (pixels: a border that is dark in
        every training image keeps the units of the others); ``"minmax"`` maps
        the training range of each feature to [0, 1] (a table of mixed units);
        ``"auto"`` picks ``"global"`` when the features that vary span about the
        same range and share its bounds (images), ``"minmax"`` otherwise, and
        records its choice in ``scaling_``. ``"standard"`` maps each feature to
        zero mean and unit variance, ``None`` uses the data as given. The
        scaling is computed in float64, so float64 data far from zero (1e7 plus
        a spread of 1) or beyond float32's range keep their precision before
        the network's float32. A feature constant in training is passed
        through shifted and reconstructed as that constant.

    loss : {"mse", "mae", "binary_crossentropy"}, default="mse"
        Training loss between the network's output and the (scaled) input.
        ``"binary_crossentropy"`` needs the scaled data in [0, 1] and a sigmoid
        output (``output_activation="auto"`` gives one there).

    optimizer : {"adam", "adadelta", "rmsprop", "sgd"}, default="adam"
        Keras optimizer. ``"adam"`` makes Keras's Adam updates with TensorFlow's
        fused Adam kernel: the same rule, one op per weight instead of a dozen.

    learning_rate : float or "auto", default="auto"
        Step size. ``"auto"`` is 1e-3 for adam and rmsprop, 1.0 for adadelta and
        1e-2 for sgd; with ``batch_size="auto"`` and adam, 1e-3 times the
        batch / 32 (see ``batch_size``).

    epochs : int, default=200
        Maximum number of passes over the training rows. Running out of them
        while the monitored loss still improves by ``tol`` (early stopping not
        triggered) issues a :class:`~sklearn.exceptions.ConvergenceWarning`, as
        does a fit whose loss never improves by ``tol`` after its first epoch.

    batch_size : int or "auto", default=32
        Rows per gradient step (at most the number of training rows), at a
        constant ``learning_rate``. ``"auto"`` takes the power of two nearest
        the training rows / 32, within [32, 256]: 32, as given, up to about
        1 450 rows, 256 from about 5 800. With adam and a batch above 32, an
        "auto" rate is 1e-3 times batch / 32 (a given rate is kept), and the
        rate is annealed: a warm-up over 3 epochs, the rate held until the
        monitored loss has not improved by ``tol * 32 / batch`` (the same gain
        per step) for 0.6 × ``n_iter_no_change`` epochs, then a cosine decay
        to 2 % of it, from the best weights seen, over half the epochs so far
        (at least 8), which ends the fit in place of early stopping. Such a
        fit on fewer than 50 training rows per feature also decays its
        weights (Keras's decoupled weight decay, AdamW's) by features / rows,
        at most 0.2: 0.11 for 7 200 images of 784 pixels, none for a table of
        20 features, nor where the network trains on noisy inputs (a
        denoiser: the noise regularises it). Large fits take fewer, larger
        steps. ``partial_fit`` passes train batches of 32 at a constant rate,
        without weight decay.

    shuffle : bool, default=True
        Whether to reshuffle the training rows before each epoch.

    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows and stop when the loss on
        them has not improved by ``tol`` for ``n_iter_no_change`` epochs. When
        False, the same rule is applied to the training loss (as in
        :class:`~sklearn.neural_network.MLPRegressor`). Either way the weights of
        the best epoch are kept.

    validation_fraction : float, default=0.1
        Fraction of rows held out for early stopping (at least one row). Fewer
        than 10 held-out rows issue a ``UserWarning``: too few to decide when
        to stop.

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
        0 prints nothing; 1 prints one line per epoch (with the rows per
        second of a streamed fit).

    architecture : {"dense", "conv", "conv_pool"}, default="dense"
        ``"dense"``: Dense layers of ``hidden_layer_sizes``. ``"conv"``: rows are
        reshaped to ``image_shape``; Conv2D(3x3, stride 2) + LeakyReLU(0.2) blocks
        of ``filters``, a Dense code, and the mirror image with Conv2DTranspose
        (Keras's convolutional autoencoder tutorial). ``"conv_pool"``: Conv2D +
        ReLU + MaxPooling2D blocks, Conv2D + UpSampling2D on the way back.

    image_shape : tuple of int, default=None
        ``(height, width)`` or ``(height, width, channels)`` of the images held,
        flattened, in each row of ``X`` (channels last). One entry may be -1,
        as in :func:`numpy.reshape`: ``(1, -1)`` treats each row as a 1-D
        signal. Needed by the conv architectures; used by the plotting helpers.

    filters : tuple of int, default=(32, 64)
        Filters of the convolutional blocks, from the input inwards.

    code_activation : str, default="linear"
        Activation of the code layer (``"relu"`` in the shallow tutorial model).

    sparsity : float, default=0.0
        Weight of an L1 activity penalty on the code (a sparse autoencoder);
        0 turns it off.

    contractive : float, default=0.0
        Weight of the contractive penalty: the squared Frobenius norm of the
        encoder's Jacobian with respect to its input, averaged over rows
        (a contractive autoencoder); 0 turns it off.

    alpha : float, default=0.0
        L2 weight decay on every kernel.

    dropout : float, default=0.0
        Dropout rate after each hidden layer (active only while training).

    batch_norm : bool, default=False
        Batch normalisation after each hidden layer or convolutional block, with
        ``momentum=0.9`` (PyTorch's default), so that inference works after a
        few epochs of a small data set too.

    builder : callable, default=None
        ``builder(n_features, encoding_dim, *, seed)`` returning ``(encoder,
        decoder)``, two Keras models mapping ``(None, n_features)`` rows to
        ``(None, encoding_dim)`` codes and back; it replaces ``architecture`` and
        the layer parameters. It must be a module-level function for the estimator
        to pickle; seed its layers with ``seed`` for reproducible fits.

    callbacks : list of Callback, default=None
        Extra Keras callbacks (e.g. ``TensorBoard``, ``ModelCheckpoint``) given to
        ``Model.fit``. These very objects are called, so they keep what they
        record (e.g. ``EarlyStopping.stopped_epoch``); once ``fit`` ends they no
        longer hold the model, and the estimator pickles and clones with them
        (not with a fitted ``CSVLogger``, which keeps its closed file: Python
        cannot pickle that; ``set_params(callbacks=None)`` keeps the model).

    jit_compile : bool or "auto", default="auto"
        Compile each training epoch with XLA. ``"auto"`` follows Keras: on when
        TensorFlow sees a GPU or other accelerator, off on a CPU-only machine.
        On a CPU, ``True`` costs about a second of compilation per fit and then
        runs each epoch faster (``benchmarks/README.md``, D13): worth it
        for long fits on large data, not for short ones. Results differ from the
        uncompiled ones by floating-point rounding (and XLA's own random numbers
        for noise and dropout)."""

# The shared parameters of the estimators whose batch is "auto" by default
# (the transformer and the denoiser; benchmarks/README.md, D16).
AUTO_BATCH_PARAMETERS = SHARED_PARAMETERS.replace(
    'batch_size : int or "auto", default=32',
    'batch_size : int or "auto", default="auto"',
)

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
        Number of epochs run (by ``fit``, plus one per ``partial_fit`` call).

    n_samples_seen_ : int
        Number of rows given to ``fit`` (or the first ``partial_fit``), plus
        those of every ``partial_fit`` call since.

    scaling_ : {"global", "minmax", "standard"} or None
        The scaling applied: ``scaling``, or what ``"auto"`` chose.

    offset_, scale_ : ndarray of shape (`n_features_in_`,)
        The scaling: the network sees ``(X - offset_) / scale_`` (``scale_`` is 1
        for a feature constant in training with ``"minmax"`` or ``"standard"``,
        as in scikit-learn's scalers).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
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
