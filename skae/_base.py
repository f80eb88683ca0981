"""The estimator every skae autoencoder shares: validation, scaling, fit, transform."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

# Values per block of rows scaled at a time in float64 (32 MB of temporaries).
SCALE_BLOCK = 1 << 22

ACTIVATIONS = {"relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "linear"}


class BaseAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Shared machinery of skae's autoencoders; not meant to be used directly.

    Subclasses define ``__init__`` and may override :meth:`_corruption` (what the
    network sees while training) and :meth:`_build` (the Keras architecture).
    """

    _parameter_constraints: dict = {
        "encoding_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like"],
        "activation": [StrOptions(ACTIVATIONS)],
        "output_activation": [StrOptions(ACTIVATIONS | {"auto"})],
        "scaling": [StrOptions({"minmax", "standard"}), None],
        "loss": [StrOptions({"mse", "mae", "binary_crossentropy"})],
        "optimizer": [StrOptions({"adam", "adadelta", "rmsprop", "sgd"})],
        "learning_rate": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
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
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        _check_sizes("hidden_layer_sizes", self.hidden_layer_sizes, "(128,) or ()")
        _check_sizes("filters", self.filters, "(32, 64)", allow_empty=False)
        image_shape = self._image_shape(X.shape[1])
        offset, scale, constant = self._scaling_params(X)
        Xs = self._scale(X, offset, scale)
        output_activation = self._output_activation(Xs)
        if self.loss == "binary_crossentropy" and (Xs.min() < 0 or Xs.max() > 1):
            raise ValueError(
                "loss='binary_crossentropy' needs targets in [0, 1], but the "
                f"scaled training data spans [{Xs.min():.3g}, {Xs.max():.3g}]; "
                "use scaling='minmax' or loss='mse'."
            )
        if (
            self.loss == "binary_crossentropy"
            and self.builder is None
            and output_activation != "sigmoid"
        ):
            raise ValueError(
                "loss='binary_crossentropy' needs a sigmoid output: Keras clips "
                "predictions to (0, 1), and an output outside it gets no gradient; "
                f"got output_activation={self.output_activation!r}. Use 'sigmoid' "
                "or 'auto' (sigmoid on data scaled into [0, 1])."
            )
        seed = _fit_seed(self.random_state)

        from skae import _keras

        seeds = _keras.SeedSequence(seed)
        encoder, decoder = self._build(
            _keras, X.shape[1], image_shape, output_activation, seeds
        )
        model = _keras.assemble(
            encoder,
            decoder,
            corruption=self._corruption(Xs),
            contractive=self.contractive,
            seeds=seeds,
        )
        train_idx, val_idx = self._split(len(Xs), np.random.default_rng(seed))
        # Training holds one copy of the data, TensorFlow's.
        X_train = _keras.to_tensor(Xs)
        del Xs
        history = _keras.train(
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
            seeds=seeds,
            verbose=self.verbose,
            callbacks=self.callbacks or (),
            jit_compile=self.jit_compile,
        )
        if not all(np.isfinite(v).all() for v in history.values()):
            raise ValueError(
                "Training diverged: the loss became NaN or infinite after "
                f"{len(history['loss'])} epoch(s). Lower learning_rate, or scale "
                "the data (scaling='minmax')."
            )
        self.model_ = model
        self.encoder_, self.decoder_ = encoder, decoder
        self.offset_, self.scale_ = offset, scale
        # A feature constant in training is reconstructed as that constant: the
        # network never saw it vary, and its approximation of zero (the scaled
        # constant) would come back in raw units, not the data's.
        self._output_scale_ = np.where(constant, 0.0, scale)
        self.history_ = history
        self.n_iter_ = len(history["loss"])

    def _image_shape(self, n_features):
        """``image_shape`` as (height, width, channels), checked against the data."""
        if self.image_shape is None:
            if self.architecture != "dense":
                raise ValueError(
                    f"architecture={self.architecture!r} needs image_shape=(height, "
                    "width) or (height, width, channels), got None."
                )
            return None
        shape = tuple(self.image_shape)
        if len(shape) not in (2, 3):
            raise ValueError(
                "image_shape must have 2 entries (height, width) or 3 (height, "
                f"width, channels), got {shape}."
            )
        if len(shape) == 2:
            shape = (*shape, 1)
        filled = fill_minus_one(shape, n_features)
        if filled is None:
            known = int(np.prod([v for v in shape if v != -1]))
            raise ValueError(
                f"image_shape={tuple(self.image_shape)} cannot reshape rows of "
                f"{n_features} features: {n_features} is not a multiple of "
                f"{known}."
            )
        shape = filled
        _check_sizes("image_shape", shape, "(28, 28) or (64, 64, 3)", allow_empty=False)
        if len(shape) != 3 or int(np.prod(shape)) != n_features:
            raise ValueError(
                f"image_shape={tuple(self.image_shape)} holds {int(np.prod(shape))} "
                f"values per image, but X has {n_features} features per row."
            )
        return shape

    def _scaling_params(self, X):
        """Per-feature float64 ``offset`` and ``scale`` mapping X to the network's
        units (with ``scaling="minmax"``, exactly onto [0, 1]), and which
        features are constant."""
        if self.scaling is None:
            n = X.shape[1]
            return np.zeros(n), np.ones(n), np.zeros(n, dtype=bool)
        if self.scaling == "minmax":
            offset = X.min(axis=0).astype(np.float64)
            spread = X.max(axis=0).astype(np.float64) - offset
        else:
            offset = X.mean(axis=0, dtype=np.float64)
            spread = X.std(axis=0, dtype=np.float64)
        # A constant feature is passed through shifted, not divided by zero (as
        # scikit-learn's scalers do).
        constant = ~(spread > 0)
        return offset, np.where(constant, 1.0, spread), constant

    @staticmethod
    def _scale(X, offset, scale):
        """``(X - offset) / scale`` as the network's float32, computed in float64
        a block of rows at a time: rounding in float32 put min-max scaled maxima
        at 1.0000001 and lost large offsets (1e7 + a spread of 1 came out in
        steps of 1), and a block keeps the float64 temporaries small."""
        out = np.empty(X.shape, np.float32)
        inverse = 1.0 / scale
        step = max(1, SCALE_BLOCK // max(1, X.shape[1]))
        for start in range(0, len(X), step):
            rows = slice(start, start + step)
            scaled_float32(X[rows], offset, inverse, out=out[rows])
        return out

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
        return np.sort(order[n_val:]), np.sort(order[:n_val])

    def _build(self, _keras, n_features, image_shape, output_activation, seeds):
        """Encoder and decoder Keras models, from ``builder`` or the parameters."""
        # Plain Python numbers: Keras rejects NumPy scalars (np.arange grids).
        encoding_dim = int(self.encoding_dim)
        if self.builder is not None:
            return _keras.build_custom(
                self.builder, n_features, encoding_dim, seeds.next()
            )
        blocks = _keras.Blocks(
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
            return _keras.build_dense(
                n_features,
                encoding_dim,
                blocks,
                hidden_layer_sizes=tuple(map(int, self.hidden_layer_sizes)),
                **code,
            )
        return _keras.build_conv(
            n_features,
            encoding_dim,
            blocks,
            image_shape=image_shape,
            filters=tuple(map(int, self.filters)),
            pooling=self.architecture == "conv_pool",
            **code,
        )

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
        X_reconstructed : ndarray of shape (n_samples, n_features_in_)
            Reconstructions in the units of the data given to ``fit``.
        """
        check_is_fitted(self)
        Z = check_array(X, dtype=[np.float64, np.float32])
        if Z.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {Z.shape[1]} features, but {type(self).__name__}."
                f"inverse_transform is expecting codes of encoding_dim="
                f"{self._n_features_out} features as input."
            )
        return self._decode(Z)

    def _check_X(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=[np.float64, np.float32], reset=False)

    def _encode(self, X):
        from skae import _keras

        identity = not np.any(self.offset_) and np.all(self.scale_ == 1)
        scaling = () if identity else (self.offset_, self.scale_)
        codes = _keras.predict(self.encoder_, X, *scaling)
        return codes.astype(X.dtype, copy=False)

    def _decode(self, Z):
        from skae import _keras

        out = _keras.predict(self.decoder_, Z).astype(np.float64)
        out *= self._output_scale_
        out += self.offset_
        return out.astype(Z.dtype, copy=False)

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
        """
        X = self._check_X(X)
        return -np.mean(
            (X - self._decode(self._encode(X))) ** 2, axis=1, dtype=np.float64
        )

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

    # ------------------------------------------------------ Keras export

    def export_keras(self, directory):
        """Write ``encoder.keras`` and ``decoder.keras`` for Keras-only serving.

        The exported models work in the units of the data: the encoder maps raw
        rows to codes and the decoder maps codes to raw reconstructions, the
        estimator's scaling being folded in as ``Normalization`` layers. Load them
        with ``keras.saving.load_model`` (no skae needed), or back into an
        estimator with :meth:`from_keras`.

        Parameters
        ----------
        directory : str or path-like
            Folder to write into (created if missing).

        Returns
        -------
        encoder_path, decoder_path : pathlib.Path
        """
        from pathlib import Path

        from skae import _keras

        check_is_fitted(self)
        _keras.check_exportable_scaling(self.scale_)
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        paths = folder / "encoder.keras", folder / "decoder.keras"
        models = _keras.with_scaling(
            self.encoder_,
            self.decoder_,
            self.offset_,
            self.scale_,
            self._output_scale_,
        )
        for model, path in zip(models, paths, strict=True):
            model.save(path)
        return paths

    @classmethod
    def from_keras(cls, encoder, decoder, **params):
        """A fitted estimator around an exported (or any) encoder and decoder.

        Parameters
        ----------
        encoder, decoder : keras.Model or str or path-like
            Models, or ``.keras`` files such as :meth:`export_keras` writes,
            mapping ``(None, n_features)`` rows to ``(None, encoding_dim)`` codes
            and back, in the units of the data.
        **params
            Estimator parameters; ``encoding_dim`` is taken from the encoder.

        Returns
        -------
        estimator : instance of cls
            Ready for ``transform``, ``inverse_transform``, ``score``; its
            ``history_`` is empty and ``n_iter_`` is 0. ``fit`` trains a new
            model from scratch.
        """
        from skae import _keras

        encoder, decoder = _keras.load(encoder), _keras.load(decoder)
        n_features = encoder.input_shape[-1]
        encoding_dim = encoder.output_shape[-1]
        encoder, decoder = _keras.build_custom(
            lambda n, k, seed: (encoder, decoder), n_features, encoding_dim, seed=0
        )
        est = cls(**{**params, "encoding_dim": encoding_dim})
        est.model_ = _keras.assemble(encoder, decoder)
        est.encoder_, est.decoder_ = encoder, decoder
        est.offset_, est.scale_ = np.zeros(n_features), np.ones(n_features)
        est._output_scale_ = est.scale_
        est.n_features_in_ = n_features
        est.history_, est.n_iter_ = {}, 0
        return est

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

    # ------------------------------------------------------------- pickling

    def __getstate__(self):
        # BaseEstimator may hand back the live __dict__: never edit it in place.
        state = dict(super().__getstate__())
        if "model_" in state:
            from skae import _keras

            # One serialised model: encoder and decoder are re-extracted from it
            # on load, so they keep sharing its weights.
            state["model_"] = _keras.model_to_bytes(state["model_"])
            del state["encoder_"], state["decoder_"]
        return state

    def __setstate__(self, state):
        if "model_" in state:
            from skae import _keras

            state = dict(state)
            state["model_"] = _keras.model_from_bytes(state["model_"])
            state["encoder_"], state["decoder_"] = _keras.split_model(state["model_"])
        super().__setstate__(state)


def fill_minus_one(shape, n_features):
    """``shape`` with its one -1 (as in numpy.reshape) replaced by whatever
    rows of ``n_features`` leave; ``shape`` itself when it has no single -1
    beside positive integers, None when ``n_features`` is not a multiple of
    the rest."""
    known = [v for v in shape if v != -1]
    if len(known) != len(shape) - 1 or not all(
        isinstance(v, Integral) and v > 0 for v in known
    ):
        return shape
    rest, remainder = divmod(n_features, int(np.prod(known)))
    if remainder or not rest:
        return None
    return tuple(rest if v == -1 else v for v in shape)


def scaled_float32(X, offset, inv_scale, out=None):
    """``(X - offset) * inv_scale`` computed in float64 (a temporary the size
    of ``X``), written as float32 into ``out`` (a new array if None)."""
    scaled = np.subtract(X, offset, dtype=np.float64)
    scaled *= inv_scale
    if out is None:
        return scaled.astype(np.float32)
    out[...] = scaled
    return out


def _check_sizes(name, sizes, example, allow_empty=True):
    if (
        np.ndim(sizes) != 1
        or (not allow_empty and len(sizes) == 0)
        or not all(
            isinstance(v, Integral) and not isinstance(v, bool) and v > 0 for v in sizes
        )
    ):
        raise ValueError(
            f"{name} must be a sequence of positive integers, e.g. {example}, "
            f"got {sizes!r}."
        )


def _fit_seed(random_state):
    """One integer seed for a fit, drawn without touching global RNG state."""
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0] & 0x7FFFFFFF)
    return int(check_random_state(random_state).randint(0, 2**31 - 1))
