"""FeatureErrorDisplay: the reconstruction error of each feature, as bars."""

import numpy as np

from skae.plotting._base import _as_float, _AutoencoderDisplayMixin, _fill_doc


class FeatureErrorDisplay(_AutoencoderDisplayMixin):
    """Bar chart of the mean squared reconstruction error of each feature.

    It is recommended to use :meth:`from_estimator` to create the display. All
    parameters are stored as attributes.

    Parameters
    ----------
    errors : array-like of shape (n_features,)
        Mean squared error of each feature between the rows and their
        reconstructions.
    feature_names : array-like of str, default=None
        Bar labels; ``x0, x1, ...`` when None.
    name : str, default=None
        Title of the plot; no title when None.

    Attributes
    ----------
    bars_ : matplotlib BarContainer
        One bar per feature.
    ax_ : matplotlib Axes
        Axes with the bars.
    figure_ : matplotlib Figure
        Figure containing the bars.

    See Also
    --------
    ReconstructionDisplay : Originals over reconstructions, as images.

    Notes
    -----
    Only as many bars are labelled as the axes' width has room for, chosen when
    the figure is drawn, so that labels stay readable in a small subplot.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import FeatureErrorDisplay
    >>> X = load_digits().data[:300]
    >>> ae = AutoencoderTransformer(encoding_dim=8, epochs=5, random_state=0).fit(X)
    >>> disp = FeatureErrorDisplay.from_estimator(ae, X)
    >>> len(disp.bars_)
    64
    >>> plt.close("all")
    """

    def __init__(self, errors, *, feature_names=None, name=None):
        self.errors = errors
        self.feature_names = feature_names
        self.name = name

    @classmethod
    @_fill_doc
    def from_estimator(cls, estimator, X, *, ax=None, name=None, **bar_kw):
        """Reconstruct ``X`` with ``estimator.predict`` and plot each feature's MSE.

        Parameters
        ----------
        {estimator}
        X : array-like of shape (n_samples, n_features)
            Rows to reconstruct.
        {ax}
        {name_from_estimator}
        **bar_kw : dict
            Keywords passed to matplotlib's ``bar``.

        Returns
        -------
        display : FeatureErrorDisplay
        """
        cls._check_estimator(estimator)
        X_arr = np.asarray(X, dtype=float)
        errors = np.mean((X_arr - estimator.predict(X)) ** 2, axis=0)
        disp = cls(
            errors,
            feature_names=getattr(estimator, "feature_names_in_", None),
            name=cls._estimator_name(estimator, name),
        )
        return disp.plot(ax=ax, **bar_kw)

    @_fill_doc
    def plot(self, ax=None, *, name=None, **bar_kw):
        """Draw the bars.

        Parameters
        ----------
        {ax}
        {name_plot}
        **bar_kw : dict
            Keywords passed to matplotlib's ``bar``.

        Returns
        -------
        display : FeatureErrorDisplay
        """
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        errors = _as_float(self.errors)
        n_features = len(errors)
        names = self.feature_names
        if names is None:
            names = [f"x{i}" for i in range(n_features)]
        names = [str(v) for v in names]
        if len(names) != n_features:
            raise ValueError(
                f"feature_names has {len(names)} entries for {n_features} errors."
            )
        ax = self._new_axes(ax, figsize=(min(12, max(6.4, 0.15 * n_features)), 4))
        self.bars_ = ax.bar(np.arange(n_features), errors, **bar_kw)
        # "auto" asks the axis at draw time how many ticks its width holds.
        ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
        ax.xaxis.set_major_formatter(
            FuncFormatter(
                lambda x, _: (
                    names[int(x)] if 0 <= x < n_features and x == int(x) else ""
                )
            )
        )
        ax.tick_params(axis="x", labelrotation=90)
        return self._finish_plot(
            ax,
            ylabel="mean squared reconstruction error",
            title=self._plot_name(name),
        )
