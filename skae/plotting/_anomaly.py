"""AnomalyDisplay: a histogram of per-row reconstruction errors and a threshold."""

import numpy as np

from skae.plotting._base import _as_float, _AutoencoderDisplayMixin, _fill_doc, _style


class AnomalyDisplay(_AutoencoderDisplayMixin):
    """Histogram of per-row reconstruction errors with an anomaly threshold.

    With ``y``, one stacked histogram per known class, over shared bins, so the
    classes' errors can be told apart.

    It is recommended to use :meth:`from_estimator` to create the display. All
    parameters are stored as attributes.

    Parameters
    ----------
    errors : array-like of shape (n_samples,)
        Reconstruction error of each row, ``-estimator.score_samples(X)``.
    threshold : float
        Rows with an error above it are flagged.
    y : array-like of shape (n_samples,), default=None
        Known class of each row, for one histogram per class and a legend.
    name : str, default=None
        Title of the plot; no title when None.

    Attributes
    ----------
    is_anomaly : ndarray of bool of shape (n_samples,)
        ``errors > threshold``.
    bars_ : list of matplotlib BarContainer
        The histogram's bars: one container per class of ``y`` (in the order of
        ``numpy.unique(y)``), or one when ``y`` is None.
    threshold_line_ : matplotlib Line2D
        The vertical line at ``threshold``.
    ax_ : matplotlib Axes
        Axes with the histogram.
    figure_ : matplotlib Figure
        Figure containing the histogram.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import AnomalyDisplay
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> ae = AutoencoderTransformer(encoding_dim=4, epochs=5, random_state=0).fit(X)
    >>> disp = AnomalyDisplay.from_estimator(
    ...     ae, X, y, contamination=0.05, bins=30, log_scale=True
    ... )
    >>> disp.ax_.get_xscale(), len(disp.bars_)
    ('log', 2)
    >>> disp.threshold_line_.get_xdata()[0] == disp.threshold
    True
    >>> plt.close("all")
    """

    def __init__(self, errors, threshold, *, y=None, name=None):
        self.errors = errors
        self.threshold = threshold
        self.y = y
        self.name = name

    @property
    def is_anomaly(self):
        return _as_float(self.errors) > self.threshold

    @classmethod
    @_fill_doc
    def from_estimator(
        cls,
        estimator,
        X,
        y=None,
        *,
        threshold=None,
        contamination=None,
        bins="auto",
        log_scale=False,
        ax=None,
        name=None,
        **hist_kw,
    ):
        """Score ``X`` and plot; ``threshold`` defaults to a detector's fitted one.

        Parameters
        ----------
        {estimator}
        X : array-like of shape (n_samples, n_features)
            Rows to score.
        y : array-like of shape (n_samples,), default=None
            Known class of each row, drawn as one histogram per class.
        threshold : float, default=None
            Error above which a row is flagged. Give at most one of
            ``threshold`` and ``contamination``.
        contamination : float, default=None
            Expected fraction of anomalies, in (0, 1): the threshold is then the
            ``1 - contamination`` quantile of the errors. With neither, the
            threshold of a fitted
            :class:`~skae.AutoencoderOutlierDetector` (``-offset_``: the rows
            above it are those its ``predict`` flags), and for another
            estimator ``contamination=0.05``.
        bins : int, sequence or str, default="auto"
            Bins, as for ``numpy.histogram_bin_edges``; on a log axis, an int or
            str is applied to the logarithms of the errors.
        log_scale : bool, default=False
            Log x-axis with log-spaced bins, for heavy-tailed errors.
        {ax}
        {name_from_estimator}
        **hist_kw : dict
            Keywords passed to matplotlib's ``hist``.

        Returns
        -------
        display : AnomalyDisplay
        """
        if threshold is not None and contamination is not None:
            raise ValueError("Give threshold or contamination, not both.")
        if contamination is not None and not 0 < contamination < 1:
            raise ValueError(f"contamination must be in (0, 1), got {contamination}.")
        cls._check_estimator(estimator)
        errors = -np.asarray(estimator.score_samples(X), dtype=float)
        if threshold is None and contamination is None and _is_detector(estimator):
            threshold = -estimator.offset_
        if threshold is None:
            quantile = 1 - (0.05 if contamination is None else contamination)
            threshold = float(np.quantile(errors, quantile))
        disp = cls(errors, threshold, y=y, name=cls._estimator_name(estimator, name))
        return disp.plot(ax=ax, bins=bins, log_scale=log_scale, **hist_kw)

    @_fill_doc
    def plot(self, ax=None, *, name=None, bins="auto", log_scale=False, **hist_kw):
        """Draw the histogram(s) and the threshold line.

        Parameters
        ----------
        {ax}
        {name_plot}
        bins : int, sequence or str, default="auto"
            Bins, as for ``numpy.histogram_bin_edges``; on a log axis, an int or
            str is applied to the logarithms of the errors.
        log_scale : bool, default=False
            Log x-axis with log-spaced bins, for heavy-tailed errors.
        **hist_kw : dict
            Keywords passed to matplotlib's ``hist``.

        Returns
        -------
        display : AnomalyDisplay
        """
        errors = _as_float(self.errors)
        edges = _bin_edges(errors, bins, log_scale)
        if self.y is None:
            groups, labels = [errors], None
        else:
            y = np.asarray(self.y)
            if y.shape != errors.shape:
                raise ValueError(f"y must have shape {errors.shape}, got {y.shape}.")
            classes = np.unique(y)
            groups = [errors[y == c] for c in classes]
            labels = [f"y={c} ({np.sum(y == c)} rows)" for c in classes]
        ax = self._new_axes(ax)
        hist_kw = _style({"alpha": 0.8, "stacked": True}, hist_kw)
        if self.y is None:
            hist_kw = _style({"color": "tab:blue"}, hist_kw)
        _, _, bars = ax.hist(groups, bins=edges, label=labels, **hist_kw)
        self.bars_ = list(bars) if len(groups) > 1 else [bars]
        if log_scale:
            ax.set_xscale("log")
        n_above = int(self.is_anomaly.sum())
        self.threshold_line_ = ax.axvline(
            self.threshold,
            color="tab:red",
            linestyle="--",
            label=f"threshold {self.threshold:.3g} "
            f"({n_above} of {len(errors)} rows above)",
        )
        ax.legend()
        return self._finish_plot(
            ax,
            xlabel="reconstruction error (mean squared error per row)",
            ylabel="rows",
            title=self._plot_name(name),
        )


def _bin_edges(errors, bins, log_scale):
    """Edges shared by every class; log-spaced on a log axis."""
    if not log_scale:
        return np.histogram_bin_edges(errors, bins)
    if np.any(errors <= 0):
        raise ValueError(
            f"log_scale=True needs positive errors; the smallest is {errors.min():.3g}."
        )
    if np.ndim(bins) == 1:  # explicit edges, in the errors' units
        return np.asarray(bins, dtype=float)
    edges = 10 ** np.histogram_bin_edges(np.log10(errors), bins)
    # 10 ** log10(x) can round below x: keep the extremes inside the bins.
    edges[0], edges[-1] = min(edges[0], errors.min()), max(edges[-1], errors.max())
    return edges


def _is_detector(estimator):
    """A fitted outlier detector: its errors above ``-offset_`` are flagged."""
    from sklearn.base import is_outlier_detector

    return is_outlier_detector(estimator) and hasattr(estimator, "offset_")
