"""Matplotlib pictures of fitted skae autoencoders, as scikit-learn Displays.

Each ``XxxDisplay.from_estimator(estimator, ...)`` computes what it needs from a
fitted autoencoder, draws it and returns the display; its ``plot(ax=...)`` draws
the stored numbers again, on the axes given or on a new figure. After plotting,
``figure_`` and ``ax_`` hold the matplotlib figure and axes. Nothing here calls
``plt.show()``, and this module is not imported by ``import skae``::

    from skae.plotting import TrainingHistoryDisplay
"""

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from skae._validation import fill_minus_one

__all__ = [
    "AnomalyDisplay",
    "LatentSpaceDisplay",
    "PCAComparisonDisplay",
    "ReconstructionDisplay",
    "TrainingHistoryDisplay",
]


def _new_axes(ax, figsize=None):
    """``ax``, or the axes of a new figure when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _name(estimator):
    return type(estimator).__name__


def _reject_pipeline(estimator, display):
    """A Pipeline's predict and history are not its autoencoder's: a clear
    error instead of a plot in the wrong units."""
    from sklearn.pipeline import Pipeline

    if isinstance(estimator, Pipeline):
        raise TypeError(
            f"{display}.from_estimator needs the autoencoder itself, got a "
            "Pipeline. Pass its autoencoder step, e.g. pipe[-1], with the data "
            "as that step sees it, e.g. pipe[:-1].transform(X)."
        )


class TrainingHistoryDisplay:
    """Training (and validation) loss per epoch, with the best epoch marked.

    Parameters
    ----------
    loss : array-like of shape (n_epochs,)
        Training loss of each epoch.
    val_loss : array-like of shape (n_epochs,), default=None
        Validation loss of each epoch (present when ``early_stopping=True``).
    loss_name : str, default="loss"
        Name of the loss, for the y-axis label.
    estimator_name : str, default=None
        Title of the plot.

    Attributes
    ----------
    best_epoch_ : int
        1-based epoch whose weights a skae estimator keeps: the first with the
        lowest ``val_loss`` (``loss`` if there is none).
    loss_line_, val_loss_line_, best_line_ : matplotlib Line2D
        The curves and the vertical best-epoch marker (``val_loss_line_`` is
        None without validation loss).
    ax_, figure_ : matplotlib Axes and Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import TrainingHistoryDisplay
    >>> X = load_digits().data
    >>> ae = AutoencoderTransformer(encoding_dim=8, epochs=20, random_state=0).fit(X)
    >>> disp = TrainingHistoryDisplay.from_estimator(ae)
    >>> len(disp.loss_line_.get_xdata()) == ae.n_iter_
    True
    """

    def __init__(self, loss, val_loss=None, *, loss_name="loss", estimator_name=None):
        self.loss = np.asarray(loss, dtype=float)
        self.val_loss = None if val_loss is None else np.asarray(val_loss, float)
        self.loss_name = loss_name
        self.estimator_name = estimator_name
        monitored = self.loss if self.val_loss is None else self.val_loss
        self.best_epoch_ = int(np.argmin(monitored)) + 1

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None):
        """Plot ``estimator.history_``; ``name`` defaults to the class name."""
        _reject_pipeline(estimator, cls.__name__)
        check_is_fitted(estimator, "history_")
        history = estimator.history_
        if not history:
            raise ValueError(
                f"This {_name(estimator)} has no training history: it was "
                "assembled by from_keras, not trained by fit."
            )
        loss = getattr(estimator, "loss", None)
        disp = cls(
            history["loss"],
            history.get("val_loss"),
            loss_name=f"{loss} loss" if isinstance(loss, str) else "loss",
            estimator_name=name or _name(estimator),
        )
        return disp.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curves on ``ax`` (a new figure if None); return ``self``."""
        from matplotlib.ticker import MaxNLocator

        ax = _new_axes(ax)
        epochs = np.arange(1, len(self.loss) + 1)
        (self.loss_line_,) = ax.plot(epochs, self.loss, marker=".", label="loss")
        self.val_loss_line_ = None
        if self.val_loss is not None:
            (self.val_loss_line_,) = ax.plot(
                epochs, self.val_loss, marker=".", label="val_loss"
            )
        self.best_line_ = ax.axvline(
            self.best_epoch_,
            color="black",
            linestyle="--",
            linewidth=1,
            label=f"best epoch ({self.best_epoch_})",
        )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set(xlabel="epoch", ylabel=self.loss_name, title=self.estimator_name)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


class ReconstructionDisplay:
    """Originals against reconstructions: an image grid, or per-feature errors.

    With ``image_shape``, rows of images: originals over reconstructions, or,
    when ``X_noisy`` is given, noisy inputs / reconstructions of the noisy inputs
    / originals. Without it (tabular data), a bar chart of the mean squared
    reconstruction error of each feature.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Original (clean) rows.
    X_reconstructed : ndarray of shape (n_samples, n_features)
        ``estimator.predict`` of ``X``, or of ``X_noisy`` when that is given.
    X_noisy : ndarray of shape (n_samples, n_features), default=None
        Corrupted rows the estimator was asked to denoise.
    image_shape : tuple of int, default=None
        (height, width) or (height, width, channels) with 1 or 3 channels.
    feature_names : array-like of str, default=None
        Bar labels for tabular data; ``x0, x1, ...`` when None.
    estimator_name : str, default=None

    Attributes
    ----------
    errors_ : ndarray of shape (n_features,)
        Mean squared error of each feature between ``X`` and ``X_reconstructed``.
    axes_ : ndarray of Axes of shape (n_rows, n_images)
        The image grid (image mode only; otherwise None).
    bars_ : matplotlib BarContainer
        The bars (tabular mode only; otherwise None).
    ax_ : matplotlib Axes
        The bar chart, or (image mode) the hidden axes the grid subdivides.
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skae import DenoisingAutoencoder
    >>> from skae.plotting import ReconstructionDisplay
    >>> X = load_digits().data
    >>> dae = DenoisingAutoencoder(encoding_dim=16, epochs=5, random_state=0).fit(X)
    >>> noisy = X + np.random.default_rng(0).normal(scale=4, size=X.shape)
    >>> disp = ReconstructionDisplay.from_estimator(
    ...     dae, X, image_shape=(8, 8), n_images=6, X_noisy=noisy
    ... )
    >>> disp.axes_.shape
    (3, 6)
    """

    def __init__(
        self,
        X,
        X_reconstructed,
        *,
        X_noisy=None,
        image_shape=None,
        feature_names=None,
        estimator_name=None,
    ):
        self.X = np.asarray(X, dtype=float)
        self.X_reconstructed = np.asarray(X_reconstructed, dtype=float)
        self.X_noisy = None if X_noisy is None else np.asarray(X_noisy, float)
        self.image_shape = _check_image_shape(image_shape, self.X.shape[1])
        n_features = self.X.shape[1]
        if feature_names is None:
            feature_names = [f"x{i}" for i in range(n_features)]
        self.feature_names = np.asarray(feature_names, dtype=object)
        self.estimator_name = estimator_name
        self.errors_ = np.mean((self.X - self.X_reconstructed) ** 2, axis=0)

    @classmethod
    def from_estimator(
        cls, estimator, X, *, image_shape=None, n_images=8, X_noisy=None, ax=None
    ):
        """Reconstruct ``X`` (or ``X_noisy``) with ``estimator.predict`` and plot.

        ``image_shape`` defaults to ``estimator.image_shape`` when the estimator
        has one. In image mode only the first ``n_images`` rows are predicted and
        shown. ``X_noisy`` is never generated here: add noise yourself, e.g.
        ``X + np.random.default_rng(0).normal(scale=4, size=X.shape)``.
        """
        _reject_pipeline(estimator, cls.__name__)
        check_is_fitted(estimator)
        _check_n_images(n_images)
        if image_shape is None:
            image_shape = getattr(estimator, "image_shape", None)
        X_arr = np.asarray(X, dtype=float)
        if X_noisy is not None and np.shape(X_noisy) != X_arr.shape:
            raise ValueError(
                f"X_noisy must have the shape of X {X_arr.shape}, "
                f"got {np.shape(X_noisy)}."
            )
        rows = slice(None) if image_shape is None else slice(0, n_images)
        source = X if X_noisy is None else X_noisy
        source = source.iloc[rows] if hasattr(source, "iloc") else source[rows]
        disp = cls(
            X_arr[rows],
            estimator.predict(source),
            X_noisy=None if X_noisy is None else np.asarray(source, dtype=float),
            image_shape=image_shape,
            feature_names=getattr(estimator, "feature_names_in_", None),
            estimator_name=_name(estimator),
        )
        return disp.plot(ax=ax, n_images=n_images)

    def plot(self, ax=None, *, n_images=8, cmap="gray"):
        """Draw the grid or the bar chart on ``ax``; return ``self``."""
        _check_n_images(n_images)
        self.axes_ = self.bars_ = None
        if self.image_shape is None:
            n_features = len(self.errors_)
            ax = _new_axes(ax, figsize=(min(12, max(6.4, 0.15 * n_features)), 4))
            positions = np.arange(n_features)
            self.bars_ = ax.bar(positions, self.errors_)
            step = -(-n_features // 64)  # label at most 64 bars
            ax.set_xticks(positions[::step], self.feature_names[::step], rotation=90)
            if n_features > 30:
                ax.tick_params(axis="x", labelsize=6)
            ax.set(
                ylabel="mean squared reconstruction error",
                title=self.estimator_name,
            )
        else:
            ax = self._plot_images(ax, n_images, cmap)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _plot_images(self, ax, n_images, cmap):
        n = min(n_images, len(self.X))
        if self.X_noisy is None:
            rows = [("original", self.X), ("reconstruction", self.X_reconstructed)]
        else:
            rows = [
                ("noisy input", self.X_noisy),
                ("reconstruction", self.X_reconstructed),
                ("original", self.X),
            ]
        ax = _new_axes(ax, figsize=(1.2 * n + 0.8, 1.3 * len(rows) + 0.3))
        ax.set_axis_off()
        ax.set_title(self.estimator_name)
        spec = ax.get_subplotspec()
        grid = spec.subgridspec(len(rows), n, wspace=0.05, hspace=0.1) if spec else None
        # One intensity scale for every panel, so errors are visible as such.
        low, high = self.X.min(), self.X.max()
        high = high if high > low else low + 1
        self.axes_ = np.empty((len(rows), n), dtype=object)
        for i, (label, data) in enumerate(rows):
            for j in range(n):
                if grid is not None:
                    sub = ax.figure.add_subplot(grid[i, j])
                else:  # axes placed by hand: subdivide them as insets
                    sub = ax.inset_axes(
                        [j / n, 1 - (i + 1) / len(rows), 1 / n, 1 / len(rows)]
                    )
                image = data[j].reshape(self.image_shape)
                if self.image_shape[2] == 1:
                    sub.imshow(image[..., 0], cmap=cmap, vmin=low, vmax=high)
                else:
                    sub.imshow(np.clip((image - low) / (high - low), 0, 1))
                sub.set_xticks([])
                sub.set_yticks([])
                if j == 0:
                    sub.set_ylabel(label, fontsize="small")
                self.axes_[i, j] = sub
        return ax


def _check_n_images(n_images):
    if not (isinstance(n_images, int | np.integer) and n_images >= 1):
        raise ValueError(f"n_images must be a positive integer, got {n_images!r}.")


def _check_image_shape(image_shape, n_features):
    if image_shape is None:
        return None
    shape = tuple(int(v) for v in image_shape)
    if len(shape) == 2:
        shape = (*shape, 1)
    # One -1, as in numpy.reshape (and the estimators' image_shape).
    shape = fill_minus_one(shape, n_features) or shape
    if len(shape) != 3 or shape[2] not in (1, 3) or np.prod(shape) != n_features:
        raise ValueError(
            "image_shape must be (height, width) or (height, width, channels) with "
            f"1 or 3 channels and height*width*channels == {n_features} features, "
            f"got {tuple(image_shape)}."
        )
    return shape


class LatentSpaceDisplay:
    """Scatter of the codes in two dimensions, coloured by ``y``.

    Codes of width 2 are plotted as they are, width 1 against the row index, and
    wider codes after a projection to 2-D by PCA or t-SNE.

    Parameters
    ----------
    embedding : ndarray of shape (n_samples, 1) or (n_samples, 2)
        The points to draw.
    y : array-like of shape (n_samples,), default=None
        Colours: a legend for labels (strings, booleans or at most 20 distinct
        integers), a colorbar for other numbers.
    xlabel, ylabel : str, default=None
        Axis labels; by default "code 1"/"code 2" (or "row"/"code" in 1-D).
    estimator_name : str, default=None

    Attributes
    ----------
    scatter_ : matplotlib PathCollection
    legend_ : matplotlib Legend or None
    colorbar_ : matplotlib Colorbar or None
    ax_, figure_ : matplotlib Axes and Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import LatentSpaceDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> ae = AutoencoderTransformer(encoding_dim=8, epochs=5, random_state=0).fit(X)
    >>> disp = LatentSpaceDisplay.from_estimator(ae, X, y, method="pca")
    >>> disp.ax_.get_xlabel()
    'PCA 1'
    """

    METHODS = ("pca", "tsne")

    def __init__(
        self, embedding, y=None, *, xlabel=None, ylabel=None, estimator_name=None
    ):
        self.embedding = np.asarray(embedding, dtype=float)
        if self.embedding.ndim != 2 or self.embedding.shape[1] not in (1, 2):
            raise ValueError(
                f"embedding must have 1 or 2 columns, got shape {self.embedding.shape}."
            )
        self.y = None if y is None else np.asarray(y)
        if self.y is not None and self.y.shape != (len(self.embedding),):
            raise ValueError(
                f"y must have shape ({len(self.embedding)},), got {self.y.shape}."
            )
        one_d = self.embedding.shape[1] == 1
        self.xlabel = xlabel or ("row" if one_d else "code 1")
        self.ylabel = ylabel or ("code" if one_d else "code 2")
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(
        cls, estimator, X, y=None, *, method="pca", random_state=None, ax=None
    ):
        """Encode ``X`` with ``estimator.transform`` and plot the codes.

        ``method`` ("pca" or "tsne") projects codes wider than 2;
        ``random_state`` seeds that projection.
        """
        if method not in cls.METHODS:
            raise ValueError(f"method must be one of {cls.METHODS}, got {method!r}.")
        check_is_fitted(estimator)
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
        disp = cls(codes, y, estimator_name=_name(estimator), **labels)
        return disp.plot(ax=ax)

    def plot(self, ax=None, *, cmap=None, s=12):
        """Draw the scatter on ``ax``; return ``self``."""
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D

        ax = _new_axes(ax)
        if self.embedding.shape[1] == 1:
            x, v = np.arange(len(self.embedding)), self.embedding[:, 0]
        else:
            x, v = self.embedding[:, 0], self.embedding[:, 1]
        self.legend_ = self.colorbar_ = None
        if self.y is None:
            self.scatter_ = ax.scatter(x, v, s=s)
        elif self.y.dtype.kind in "OUSb" or (
            self.y.dtype.kind in "iu" and len(np.unique(self.y)) <= 20
        ):
            classes, codes = np.unique(self.y, return_inverse=True)
            palette = plt.get_cmap(cmap or ("tab10" if len(classes) <= 10 else "tab20"))
            colours = palette(codes % palette.N)
            self.scatter_ = ax.scatter(x, v, c=colours, s=s)
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
        else:
            self.scatter_ = ax.scatter(x, v, c=self.y, cmap=cmap or "viridis", s=s)
            self.colorbar_ = ax.figure.colorbar(self.scatter_, ax=ax, label="y")
        ax.set(xlabel=self.xlabel, ylabel=self.ylabel, title=self.estimator_name)
        self.ax_, self.figure_ = ax, ax.figure
        return self


class PCAComparisonDisplay:
    """Reconstruction error of the autoencoder and of PCA against the code size.

    Parameters
    ----------
    encoding_dims : array-like of int
        Code sizes (numbers of PCA components).
    ae_mse, pca_mse : array-like of float
        Mean squared reconstruction errors, one per code size.
    estimator_name : str, default="autoencoder"
        Legend label of the autoencoder's curve.
    data_label : str, default="test"
        Which data the errors were measured on, for the y-axis label.

    Attributes
    ----------
    encoding_dims, ae_mse_, pca_mse_ : ndarray
        The numbers plotted, for quoting them.
    ae_line_, pca_line_ : matplotlib Line2D
    ax_, figure_ : matplotlib Axes and Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import PCAComparisonDisplay
    >>> X = load_digits().data
    >>> ae = AutoencoderTransformer(epochs=5, random_state=0)
    >>> disp = PCAComparisonDisplay.from_estimator(ae, X[:1500], X[1500:],
    ...                                            encoding_dims=(2, 8))
    >>> disp.ae_mse_.shape
    (2,)

    Re-plot saved numbers without refitting:

    >>> disp = PCAComparisonDisplay([2, 8], [10.4, 3.6], [13.8, 6.4]).plot()
    """

    def __init__(
        self,
        encoding_dims,
        ae_mse,
        pca_mse,
        *,
        estimator_name="autoencoder",
        data_label="test",
    ):
        self.encoding_dims = np.asarray(encoding_dims, dtype=int)
        self.ae_mse_ = np.asarray(ae_mse, dtype=float)
        self.pca_mse_ = np.asarray(pca_mse, dtype=float)
        if not len(self.encoding_dims) == len(self.ae_mse_) == len(self.pca_mse_):
            raise ValueError(
                "encoding_dims, ae_mse and pca_mse must have equal lengths."
            )
        self.estimator_name = estimator_name
        self.data_label = data_label

    @classmethod
    def from_estimator(
        cls, estimator, X_train, X_test=None, *, encoding_dims=(2, 4, 8, 16), ax=None
    ):
        """Fit a clone of ``estimator`` and ``PCA`` per code size; plot their MSE.

        Each clone gets ``set_params(encoding_dim=k)`` and is fitted on
        ``X_train``; errors are measured on ``X_test`` (``X_train`` if None). The
        estimator passed is not modified and need not be fitted.
        """
        from sklearn.decomposition import PCA

        _reject_pipeline(estimator, cls.__name__)
        X_eval = X_train if X_test is None else X_test
        X_eval_arr = np.asarray(X_eval, dtype=float)
        max_k = min(np.shape(X_train))
        dims = [int(k) for k in encoding_dims]
        if not dims or any(k < 1 or k > max_k for k in dims):
            raise ValueError(
                f"encoding_dims must be integers in [1, {max_k}] (PCA's limit for "
                f"X_train of shape {np.shape(X_train)}), got {tuple(encoding_dims)}."
            )
        ae_mse, pca_mse = [], []
        for k in dims:
            model = clone(estimator).set_params(encoding_dim=k).fit(X_train)
            ae_mse.append(-model.score(X_eval))
            pca = PCA(n_components=k).fit(X_train)
            rebuilt = pca.inverse_transform(pca.transform(X_eval))
            pca_mse.append(float(np.mean((X_eval_arr - rebuilt) ** 2)))
        disp = cls(
            dims,
            ae_mse,
            pca_mse,
            estimator_name=_name(estimator),
            data_label="training" if X_test is None else "test",
        )
        return disp.plot(ax=ax)

    def plot(self, ax=None):
        """Draw both curves on ``ax``; return ``self``."""
        ax = _new_axes(ax)
        (self.ae_line_,) = ax.plot(
            self.encoding_dims, self.ae_mse_, marker="o", label=self.estimator_name
        )
        (self.pca_line_,) = ax.plot(
            self.encoding_dims, self.pca_mse_, marker="s", label="PCA"
        )
        ax.set_xticks(self.encoding_dims)
        ax.set(
            xlabel="encoding_dim (PCA n_components)",
            ylabel=f"{self.data_label} reconstruction MSE",
        )
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


class AnomalyDisplay:
    """Histogram of per-row reconstruction errors with an anomaly threshold.

    Parameters
    ----------
    errors : array-like of shape (n_samples,)
        Reconstruction error of each row, ``-estimator.score_samples(X)``.
    threshold : float
        Rows with an error above it are flagged.
    estimator_name : str, default=None

    Attributes
    ----------
    errors_ : ndarray of shape (n_samples,)
    threshold_ : float
    is_anomaly_ : ndarray of bool of shape (n_samples,)
        ``errors_ > threshold_``.
    threshold_line_ : matplotlib Line2D
    ax_, figure_ : matplotlib Axes and Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import AnomalyDisplay
    >>> X = load_digits().data
    >>> ae = AutoencoderTransformer(encoding_dim=8, epochs=5, random_state=0).fit(X)
    >>> disp = AnomalyDisplay.from_estimator(ae, X, contamination=0.01)
    >>> disp.threshold_line_.get_xdata()[0] == disp.threshold_
    True
    """

    def __init__(self, errors, threshold, *, estimator_name=None):
        self.errors_ = np.asarray(errors, dtype=float)
        self.threshold_ = float(threshold)
        self.is_anomaly_ = self.errors_ > self.threshold_
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(
        cls, estimator, X, *, threshold=None, contamination=None, ax=None
    ):
        """Score ``X`` and plot; ``threshold`` defaults to a quantile of the errors.

        Give at most one of ``threshold`` (an error value) and ``contamination``
        (the expected fraction of anomalies, in (0, 1); the threshold is then the
        ``1 - contamination`` quantile of the errors). With neither,
        ``contamination=0.05``.
        """
        if threshold is not None and contamination is not None:
            raise ValueError("Give threshold or contamination, not both.")
        if contamination is not None and not 0 < contamination < 1:
            raise ValueError(f"contamination must be in (0, 1), got {contamination}.")
        check_is_fitted(estimator)
        errors = -np.asarray(estimator.score_samples(X), dtype=float)
        if threshold is None:
            quantile = 1 - (0.05 if contamination is None else contamination)
            threshold = float(np.quantile(errors, quantile))
        disp = cls(errors, threshold, estimator_name=_name(estimator))
        return disp.plot(ax=ax)

    def plot(self, ax=None, *, bins="auto"):
        """Draw the histogram and threshold line on ``ax``; return ``self``."""
        ax = _new_axes(ax)
        ax.hist(self.errors_, bins=bins, color="tab:blue", alpha=0.8)
        n_above = int(self.is_anomaly_.sum())
        self.threshold_line_ = ax.axvline(
            self.threshold_,
            color="tab:red",
            linestyle="--",
            label=f"threshold {self.threshold_:.3g} "
            f"({n_above} of {len(self.errors_)} rows above)",
        )
        ax.set(
            xlabel="reconstruction error (mean squared error per row)",
            ylabel="rows",
            title=self.estimator_name,
        )
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self
