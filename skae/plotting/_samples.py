"""SampleGridDisplay: rows drawn from a generative autoencoder, as a grid of
images."""

import numpy as np

from skae.plotting._base import _as_float, _AutoencoderDisplayMixin, _fill_doc
from skae.plotting._reconstruction import _check_image_shape, _check_n_images


class SampleGridDisplay(_AutoencoderDisplayMixin):
    """A grid of images drawn from a generative model's ``sample``.

    It is recommended to use :meth:`from_estimator` to create the display. All
    parameters are stored as attributes.

    Parameters
    ----------
    samples : array-like of shape (n_samples, n_features)
        Drawn rows, in the data's units.
    image_shape : tuple of int
        (height, width) or (height, width, channels) with 1 or 3 channels; one
        entry may be -1, as in ``numpy.reshape``.
    name : str, default=None
        Title above the grid; no title when None.

    Attributes
    ----------
    image_ : matplotlib AxesImage
        The grid, drawn as one image.
    ax_ : matplotlib Axes
        Axes with the grid.
    figure_ : matplotlib Figure
        Figure containing the grid.

    See Also
    --------
    LatentManifoldDisplay : The decoded images over a 2-D code's plane.
    ReconstructionDisplay : Originals over their reconstructions.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skae import VariationalAutoencoder
    >>> from skae.plotting import SampleGridDisplay
    >>> X = load_digits().data[:300]
    >>> vae = VariationalAutoencoder(encoding_dim=4, epochs=5, random_state=0).fit(X)
    >>> disp = SampleGridDisplay.from_estimator(vae, image_shape=(8, 8), n_samples=12)
    >>> disp.samples.shape
    (12, 64)
    >>> plt.close("all")
    """

    def __init__(self, samples, *, image_shape, name=None):
        self.samples = samples
        self.image_shape = image_shape
        self.name = name

    @classmethod
    @_fill_doc
    def from_estimator(
        cls,
        estimator,
        *,
        n_samples=32,
        random_state=0,
        image_shape=None,
        n_cols=8,
        ax=None,
        name=None,
        **imshow_kw,
    ):
        """Draw ``n_samples`` rows with ``estimator.sample`` and plot them.

        Parameters
        ----------
        {estimator}
            It needs a ``sample(n_samples, random_state)`` method.
        n_samples : int, default=32
            Number of images.
        random_state : int, RandomState instance or None, default=0
            Seed given to ``estimator.sample``.
        image_shape : tuple of int, default=None
            Shape of one image; ``estimator.image_shape`` when None.
        n_cols : int, default=8
            Images per row of the grid.
        {ax}
        {name_from_estimator}
        **imshow_kw : dict
            Keywords passed to matplotlib's ``imshow``.

        Returns
        -------
        display : SampleGridDisplay
        """
        cls._check_estimator(estimator)
        _check_n_images(n_samples)
        if not hasattr(estimator, "sample"):
            raise TypeError(
                f"{cls.__name__} needs an estimator with a sample method (such "
                f"as VariationalAutoencoder), got {type(estimator).__name__}."
            )
        if image_shape is None:
            image_shape = getattr(estimator, "image_shape", None)
        if image_shape is None:
            raise ValueError(
                f"{cls.__name__} needs image_shape (the estimator has none)."
            )
        samples = estimator.sample(n_samples, random_state=random_state)
        disp = cls(
            samples,
            image_shape=_check_image_shape(image_shape, samples.shape[1]),
            name=cls._estimator_name(estimator, name),
        )
        return disp.plot(ax=ax, n_cols=n_cols, **imshow_kw)

    @_fill_doc
    def plot(self, ax=None, *, name=None, n_cols=8, cmap="gray", **imshow_kw):
        """Draw the grid.

        Parameters
        ----------
        {ax}
        {name_plot}
        n_cols : int, default=8
            Images per row of the grid.
        cmap : str or Colormap, default="gray"
            Colormap of single-channel images.
        **imshow_kw : dict
            Keywords passed to matplotlib's ``imshow``.

        Returns
        -------
        display : SampleGridDisplay
        """
        _check_n_images(n_cols)
        samples = _as_float(self.samples)
        shape = _check_image_shape(self.image_shape, samples.shape[1])
        mosaic = image_grid(samples, shape, n_cols)
        ax = self._new_axes(
            ax,
            figsize=(
                0.9 * min(n_cols, len(samples)) + 0.6,
                0.9 * mosaic.shape[0] / shape[0] + 0.6,
            ),
        )
        self.image_ = _show(ax, mosaic, samples, cmap, imshow_kw)
        ax.set_axis_off()
        return self._finish_plot(ax, title=self._plot_name(name))


def image_grid(rows, shape, n_cols, gap=1):
    """The images of ``rows`` side by side, ``n_cols`` to a line, ``gap``
    pixels apart (NaN, drawn blank), as one array."""
    height, width, channels = shape
    n_cols = min(n_cols, len(rows))
    n_lines = -(-len(rows) // n_cols)
    grid = np.full(
        (n_lines * (height + gap) - gap, n_cols * (width + gap) - gap, channels),
        np.nan,
    )
    for i, row in enumerate(rows):
        top, left = (i // n_cols) * (height + gap), (i % n_cols) * (width + gap)
        grid[top : top + height, left : left + width] = row.reshape(shape)
    return grid


def _show(ax, mosaic, values, cmap, imshow_kw, **extra):
    """``imshow`` of a grid on one intensity scale, that of ``values``."""
    low, high = float(np.min(values)), float(np.max(values))
    high = high if high > low else low + 1
    if mosaic.shape[2] == 1:
        kw = {"cmap": cmap, "vmin": low, "vmax": high, **extra, **imshow_kw}
        return ax.imshow(mosaic[..., 0], **kw)
    scaled = np.clip((mosaic - low) / (high - low), 0, 1)
    return ax.imshow(np.nan_to_num(scaled, nan=1.0), **extra, **imshow_kw)
