"""The estimator every skae autoencoder shares: its signature, validation, fit,
transform and score."""

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted, validate_data

from skae._convergence import warn_not_converged, warn_small_validation
from skae._params import AutoencoderParams
from skae._persistence import KerasPersistenceMixin
from skae._scaling import resolve_scaling, scale_rows, scaling_params
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
        X = _quietly(
            validate_data, self, X, dtype=[np.float64, np.float32], ensure_min_samples=2
        )
        check_sizes("hidden_layer_sizes", self.hidden_layer_sizes, "(128,) or ()")
        check_sizes("filters", self.filters, "(32, 64)", allow_empty=False)
        image_shape = resolve_image_shape(
            self.image_shape, self.architecture, X.shape[1]
        )
        scaling = resolve_scaling(X, self.scaling)
        offset, scale, constant = scaling_params(X, scaling)
        Xs = scale_rows(X, offset, scale)
        output_activation = self._output_activation(Xs)
        self._check_loss(Xs, output_activation)
        seed = fit_seed(self.random_state)

        from skae._keras import _build, _train

        seeds = _build.SeedSequence(seed)
        encoder, decoder = self._build(
            X.shape[1], image_shape, output_activation, seeds
        )
        model = self._assemble(encoder, decoder, Xs, seeds)
        train_idx, val_idx = self._split(len(Xs), np.random.default_rng(seed))
        # Training holds one copy of the data, TensorFlow's.
        X_train = _train.to_tensor(Xs)
        del Xs
        history = _train.train(
            model,
            X_train,
            train_idx=train_idx,
            val_idx=val_idx,
            loss=self.loss,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            epochs=self.epochs,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            verbose=self.verbose,
            callbacks=self._training_callbacks(),
            jit_compile=self.jit_compile,
        )
        if not all(np.isfinite(v).all() for v in history.values()):
            raise ValueError(
                "Training diverged: the loss became NaN or infinite after "
                f"{len(history['loss'])} epoch(s). Lower learning_rate, or scale "
                "the data (scaling='minmax')."
            )
        warn_not_converged(
            type(self).__name__,
            history,
            epochs=self.epochs,
            tol=self.tol,
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
        n_val = max(1, round(self.validation_fraction * n_samples))
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

    # ------------------------------------------------------------ inference

    def transform(self, X):
        """Encode ``X`` into codes of width ``encoding_dim``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data with the features seen in ``fit``.

        Returns
        -------
        Z : ndarray of shape (n_samples, encoding_dim)
            Codes, in the dtype of ``X`` (float32 or float64).
        """
        return self._encode(self._check_X(X))

    def inverse_transform(self, X):
        """Decode codes back into the units of the training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, encoding_dim)
            Codes, as returned by :meth:`transform`.

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

    def predict(self, X):
        """Reconstruct ``X``: encode, then decode, in the units of the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, n_features)
        """
        return self._decode(self._encode(self._check_X(X)))

    def score_samples(self, X):
        """Negative mean squared reconstruction error of each row.

        Higher is more typical of the training data, as in scikit-learn's outlier
        detectors; use ``-score_samples(X)`` as an anomaly score.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

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
