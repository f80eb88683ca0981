"""AutoencoderOutlierDetector: reconstruction error as a scikit-learn outlier
detector."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import OutlierMixin
from sklearn.covariance import EmpiricalCovariance
from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import Interval, StrOptions

from skae._base import BaseAutoencoder
from skae._denoising import DenoisingAutoencoder
from skae._docs import NOTES, SHARED_ATTRIBUTES, SHARED_PARAMETERS
from skae._params import with_shared_parameters
from skae._streaming import blockwise

# The neighbour term (see neighbor_weight): the training codes it searches are
# at most NEIGHBOR_ROWS evenly spaced rows, and a row's neighbourhood is their
# NEIGHBOR_FRACTION nearest (at least MIN_NEIGHBORS). A fixed fraction of the
# data, not a fixed count, so that a cluster of outliers smaller than it
# cannot hide in its own neighbourhood; on the subsample the fraction gave
# ROC-AUCs within 0.004 of searching every training row (benchmarks/README.md,
# anomaly.py), at a bounded cost.
NEIGHBOR_ROWS = 2000
NEIGHBOR_FRACTION = 0.05
MIN_NEIGHBORS = 10

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
    __doc__ = f"""Autoencoder outlier detector: reconstruction error and code distances.

    The autoencoder is trained on unlabelled data, which may contain its own
    outliers; a row's anomaly score is its reconstruction error in the units
    the network sees (the scaled data, see ``scaling``), so that every feature
    counts alike whatever its units, plus two distances of its code from the
    training rows' codes: from their bulk (see ``code_weight``) and from its
    nearest ones (see ``neighbor_weight``). A row can be abnormal off the
    learned manifold (badly reconstructed), on it but far from the bulk of the
    data (a minority class the network reconstructs well), or in a sparse
    region of it between dense ones (a local outlier). The API is
    scikit-learn's for outlier detectors (:class:`~sklearn.ensemble.IsolationForest`,
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
        whose anomaly score (``-score_samples``) is more than 3 robust standard
        deviations above the training rows' median (``median + 3 * 1.4826 *
        MAD``, Hampel's rule): the scores have no fixed scale, so no fixed
        offset (as IsolationForest's -0.5) would do. The scores are skewed to
        the right, so it flags more than a Gaussian's 0.13 %: 0.2-8 % of the
        training rows of five tables measured (three clean Gaussian blobs
        0.2 %, breast cancer 8 %); set ``contamination`` when the fraction is
        known.

    noise : {{"gaussian", "masking", "salt_pepper"}} or None, default=None
        Corruption of the inputs while training, as for
        :class:`DenoisingAutoencoder`; None trains a plain autoencoder. Scores
        never see noise.

    noise_factor : float, default=0.35
        Strength of ``noise``, as for :class:`DenoisingAutoencoder`; unused
        when ``noise`` is None.

    code_weight : float, default=1.0
        Weight of the code's global distance in the anomaly score: the score
        adds ``code_scale_`` times the Mahalanobis distance of the row's code
        from the mean of the training codes (in their covariance) to the mean
        squared reconstruction error; ``code_scale_`` makes the distances'
        spread over the training rows (median absolute deviation)
        ``code_weight`` times the errors'. The pair is PCA process
        monitoring's Q (the error) and T-squared (the distance within the
        model), with the autoencoder in place of PCA. The distance catches
        class minorities that a network reconstructs well (wine's third
        class, one digit among nine). 0 leaves it out.

    neighbor_weight : float, default=3.0
        Weight of the code's local distance in the anomaly score: the score
        adds ``neighbor_scale_`` times the mean Euclidean distance from the
        row's code to its ``n_neighbors_`` nearest training codes, leaving
        out the nearest one (a training row's own code, so that training rows
        score as new ones would); ``neighbor_scale_`` makes these distances'
        spread over the training rows ``neighbor_weight`` times the errors'.
        The neighbours are searched among at most 2 000 evenly spaced
        training rows, and ``n_neighbors_`` is 5 % of those (at least 10): a
        cluster of outliers smaller than that cannot mask itself. It catches
        rows in sparse regions between dense ones, which neither the error
        nor the global distance sees. 0 leaves it out. Of the weights
        measured on 13 public outlier tables (benchmarks/README.md,
        anomaly.py), ``code_weight=1`` with ``neighbor_weight=3`` gave the
        best mean ROC-AUC: 0.801, against 0.769 with ``code_weight=2`` and
        no neighbour term, and 0.771 for IsolationForest; on 16 of the 17
        tables, 0.837 against IsolationForest's 0.813.

    Attributes
    ----------
    offset_ : float
        ``decision_function(X) = score_samples(X) - offset_``: rows scoring
        below it are outliers. Set from the training rows' scores by ``fit``,
        and by each ``partial_fit`` call from the scores of the rows it was
        given, by the network as that call left it.

    code_location_ : ndarray of shape (n_codes,)
        Mean of the training rows' codes.

    code_precision_ : ndarray of shape (n_codes, n_codes)
        Inverse (pseudo-inverse) covariance of the training rows' codes, as
        :class:`~sklearn.covariance.EmpiricalCovariance` estimates it.

    code_scale_ : float
        Factor of the code's Mahalanobis distance in the anomaly score (see
        ``code_weight``); 0 when ``code_weight`` is 0 or the distances do not
        vary.

    neighbors_ : :class:`~sklearn.neighbors.NearestNeighbors` or None
        Index of the training codes the neighbour term searches (at most
        2 000 evenly spaced training rows); None when ``neighbor_weight`` is
        0.

    n_neighbors_ : int
        Number of nearest training codes (after the nearest) whose mean
        distance is the neighbour term; 0 when ``neighbor_weight`` is 0.

    neighbor_scale_ : float
        Factor of the neighbour distance in the anomaly score (see
        ``neighbor_weight``); 0 when ``neighbor_weight`` is 0 or the
        distances do not vary.

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
        "code_weight": [Interval(Real, 0, None, closed="left")],
        "neighbor_weight": [Interval(Real, 0, None, closed="left")],
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
        code_weight=1.0,
        neighbor_weight=3.0,
        **shared,
    ):
        super().__init__(encoding_dim, hidden_layer_sizes=hidden_layer_sizes, **shared)
        self.contamination = contamination
        self.noise = noise
        self.noise_factor = noise_factor
        self.code_weight = code_weight
        self.neighbor_weight = neighbor_weight

    # ------------------------------------------------------------------ fit

    def _fit(self, X):
        super()._fit(X)
        # The base stores the scaling's offset as offset_; a detector's offset_
        # is the decision function's (scikit-learn's convention).
        self.scaling_offset_ = self.offset_
        self._set_threshold(X)

    def _after_pass(self, X):
        # After a partial_fit pass: the code statistics and the threshold of
        # the network as that pass left it, on the rows of the pass.
        self._set_threshold(X)

    def _set_threshold(self, X):
        """The code statistics, the neighbour index, the two distance scales
        and ``offset_``, from the training rows ``X`` (read a block at a time
        if streamed)."""
        codes = self.transform(X).astype(np.float64)
        covariance = EmpiricalCovariance().fit(codes)
        self.code_location_ = covariance.location_
        self.code_precision_ = covariance.get_precision()
        self.neighbors_, self.n_neighbors_ = None, 0
        if self.neighbor_weight > 0:
            reference = codes[:: -(-len(codes) // NEIGHBOR_ROWS)]
            self.n_neighbors_ = int(
                min(
                    max(MIN_NEIGHBORS, round(NEIGHBOR_FRACTION * len(reference))),
                    len(reference) - 1,
                )
            )
            # A k-d tree computes each distance alone, so that a row's score
            # does not depend on the rows scored with it (a BLAS product may).
            self.neighbors_ = NearestNeighbors(algorithm="kd_tree").fit(reference)
        # The reconstruction errors alone first (both scales 0), then each
        # distance in the errors' units: its spread over the training rows
        # (median absolute deviation) becomes its weight times theirs.
        self.code_scale_ = self.neighbor_scale_ = 0.0
        errors = -self.score_samples(X)
        distances = self._code_distances(codes)
        self.code_scale_ = _scale(self.code_weight, errors, distances)
        neighbors = self._neighbor_distances(codes)
        self.neighbor_scale_ = _scale(self.neighbor_weight, errors, neighbors)
        scores = -(errors + self.code_scale_ * distances)
        scores -= self.neighbor_scale_ * neighbors
        if self.contamination == "auto":
            self.offset_ = -_robust_upper_bound(-scores)
        else:
            self.offset_ = np.percentile(scores, 100.0 * self.contamination)
        self.offset_ = float(self.offset_)

    def _encoding_dim(self, n_features):
        if self.encoding_dim == "auto":
            return int(min(16, max(1, n_features // 2)))
        return int(self.encoding_dim)

    def _trains_on_noise(self):
        return self.noise is not None and self.noise_factor > 0

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

    def _feature_errors(self, X, codes=None):
        if codes is None:
            codes = self._encode(X)
        errors = np.subtract(X, self._decode(codes), dtype=np.float64)
        errors /= self.scale_
        with np.errstate(over="ignore"):  # inf only past float64's range
            return np.square(errors)

    def _error_scores(self, X, codes):
        # Each squared error divided by n_features before the sum: a sum of
        # large squares would overflow before the mean.
        with np.errstate(over="ignore"):
            return -np.sum(self._feature_errors(X, codes) / X.shape[1], axis=1)

    def _code_distances(self, codes):
        """Mahalanobis distance of each code from the training codes' mean."""
        centred = codes.astype(np.float64) - self.code_location_
        with np.errstate(over="ignore"):  # inf only past float64's range
            squared = np.sum((centred @ self.code_precision_) * centred, axis=1)
        # Rounding can make a distance of ~0 slightly negative.
        return np.sqrt(np.maximum(squared, 0.0))

    def _neighbor_distances(self, codes):
        """Mean distance of each code to its ``n_neighbors_`` nearest training
        codes after the nearest; zeros without the neighbour term."""
        if self.neighbors_ is None:
            return np.zeros(len(codes))
        distances, _ = self.neighbors_.kneighbors(
            codes.astype(np.float64), n_neighbors=self.n_neighbors_ + 1
        )
        return distances[:, 1:].mean(axis=1)

    def _scores(self, X):
        codes = self._encode(X)
        scores = self._error_scores(X, codes)
        with np.errstate(over="ignore"):
            if self.code_scale_:
                scores -= self.code_scale_ * self._code_distances(codes)
            # Detectors pickled before the neighbour term have no neighbor_scale_.
            if getattr(self, "neighbor_scale_", 0.0):
                scores -= self.neighbor_scale_ * self._neighbor_distances(codes)
        return scores

    @blockwise
    def feature_errors(self, X):
        """Squared reconstruction error of each feature of each row.

        In the network's scaled units: with ``"minmax"`` scaling (``"auto"``'s
        choice for tables), 0.25 means the reconstruction misses the value by
        half the feature's training range; with ``"global"``, by half the
        range of the whole training data; with ``"standard"``, by half a
        standard deviation; with ``scaling=None``, in the data's own units,
        squared. The features with the largest errors are those that make a
        row abnormal; ``-score_samples(X)`` is their mean over the features
        plus the code's distance terms (see ``code_weight`` and
        ``neighbor_weight``).

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
        error of each row, in the scaled units (see :meth:`feature_errors`),
        minus ``code_scale_`` times its code's Mahalanobis distance from the
        training codes (see ``code_weight``), minus ``neighbor_scale_`` times
        its code's mean distance to its nearest training codes (see
        ``neighbor_weight``).

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
        # The autoencoders' predict, which predict means labels here.
        return BaseAutoencoder.predict(self, X)


def _scale(weight, errors, distances):
    """Factor that makes the distances' spread ``weight`` times the errors'
    (median absolute deviations); 0 when the distances do not vary."""
    spread = _mad(distances)
    return float(weight * _mad(errors) / spread) if spread > 0 else 0.0


def _mad(values):
    """Median absolute deviation of ``values`` from their median."""
    return float(np.median(np.abs(values - np.median(values))))


def _robust_upper_bound(errors):
    """``median + 3 * 1.4826 * MAD`` of the errors: Hampel's rule, which a few
    large errors do not move (benchmarks/README.md, anomaly.py)."""
    median = np.median(errors)
    mad = np.median(np.abs(errors - median))
    return float(median + 3 * 1.4826 * mad)
