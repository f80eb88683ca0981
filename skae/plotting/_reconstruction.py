"""ReconstructionDisplay: originals over reconstructions, as a grid of images."""

import numpy as np

from skae._validation import fill_minus_one
from skae.plotting._base import _as_float, _AutoencoderDisplayMixin, _fill_doc


class ReconstructionDisplay(_AutoencoderDisplayMixin):
    """Rows of images: originals over their reconstructions.

    When ``X_noisy`` is given, three rows: noisy inputs, reconstructions of the
    noisy inputs, originals. For the reconstruction error of each feature of
    tabular data, see :class:`FeatureErrorDisplay`.

    It is recommended to use :meth:`from_estimator` to create the display. All
    parameters are stored as attributes.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Original (clean) rows.
    X_reconstructed : array-like of shape (n_samples, n_features)
        ``estimator.predict`` of ``X``, or of ``X_noisy`` when that is given.
    X_noisy : array-like of shape (n_samples, n_features), default=None
        Corrupted rows the estimator was asked to denoise.
    image_shape : tuple of int
        (height, width) or (height, width, channels) with 1 or 3 channels; one
        entry may be -1, as in ``numpy.reshape``.
    name : str, default=None
        Title above the grid; no title when None.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes of shape (n_rows, n_images)
        One image per axes, rows in the order described above.
    ax_ : matplotlib Axes
        The hidden axes the grid subdivides; it carries the title.
    figure_ : matplotlib Figure
        Figure containing the grid.

    See Also
    --------
    FeatureErrorDisplay : Reconstruction error of each feature, as bars.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skae import DenoisingAutoencoder
    >>> from skae.plotting import ReconstructionDisplay
    >>> X = load_digits().data[:300]
    >>> dae = DenoisingAutoencoder(encoding_dim=16, epochs=5, random_state=0).fit(X)
    >>> noisy = X + np.random.default_rng(0).normal(scale=4, size=X.shape)
    >>> disp = ReconstructionDisplay.from_estimator(
    ...     dae, X, X_noisy=noisy, image_shape=(8, 8), n_images=6
    ... )
    >>> disp.axes_.shape
    (3, 6)
    >>> plt.close("all")
    """

    def __init__(self, X, X_reconstructed, *, X_noisy=None, image_shape, name=None):
        self.X = X
        self.X_reconstructed = X_reconstructed
        self.X_noisy = X_noisy
        self.image_shape = image_shape
        self.name = name

    @classmethod
    @_fill_doc
    def from_estimator(
        cls,
        estimator,
        X,
        *,
        X_noisy=None,
        image_shape=None,
        n_images=8,
        ax=None,
        name=None,
        **imshow_kw,
    ):
        """Reconstruct the first rows of ``X`` (or ``X_noisy``) and plot them.

        Parameters
        ----------
        {estimator}
        X : array-like of shape (n_samples, n_features)
            Original rows; only the first ``n_images`` are predicted and shown.
        X_noisy : array-like of shape (n_samples, n_features), default=None
            Corrupted ``X`` to reconstruct instead. It is never generated here:
            add noise yourself, e.g.
            ``X + np.random.default_rng(0).normal(scale=4, size=X.shape)``.
        image_shape : tuple of int, default=None
            Shape of one image; ``estimator.image_shape`` when None.
        n_images : int, default=8
            Number of columns.
        ax : matplotlib Axes, default=None
            Axes the grid subdivides; a new figure when None.
        {name_from_estimator}
        **imshow_kw : dict
            Keywords passed to matplotlib's ``imshow``.

        Returns
        -------
        display : ReconstructionDisplay
        """
        cls._check_estimator(estimator)
        _check_n_images(n_images)
        if image_shape is None:
            image_shape = getattr(estimator, "image_shape", None)
        if image_shape is None:
            raise ValueError(
                f"{cls.__name__} needs image_shape (the estimator has none); for "
                "tabular data use FeatureErrorDisplay."
            )
        X_arr = np.asarray(X, dtype=float)
        if X_noisy is not None and np.shape(X_noisy) != X_arr.shape:
            raise ValueError(
                f"X_noisy must have the shape of X {X_arr.shape}, "
                f"got {np.shape(X_noisy)}."
            )
        source = X if X_noisy is None else X_noisy
        source = (
            source.iloc[:n_images] if hasattr(source, "iloc") else source[:n_images]
        )
        disp = cls(
            X_arr[:n_images],
            estimator.predict(source),
            X_noisy=None if X_noisy is None else np.asarray(source, dtype=float),
            image_shape=_check_image_shape(image_shape, X_arr.shape[1]),
            name=cls._estimator_name(estimator, name),
        )
        return disp.plot(ax=ax, n_images=n_images, **imshow_kw)

    @_fill_doc
    def plot(self, ax=None, *, name=None, n_images=8, cmap="gray", **imshow_kw):
        """Draw the grid.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes the grid subdivides (they are hidden); a new figure when None.
        {name_plot}
        n_images : int, default=8
            Number of columns (at most the number of rows of ``X``).
        cmap : str or Colormap, default="gray"
            Colormap of single-channel images.
        **imshow_kw : dict
            Keywords passed to matplotlib's ``imshow``.

        Returns
        -------
        display : ReconstructionDisplay
        """
        _check_n_images(n_images)
        X = _as_float(self.X)
        shape = _check_image_shape(self.image_shape, X.shape[1])
        rows = [("original", X), ("reconstruction", _as_float(self.X_reconstructed))]
        if self.X_noisy is not None:
            rows = [("noisy input", _as_float(self.X_noisy)), *rows[::-1]]
        n = min(n_images, len(X))
        ax = self._new_axes(ax, figsize=(1.2 * n + 0.8, 1.3 * len(rows) + 0.5))
        ax.set_axis_off()
        # One intensity scale for every panel, so errors are visible as such.
        low, high = X.min(), X.max()
        high = high if high > low else low + 1
        self.axes_ = np.empty((len(rows), n), dtype=object)
        for i, (label, data) in enumerate(rows):
            for j in range(n):
                # Insets fill the hidden axes' box, so its title stays above the
                # top row wherever the axes sit (a subgridspec would share the
                # title's margin and draw the images under it).
                sub = ax.inset_axes(
                    [
                        (j + GAP) / n,
                        1 - (i + 1 - GAP) / len(rows),
                        (1 - 2 * GAP) / n,
                        (1 - 2 * GAP) / len(rows),
                    ]
                )
                image = data[j].reshape(shape)
                if shape[2] == 1:
                    kw = {"cmap": cmap, "vmin": low, "vmax": high, **imshow_kw}
                    sub.imshow(image[..., 0], **kw)
                else:
                    sub.imshow(np.clip((image - low) / (high - low), 0, 1), **imshow_kw)
                sub.set_xticks([])
                sub.set_yticks([])
                if j == 0:  # horizontal: a rotated label outgrows a short row
                    sub.set_ylabel(label, fontsize="small", rotation=0, ha="right")
                self.axes_[i, j] = sub
        return self._finish_plot(ax, title=self._plot_name(name))


# Margin of each image inside its cell of the grid, as a fraction of the cell.
GAP = 0.04


def _check_n_images(n_images):
    if not (isinstance(n_images, int | np.integer) and n_images >= 1):
        raise ValueError(f"n_images must be a positive integer, got {n_images!r}.")


def _check_image_shape(image_shape, n_features):
    """``image_shape`` as (height, width, channels), its one -1 filled in."""
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
