"""LatentSpaceDisplay: the codes in two dimensions, coloured by ``y``."""

import numpy as np

from skae.plotting._base import _as_float, _AutoencoderDisplayMixin, _fill_doc, _style


class LatentSpaceDisplay(_AutoencoderDisplayMixin):
    """Scatter of the codes in two dimensions, coloured by ``y``.

    Codes of width 2 are plotted as they are, width 1 against the row index, and
    wider codes after a projection to 2-D by PCA or t-SNE.

    It is recommended to use :meth:`from_estimator` to create the display. All
    parameters are stored as attributes.

    Parameters
    ----------
    embedding : array-like of shape (n_samples, 1) or (n_samples, 2)
        The points to draw.
    y : array-like of shape (n_samples,), default=None
        Colours: a legend for labels (strings, booleans or at most 20 distinct
        integers), a colorbar for other numbers.
    xlabel, ylabel : str, default=None
        Axis labels; "code 1" and "code 2" (or "row" and "code" in 1-D) when None.
    name : str, default=None
        Title of the plot; no title when None.

    Attributes
    ----------
    scatter_ : matplotlib PathCollection
        The points.
    legend_ : matplotlib Legend or None
        Legend of the labels of ``y``; None unless ``y`` holds labels.
    colorbar_ : matplotlib Colorbar or None
        Colorbar of a numeric ``y``; None unless ``y`` holds numbers.
    ax_ : matplotlib Axes
        Axes with the scatter.
    figure_ : matplotlib Figure
        Figure containing the scatter.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import LatentSpaceDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> X, y = X[:300], y[:300]
    >>> ae = AutoencoderTransformer(encoding_dim=8, epochs=5, random_state=0).fit(X)
    >>> disp = LatentSpaceDisplay.from_estimator(ae, X, y, method="pca")
    >>> disp.ax_.get_xlabel()
    'PCA 1'
    >>> plt.close("all")
    """

    METHODS = ("pca", "tsne")

    def __init__(self, embedding, y=None, *, xlabel=None, ylabel=None, name=None):
        self.embedding = embedding
        self.y = y
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.name = name

    @classmethod
    @_fill_doc
    def from_estimator(
        cls,
        estimator,
        X,
        y=None,
        *,
        method="pca",
        random_state=None,
        ax=None,
        name=None,
        **scatter_kw,
    ):
        """Encode ``X`` with ``estimator.transform`` and plot the codes.

        Parameters
        ----------
        {estimator}
        X : array-like of shape (n_samples, n_features)
            Rows to encode.
        y : array-like of shape (n_samples,), default=None
            Labels or values to colour the points by.
        method : {"pca", "tsne"}, default="pca"
            Projection of codes wider than 2.
        random_state : int, RandomState instance or None, default=None
            Seeds the projection.
        {ax}
        {name_from_estimator}
        **scatter_kw : dict
            Keywords passed to matplotlib's ``scatter``.

        Returns
        -------
        display : LatentSpaceDisplay
        """
        if method not in cls.METHODS:
            raise ValueError(f"method must be one of {cls.METHODS}, got {method!r}.")
        cls._check_estimator(estimator)
        codes = np.asarray(estimator.transform(X), dtype=float)
        labels = {}
        if codes.shape[1] > 2:
            if method == "pca":
                from sklearn.decomposition import PCA

                reducer = PCA(n_components=2, random_state=random_state)
            else:
                from sklearn.manifold import TSNE

                perplexity = min(30.0, (len(codes) - 1) / 3)
                reducer = TSNE(2, perplexity=perplexity, random_state=random_state)
            codes = reducer.fit_transform(codes)
            prefix = "PCA" if method == "pca" else "t-SNE"
            labels = {"xlabel": f"{prefix} 1", "ylabel": f"{prefix} 2"}
        disp = cls(codes, y, name=cls._estimator_name(estimator, name), **labels)
        return disp.plot(ax=ax, **scatter_kw)

    @_fill_doc
    def plot(self, ax=None, *, name=None, cmap=None, **scatter_kw):
        """Draw the scatter.

        Parameters
        ----------
        {ax}
        {name_plot}
        cmap : str or Colormap, default=None
            "tab10"/"tab20" for labels, "viridis" for numbers when None.
        **scatter_kw : dict
            Keywords passed to matplotlib's ``scatter`` (``s=12`` by default).

        Returns
        -------
        display : LatentSpaceDisplay
        """
        embedding = _as_float(self.embedding)
        if embedding.ndim != 2 or embedding.shape[1] not in (1, 2):
            raise ValueError(
                f"embedding must have 1 or 2 columns, got shape {embedding.shape}."
            )
        y = None if self.y is None else np.asarray(self.y)
        if y is not None and y.shape != (len(embedding),):
            raise ValueError(f"y must have shape ({len(embedding)},), got {y.shape}.")
        one_d = embedding.shape[1] == 1
        if one_d:
            x, v = np.arange(len(embedding)), embedding[:, 0]
        else:
            x, v = embedding[:, 0], embedding[:, 1]
        ax = self._new_axes(ax)
        scatter_kw = _style({"s": 12}, scatter_kw)
        self.legend_ = self.colorbar_ = None
        if y is None:
            self.scatter_ = ax.scatter(x, v, **scatter_kw)
        elif y.dtype.kind in "OUSb" or (
            y.dtype.kind in "iu" and len(np.unique(y)) <= 20
        ):
            self._scatter_labels(ax, x, v, y, cmap, scatter_kw)
        else:
            self.scatter_ = ax.scatter(x, v, c=y, cmap=cmap or "viridis", **scatter_kw)
            self.colorbar_ = ax.figure.colorbar(self.scatter_, ax=ax, label="y")
        return self._finish_plot(
            ax,
            xlabel=self.xlabel or ("row" if one_d else "code 1"),
            ylabel=self.ylabel or ("code" if one_d else "code 2"),
            title=self._plot_name(name),
        )

    def _scatter_labels(self, ax, x, v, y, cmap, scatter_kw):
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D

        classes, codes = np.unique(y, return_inverse=True)
        palette = plt.get_cmap(cmap or ("tab10" if len(classes) <= 10 else "tab20"))
        self.scatter_ = ax.scatter(x, v, c=palette(codes % palette.N), **scatter_kw)
        handles = [
            Line2D([], [], marker="o", linestyle="", color=palette(k % palette.N))
            for k in range(len(classes))
        ]
        self.legend_ = ax.legend(
            handles,
            [str(c) for c in classes],
            title="y",
            fontsize="small",
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
        )
