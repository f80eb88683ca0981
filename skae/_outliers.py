"""AutoencoderOutlierDetector: reconstruction error as a scikit-learn outlier
detector."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import OutlierMixin
from sklearn.utils._param_validation import Interval, StrOptions

from skae._base import BaseAutoencoder
from skae._denoising import DenoisingAutoencoder
from skae._docs import NOTES, SHARED_ATTRIBUTES, SHARED_PARAMETERS
from skae._params import with_shared_parameters
from skae._streaming import blockwise

# The shared parameters after encoding_dim, with the detector's default width
# (benchmarks/README.md, anomaly.py).
_AFTER_ENCODING_DIM = SHARED_PARAMETERS[
    SHARED_PARAMETERS.index("hidden_layer_sizes") :
].replace(
    "hidden_layer_sizes : tuple of int, default=(512,)",
    "hidden_layer_sizes : tuple of int, default=(64,)",
)

# The scaling's offset_ is scaling_offset_ here: offset_ is the decision's.
_SHARED_ATTRIBUTES = SHARED_ATTRIBUTES.replace("offset_", "scaling_offset_").replace(
    "scaling_scaling_offset_", "scaling_offset_"
)


class AutoencoderOutlierDetector(OutlierMixin, BaseAutoencoder):
    __doc__ = f"""Autoencoder outlier detector: rows it reconstructs badly are outliers.

    The autoencoder is trained on unlabelled data, which may contain its own
    outliers; a row's anomaly score is its reconstruction error in the units
    the network sees (the scaled data, see ``scaling``), so that every feature
    counts alike whatever its units. The API is scikit-learn's for outlier
    detectors (:class:`~sklearn.ensemble.IsolationForest`,
    :class:`~sklearn.neighbors.LocalOutlierFactor` with ``novelty=True``):
    :meth:`score_samples` is higher for more normal rows,
    :meth:`decision_function` is ``score_samples(X) - offset_`` and negative
    for outliers, :meth:`predict` returns +1 for inliers and -1 for outliers.
    :meth:`feature_errors` tells which features make a row abnormal.

    Parameters
    ----------
    encoding_dim : int or "auto", default="auto"
        Size of the code. ``"auto"`` is ``max(1, n_features_in_ // 2)``
        (at most 16): a code as wide as the input would learn the identity and
        reconstruct outliers as well as the rest.

    {_AFTER_ENCODING_DIM}

    contamination : "auto" or float, default="auto"
        Expected fraction of outliers in the training data, which sets
        ``offset_``. A float in (0, 0.5] flags that fraction of the training
        rows (``offset_`` is that quantile of their scores, as in
        :class:`~sklearn.ensemble.IsolationForest`). ``"auto"`` flags the rows
        whose error is more than 3 robust standard deviations above the
        median training error (``median + 3 * 1.4826 * MAD``, Hampel's rule):
        errors have no fixed scale, so no fixed offset (as IsolationForest's
        -0.5) would do. Reconstruction errors are skewed to the right, so it
        flags more than a Gaussian's 0.13 %: 5-15 % of the rows of the tables
        measured; set ``contamination`` when the fraction is known.

    noise : {{"gaussian", "masking", "salt_pepper"}} or None, default=None
        Corruption of the inputs while training, as for
        :class:`DenoisingAutoencoder`; None trains a plain autoencoder. Scores
        never see noise.

    noise_factor : float, default=0.35
        Strength of ``noise``, as for :class:`DenoisingAutoencoder`; unused
        when ``noise`` is None.

    Attributes
    ----------
    offset_ : float
        ``decision_function(X) = score_samples(X) - offset_``: rows scoring
        below it are outliers. Set from the training rows' scores by ``fit``,
        and by each ``partial_fit`` call from the scores of the rows it was
        given, by the network as that call left it.

    {_SHARED_ATTRIBUTES}

    See Also
    --------
    AutoencoderTransformer : The autoencoder alone, as a transformer.
    DenoisingAutoencoder : The corruption applied with ``noise``.
    sklearn.ensemble.IsolationForest : A tree-based outlier detector.
    sklearn.neighbors.LocalOutlierFactor : A density-based outlier detector.

    Notes
    -----
    The scaling is stored in ``scaling_offset_`` and ``scale_`` (the
    transformers' ``offset_`` is here, as in scikit-learn's detectors, the
    offset of the decision function).

    {NOTES}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skae import AutoencoderOutlierDetector
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> det = AutoencoderOutlierDetector(contamination=0.05, random_state=0).fit(X)
    >>> labels = det.predict(X)
    >>> np.unique(labels).tolist(), int((labels == -1).sum())  # 5 % of 569
    ([-1, 1], 29)
    >>> bool(np.array_equal(labels == -1, det.decision_function(X) < 0))
    True
    >>> det.feature_errors(X[:2]).shape
    (2, 30)
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "encoding_dim": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "noise": [StrOptions({"gaussian", "masking", "salt_pepper"}), None],
        "noise_factor": [Interval(Real, 0, None, closed="left")],
    }

    @with_shared_parameters
    def __init__(
        self,
        encoding_dim="auto",
        *,
        hidden_layer_sizes=(64,),
        contamination="auto",
        noise=None,
        noise_factor=0.35,
        **shared,
    ):
        super().__init__(encoding_dim, hidden_layer_sizes=hidden_layer_sizes, **shared)
        self.contamination = contamination
        self.noise = noise
        self.noise_factor = noise_factor

    # ------------------------------------------------------------------ fit

    def _fit(self, X):
        super()._fit(X)
        # The base stores the scaling's offset as offset_; a detector's offset_
        # is the decision function's (scikit-learn's convention).
        self.scaling_offset_ = self.offset_
        self._set_threshold(X)

    def _after_pass(self, X):
        # After a partial_fit pass, the threshold of the network as it is now,
        # on the rows of that pass.
        self._set_threshold(X)

    def _set_threshold(self, X):
        scores = self.score_samples(X)
        if self.contamination == "auto":
            self.offset_ = -_robust_upper_bound(-scores)
        else:
            self.offset_ = np.percentile(scores, 100.0 * self.contamination)
        self.offset_ = float(self.offset_)

    def _encoding_dim(self, n_features):
        if self.encoding_dim == "auto":
            return int(min(16, max(1, n_features // 2)))
        return int(self.encoding_dim)

    def _corruption(self, Xs):
        if self.noise is None:
            return None
        return DenoisingAutoencoder._corruption(self, Xs)

    @classmethod
    def from_keras(cls, encoder, decoder, **params):
        """Not available for the detector: its threshold is fitted on data.

        Parameters
        ----------
        encoder, decoder : keras.Model or str or path-like
            Models such as :meth:`export_keras` writes.
        **params
            Estimator parameters.

        Returns
        -------
        estimator : None
            Never returns: raises ``NotImplementedError``. Pickle a fitted
            detector to keep it, or load the models with
            ``AutoencoderTransformer.from_keras`` and score rows with its
            ``-score_samples``.
        """
        raise NotImplementedError(
            f"{cls.__name__}.from_keras cannot rebuild a detector: offset_ and "
            "the scaling are fitted on data that exported models do not keep. "
            "Pickle the fitted detector instead, or load the models with "
            "AutoencoderTransformer.from_keras."
        )

    # ------------------------------------------------------------ inference

    @property
    def _scaling_offset(self):
        return self.scaling_offset_

    def _feature_errors(self, X):
        errors = np.subtract(X, self._decode(self._encode(X)), dtype=np.float64)
        errors /= self.scale_
        with np.errstate(over="ignore"):  # inf only past float64's range
            return np.square(errors)

    def _scores(self, X):
        # Each squared error divided by n_features before the sum: a sum of
        # large squares would overflow before the mean.
        with np.errstate(over="ignore"):
            return -np.sum(self._feature_errors(X) / X.shape[1], axis=1)

    @blockwise
    def feature_errors(self, X):
        """Squared reconstruction error of each feature of each row.

        In the network's scaled units: with ``"minmax"`` scaling (``"auto"``'s
        choice for tables), 0.25 means the reconstruction misses the value by
        half the feature's training range; with ``"global"``, by half the
        range of the whole training data; with ``"standard"``, by half a
        standard deviation; with ``scaling=None``, in the data's own units,
        squared. The features with the largest errors are those that make a
        row abnormal; ``-score_samples(X)`` is their mean over the features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A memory map or ``h5py`` dataset is read a block at a time;
            the result is in memory.

        Returns
        -------
        errors : ndarray of shape (n_samples, n_features)
            In float64.
        """
        return self._feature_errors(self._check_X(X))

    @blockwise
    def score_samples(self, X):
        """Opposite of the anomaly score: minus the mean squared reconstruction
        error of each row, in the scaled units (see :meth:`feature_errors`).

        Higher is more normal. Repeated calls give bit-identical scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A memory map or ``h5py`` dataset is read a block at a time;
            the result is in memory.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            In float64.
        """
        return self._scores(self._check_X(X))

    def decision_function(self, X):
        """``score_samples(X) - offset_``: negative for outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Negative for outliers, zero or positive for inliers.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Whether each row is an inlier (+1) or an outlier (-1).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            +1 for inliers, -1 for outliers (rows with a negative
            :meth:`decision_function`).
        """
        return np.where(self.decision_function(X) < 0, -1, 1)

    @blockwise
    def reconstruct(self, X):
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


def _robust_upper_bound(errors):
    """``median + 3 * 1.4826 * MAD`` of the errors: Hampel's rule, which a few
    large errors do not move (benchmarks/README.md, anomaly.py)."""
    median = np.median(errors)
    mad = np.median(np.abs(errors - median))
    return float(median + 3 * 1.4826 * mad)
