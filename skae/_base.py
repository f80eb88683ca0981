"""The estimator every skae autoencoder shares: its signature, validation, fit,
transform and score."""

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted, validate_data

from skae._convergence import warn_not_converged, warn_small_validation
from skae._params import AutoencoderParams
from skae._persistence import KerasPersistenceMixin
from skae._recipe import MIN_BATCH, auto_weight_decay, plateau_tol, resolve_batch
from skae._scaling import resolve_scaling, scale_rows, scaling_params
from skae._streaming import (
    ScaledRange,
    blockwise,
    check_streamed,
    is_streamed,
    plan_pieces,
    summarize,
)
from skae._validation import check_sizes, fit_seed, resolve_image_shape


class BaseAutoencoder(
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    KerasPersistenceMixin,
    AutoencoderParams,
):
    """Shared machinery of skae's autoencoders; not meant to be used directly.

    A subclass adds its own parameters to the shared signature (see
    :func:`skae._params.with_shared_parameters`), and may override
    :meth:`_corruption` (what the network sees while training) and
    :meth:`_build` (the Keras architecture).
    """

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the autoencoder to reconstruct ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; NaN, infinite values and sparse matrices are rejected.
            A memory-mapped array (``np.load(path, mmap_mode="r")``) or
            another 2-D array-like with ``shape``, ``dtype`` and row slicing
            (an ``h5py.Dataset``) is streamed: read a block at a time, never
            whole (see the user guide's "Data larger than memory").
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The fitted estimator.

        Notes
        -----
        Called inside ``with strategy.scope():`` of a ``tf.distribute`` strategy
        (``MirroredStrategy``, ``MultiWorkerMirroredStrategy``), the fit trains
        with Keras's per-batch loop, each global batch of ``batch_size`` rows
        split between the replicas; the strategy is not a parameter, so it is
        never cloned or pickled with the estimator. See docs/distributed.md.
        """
        # A failed fit must not leave a half-fitted estimator: put back
        # whatever state the estimator had before (fitted or not).
        previous = self.__dict__.copy()
        try:
            self._fit(X)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous)
            raise
        return self

    def _fit(self, X):
        # A streamed X is checked and summarised in one pass over its blocks;
        # the scaled data stays on disk, ``Xs`` stands in for its range.
        summary = None
        if is_streamed(X):
            check_streamed(self, X, reset=True, min_samples=2)
            summary = summarize(X, moments=self.scaling == "standard")
        else:
            X = _quietly(
                validate_data,
                self,
                X,
                dtype=[np.float64, np.float32],
                ensure_min_samples=2,
            )
        check_sizes("hidden_layer_sizes", self.hidden_layer_sizes, "(128,) or ()")
        check_sizes("filters", self.filters, "(32, 64)", allow_empty=False)
        image_shape = resolve_image_shape(
            self.image_shape, self.architecture, X.shape[1]
        )
        scaling = resolve_scaling(X, self.scaling, summary)
        offset, scale, constant = scaling_params(X, scaling, summary)
        if summary is None:
            Xs = scale_rows(X, offset, scale)
        else:
            Xs = ScaledRange(summary, offset, scale)
        output_activation = self._output_activation(Xs)
        self._check_loss(Xs, output_activation)
        seed = fit_seed(self.random_state)

        from skae._keras import _build, _train

        # partial_fit's first call: one pass over all the rows given.
        one_pass = getattr(self, "_one_pass", False)
        n_train = None
        if not one_pass:
            n_val = self._n_validation(X.shape[0]) if self.early_stopping else 0
            n_train = X.shape[0] - n_val
        batch, rate, anneal = self._training(n_train)
        self._fit_batch_size = batch
        weight_decay = None
        if anneal and not self._trains_on_noise():
            # An annealed fit on few rows per feature (D17); a denoiser's
            # training noise regularises it already, and decay on top lost.
            weight_decay = auto_weight_decay(X.shape[1], n_train)

        seeds = _build.SeedSequence(seed)
        encoder, decoder = self._build(
            X.shape[1], image_shape, output_activation, seeds
        )
        model = self._assemble(encoder, decoder, Xs, seeds)
        rng = np.random.default_rng(seed)
        stream = X_train = train_idx = val_idx = None
        if summary is not None:
            stream = self._stream(X, seed, offset, scale, rng, validate=not one_pass)
        elif one_pass:
            from skae._keras import _stream

            stream = _stream.InMemory(_train.to_tensor(Xs), X.shape[1])
        else:
            train_idx, val_idx = self._split(len(Xs), rng)
            # Training holds one copy of the data, TensorFlow's.
            X_train = _train.to_tensor(Xs)
        del Xs
        history = self._train(
            model,
            X_train,
            train_idx,
            val_idx,
            stream,
            epochs=1 if one_pass else None,
            batch_size=batch,
            learning_rate=rate,
            anneal=anneal,
            weight_decay=weight_decay,
        )
        if not one_pass:
            warn_not_converged(
                type(self).__name__,
                history,
                epochs=self.epochs,
                tol=plateau_tol(self.tol, batch) if anneal else self.tol,
                n_iter_no_change=self.n_iter_no_change,
            )
        self.model_ = model
        self.encoder_, self.decoder_ = encoder, decoder
        self.scaling_, self.offset_, self.scale_ = scaling, offset, scale
        # A feature constant in training is reconstructed as that constant: the
        # network never saw it vary, and its approximation of zero (the scaled
        # constant) would come back in raw units, not the data's.
        self._output_scale_ = np.where(constant, 0.0, scale)
        self.history_ = history
        self.n_iter_ = len(history["loss"])
        self.n_samples_seen_ = X.shape[0]

    def _stream(self, X, seed, offset, scale, rng, *, validate):
        """The blocks a streamed fit trains on (skae._keras._stream.Stream):
        contiguous pieces of rows, ``validation_fraction`` of them held out
        at random for early stopping if ``validate``."""
        from skae._keras import _stream

        fraction = None
        if validate and self.early_stopping:
            fraction = self.validation_fraction
        plan = plan_pieces(
            X.shape[0],
            X.shape[1],
            batch_size=self._fit_batch_size,
            validation_fraction=fraction,
            rng=rng,
        )
        if fraction is not None:
            warn_small_validation(
                type(self).__name__, plan.n_val, X.shape[0], self.validation_fraction
            )
        return _stream.Stream(X, plan, offset, scale, shuffle=self.shuffle, seed=seed)

    def _train(
        self,
        model,
        X_train,
        train_idx,
        val_idx,
        stream,
        *,
        batch_size,
        learning_rate,
        epochs=None,
        anneal=False,
        weight_decay=None,
    ):
        """Train ``model`` (see skae._keras._train.train); raise if it diverged.

        ``epochs`` other than None is a pass of ``partial_fit``: the model
        keeps the optimizer it was compiled with, and its state.
        """
        from skae._keras import _train

        history = _train.train(
            model,
            X_train,
            train_idx=train_idx,
            val_idx=val_idx,
            loss=self.loss,
            optimizer=self.optimizer,
            learning_rate=learning_rate,
            epochs=self.epochs if epochs is None else epochs,
            batch_size=batch_size,
            shuffle=self.shuffle,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            verbose=self.verbose,
            callbacks=self._training_callbacks(),
            jit_compile=self.jit_compile,
            stream=stream,
            resume=epochs is not None,
            anneal=anneal,
            weight_decay=weight_decay,
        )
        if not all(np.isfinite(v).all() for v in history.values()):
            raise ValueError(
                "Training diverged: the loss became NaN or infinite after "
                f"{len(history['loss'])} epoch(s). Lower learning_rate, or scale "
                "the data (scaling='minmax')."
            )
        return history

    # ---------------------------------------------------------- partial_fit

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train one pass (epoch) over ``X``, continuing from earlier calls.

        The first call (on an unfitted estimator) builds the network and fixes
        the scaling from the rows it is given: later rows are scaled with it,
        so make the first chunk representative (for ``scaling="global"`` or
        ``"minmax"``, a chunk that spans the data's range). Each call is one
        shuffled pass over its rows with ``batch_size`` batches and no
        validation or early stopping; the optimizer and its state (Adam's
        moments) carry over from call to call, and from a previous ``fit``.
        ``fit`` starts afresh.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A chunk of training data: at least 2 rows on the first call, 1
            after. Memory-mapped arrays and ``h5py`` datasets are streamed,
            as in :meth:`fit`.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The estimator, trained one pass more.

        Notes
        -----
        Bad input (another number of features, an empty chunk, NaN), or a
        pass whose loss diverges, raises and leaves the estimator and its
        network exactly as they were. ``n_samples_seen_`` counts the rows
        given, ``n_iter_`` the passes, and ``history_["loss"]`` gains the
        pass's loss.
        """
        previous = self.__dict__.copy()
        saved = _snapshot(self.model_) if hasattr(self, "model_") else None
        try:
            if saved is None:
                self._one_pass = True
                self._fit(X)
            else:
                self._partial_pass(X)
        except BaseException:
            if saved is not None:
                _restore(self.model_, saved)
            self.__dict__.clear()
            self.__dict__.update(previous)
            raise
        finally:
            self.__dict__.pop("_one_pass", None)
        return self

    def _partial_pass(self, X):
        """One more pass over ``X`` with the fitted scaling and optimizer."""
        offset, scale = self._scaling_offset, self.scale_
        if is_streamed(X):
            n_samples, _ = check_streamed(self, X, reset=False, min_samples=1)
            if self.loss == "binary_crossentropy":
                # The targets must stay in [0, 1] under the first call's scaling.
                summary = summarize(X, moments=False)
                self._check_loss(ScaledRange(summary, offset, scale), "sigmoid")
            seed = [fit_seed(self.random_state), self.n_iter_]
            stream = self._stream(X, seed, offset, scale, None, validate=False)
        else:
            X = self._check_X(X)
            n_samples = X.shape[0]
            Xs = scale_rows(X, offset, scale)
            if self.loss == "binary_crossentropy":
                self._check_loss(Xs, "sigmoid")  # the sigmoid was checked first
            from skae._keras import _stream, _train

            stream = _stream.InMemory(_train.to_tensor(Xs), X.shape[1])
            del Xs
        batch, rate, _ = self._training(None)
        history = self._train(
            self.model_,
            None,
            np.arange(n_samples),
            np.arange(0),
            stream,
            epochs=1,
            batch_size=batch,
            learning_rate=rate,
        )
        self.history_ = {
            key: [*values, *history.get(key, [])]
            for key, values in self.history_.items()
        }
        self.n_iter_ += 1
        self.n_samples_seen_ += n_samples
        self._after_pass(X)

    def _after_pass(self, X):
        """What a subclass updates after a ``partial_fit`` pass over ``X``."""

    def _training(self, n_train):
        """``(batch, rate, anneal)`` of a fit on ``n_train`` training rows
        (skae._recipe.resolve_batch), or of a ``partial_fit`` pass when
        ``n_train`` is None: there an "auto" batch is 32 rows, at the
        optimizer's constant rate."""
        from skae._keras._optimizers import DEFAULT_LEARNING_RATES

        batch_size = self.batch_size
        if n_train is None and batch_size == "auto":
            batch_size = MIN_BATCH
        return resolve_batch(
            batch_size,
            self.learning_rate,
            n_train,
            optimizer=self.optimizer,
            default_rate=DEFAULT_LEARNING_RATES[self.optimizer],
        )

    def _check_loss(self, Xs, output_activation):
        if self.loss != "binary_crossentropy":
            return
        if Xs.min() < 0 or Xs.max() > 1:
            raise ValueError(
                "loss='binary_crossentropy' needs targets in [0, 1], but the "
                f"scaled training data spans [{Xs.min():.3g}, {Xs.max():.3g}]; "
                "use scaling='minmax' or loss='mse'."
            )
        if self.builder is None and output_activation != "sigmoid":
            raise ValueError(
                "loss='binary_crossentropy' needs a sigmoid output: Keras clips "
                "predictions to (0, 1), and an output outside it gets no gradient; "
                f"got output_activation={self.output_activation!r}. Use 'sigmoid' "
                "or 'auto' (sigmoid on data scaled into [0, 1])."
            )

    def _output_activation(self, Xs):
        if self.output_activation != "auto":
            return self.output_activation
        inside_unit_interval = Xs.min() >= 0 and Xs.max() <= 1
        return "sigmoid" if inside_unit_interval else "linear"

    def _split(self, n_samples, rng):
        """Indices of training and validation rows (validation only if needed)."""
        order = rng.permutation(n_samples)
        if not self.early_stopping:
            return np.sort(order), order[:0]
        n_val = self._n_validation(n_samples)
        if n_val >= n_samples:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no training "
                f"rows out of {n_samples} samples; lower it or set "
                "early_stopping=False."
            )
        warn_small_validation(
            type(self).__name__, n_val, n_samples, self.validation_fraction
        )
        return np.sort(order[n_val:]), np.sort(order[:n_val])

    def _n_validation(self, n_samples):
        """How many of ``n_samples`` rows early stopping holds out."""
        return max(1, round(self.validation_fraction * n_samples))

    def _build(self, n_features, image_shape, output_activation, seeds):
        """Encoder and decoder Keras models, from ``builder`` or the parameters."""
        from skae._keras import _build

        # Plain Python numbers: Keras rejects NumPy scalars (np.arange grids).
        encoding_dim = self._encoding_dim(n_features)
        if self.builder is not None:
            return _build.build_custom(
                self.builder, n_features, encoding_dim, seeds.next()
            )
        blocks = _build.Blocks(
            seeds,
            activation=self.activation,
            alpha=float(self.alpha),
            dropout=float(self.dropout),
            batch_norm=self.batch_norm,
        )
        code = dict(
            code_activation=self.code_activation,
            sparsity=float(self.sparsity),
            output_activation=output_activation,
        )
        if self.architecture == "dense":
            return _build.build_dense(
                n_features,
                encoding_dim,
                blocks,
                hidden_layer_sizes=tuple(map(int, self.hidden_layer_sizes)),
                **code,
            )
        return _build.build_conv(
            n_features,
            encoding_dim,
            blocks,
            image_shape=image_shape,
            filters=tuple(map(int, self.filters)),
            pooling=self.architecture == "conv_pool",
            **code,
        )

    def _encoding_dim(self, n_features):
        """The code size for ``n_features`` inputs."""
        return int(self.encoding_dim)

    def _assemble(self, encoder, decoder, Xs, seeds):
        """The trainable Keras model around ``encoder`` and ``decoder``."""
        from skae._keras import _build

        return _build.assemble(
            encoder,
            decoder,
            corruption=self._corruption(Xs),
            contractive=self.contractive,
            seeds=seeds,
        )

    def _training_callbacks(self):
        """The Keras callbacks of the fit, beside skae's own: the user's."""
        return self.callbacks or ()

    def _corruption(self, Xs):
        """``None``, or ``(noise, factor, low, high)`` applied while training."""
        return None

    def _trains_on_noise(self):
        """Whether the network sees corrupted inputs while training."""
        return False

    # ------------------------------------------------------------ inference

    @blockwise
    def transform(self, X):
        """Encode ``X`` into codes of width ``encoding_dim``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data with the features seen in ``fit``.
            A memory map or ``h5py`` dataset is read a block at a time;
            the result is in memory.

        Returns
        -------
        Z : ndarray of shape (n_samples, encoding_dim)
            Codes, in the dtype of ``X`` (float32 or float64).
        """
        return self._encode(self._check_X(X))

    @blockwise
    def inverse_transform(self, X):
        """Decode codes back into the units of the training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, encoding_dim)
            Codes, as returned by :meth:`transform`.
            A memory map or ``h5py`` dataset is read a block at a time;
            the result is in memory.

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, `n_features_in_`)
            Reconstructions in the units of the data given to ``fit``.
        """
        check_is_fitted(self)
        Z = _quietly(check_array, X, dtype=[np.float64, np.float32])
        if Z.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {Z.shape[1]} features, but {type(self).__name__}."
                f"inverse_transform is expecting codes of encoding_dim="
                f"{self._n_features_out} features as input."
            )
        return self._decode(Z)

    def _check_X(self, X):
        check_is_fitted(self)
        return _quietly(
            validate_data, self, X, dtype=[np.float64, np.float32], reset=False
        )

    def _encode(self, X):
        from skae._keras import _predict

        offset = self._scaling_offset
        identity = not np.any(offset) and np.all(self.scale_ == 1)
        scaling = () if identity else (offset, self.scale_)
        codes = _predict.predict(self.encoder_, X, *scaling)
        _check_finite(codes, "X has", "the data given to fit")
        return codes.astype(X.dtype, copy=False)

    def _decode(self, Z):
        from skae._keras import _predict

        out = _predict.predict(self.decoder_, Z).astype(np.float64)
        _check_finite(out, "The codes have", "transform's codes")
        out *= self._output_scale_
        out += self._scaling_offset
        return out.astype(Z.dtype, copy=False)

    @property
    def _scaling_offset(self):
        # An outlier detector keeps scikit-learn's offset_ for its decision
        # function, and the scaling's offset under another name.
        return self.offset_

    @blockwise
    def predict(self, X):
        """Reconstruct ``X``: encode, then decode, in the units of the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A memory map or ``h5py`` dataset is read a block at a time;
            the result is in memory.

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, n_features)
        """
        return self._decode(self._encode(self._check_X(X)))

    @blockwise
    def score_samples(self, X):
        """Negative mean squared reconstruction error of each row.

        Higher is more typical of the training data, as in scikit-learn's outlier
        detectors; use ``-score_samples(X)`` as an anomaly score.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A memory map or ``h5py`` dataset is read a block at a time;
            the result is in memory.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            In float64; ``-inf`` only for a row whose errors are too large for
            float64 to square (about 1e154).
        """
        X = self._check_X(X)
        # In float64, each error divided by sqrt(n_features) before it is
        # squared and summed: a float32 error over 1.8e19 would square to
        # infinity, and a sum of large squares would overflow before the mean.
        errors = np.subtract(X, self._decode(self._encode(X)), dtype=np.float64)
        errors *= np.sqrt(1.0 / X.shape[1])
        with np.errstate(over="ignore"):  # -inf only past float64's range
            return -np.sum(np.square(errors), axis=1)

    def score(self, X, y=None):
        """Negative mean squared reconstruction error (higher is better).

        This lets ``GridSearchCV`` tune an autoencoder with no scorer and no ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        score : float
        """
        return float(np.mean(self.score_samples(X)))

    # ------------------------------------------------------- scikit-learn

    @property
    def _n_features_out(self):
        # The fitted width: encoding_dim may have been set since, without a refit.
        return self.encoder_.output_shape[-1]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.non_deterministic = False
        return tags


def _snapshot(model):
    """The values of ``model``'s weights and of its optimizer's state."""
    optimizer = model.optimizer.variables if model.optimizer is not None else []
    return [v.numpy() for v in model.weights], [v.numpy() for v in optimizer]


def _restore(model, saved):
    """Put back what :func:`_snapshot` saved."""
    weights, optimizer = saved
    for variable, value in zip(model.weights, weights, strict=True):
        variable.assign(value)
    if model.optimizer is not None:
        for variable, value in zip(model.optimizer.variables, optimizer, strict=True):
            variable.assign(value)


def _check_finite(outputs, given, expected):
    """Raise if the network's outputs overflowed float32, which it computes in."""
    if not np.isfinite(outputs).all():
        raise ValueError(
            f"{given} values too far outside the range of {expected} for "
            "the network, which computes in float32: its outputs overflowed to "
            f"infinity or NaN. Expected values of the order of {expected}."
        )


def _quietly(check, *args, **kwargs):
    """Run scikit-learn's input ``check`` without its false alarm: it sums X
    to test finiteness at once, and large finite values of both signs sum to
    inf - inf, an "invalid value" warning about valid data."""
    with np.errstate(invalid="ignore"):
        return check(*args, **kwargs)
