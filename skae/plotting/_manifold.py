"""LatentManifoldDisplay: a 2-D code's plane, decoded into images."""

import numpy as np

from skae.plotting._base import _as_float, _AutoencoderDisplayMixin, _fill_doc
from skae.plotting._reconstruction import _check_image_shape, _check_n_images
from skae.plotting._samples import _show, image_grid


class LatentManifoldDisplay(_AutoencoderDisplayMixin):
    """The images an autoencoder decodes over a grid of its 2-D codes.

    Keras's variational autoencoder example draws this picture: each cell of
    the grid is ``inverse_transform`` of the code at its place in the plane,
    so the picture shows how the images change along each code unit. For a
    :class:`~skae.VariationalAutoencoder`, whose KL term pulls the codes
    towards ``N(0, I)``, the default grid spans two standard deviations of
    that prior each way.

    It is recommended to use :meth:`from_estimator` to create the display. All
    parameters are stored as attributes.

    Parameters
    ----------
    images : array-like of shape (grid_size ** 2, n_features)
        Decoded rows, the grid's first line (highest second code) first.
    grid : ndarray of shape (grid_size,)
        The code values along each axis, increasing.
    image_shape : tuple of int
        (height, width) or (height, width, channels) with 1 or 3 channels.
    name : str, default=None
        Title above the picture; no title when None.

    Attributes
    ----------
    image_ : matplotlib AxesImage
        The decoded images, drawn as one image over the code plane.
    ax_ : matplotlib Axes
        Axes with the picture; its ticks are code values.
    figure_ : matplotlib Figure
        Figure containing the picture.

    See Also
    --------
    SampleGridDisplay : Images drawn from the model.
    LatentSpaceDisplay : The codes of data, as points.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skae import VariationalAutoencoder
    >>> from skae.plotting import LatentManifoldDisplay
    >>> X = load_digits().data[:300]
    >>> vae = VariationalAutoencoder(encoding_dim=2, epochs=5, random_state=0).fit(X)
    >>> disp = LatentManifoldDisplay.from_estimator(
    ...     vae, image_shape=(8, 8), grid_size=5
    ... )
    >>> disp.images.shape
    (25, 64)
    >>> plt.close("all")
    """

    def __init__(self, images, grid, *, image_shape, name=None):
        self.images = images
        self.grid = grid
        self.image_shape = image_shape
        self.name = name

    @classmethod
    @_fill_doc
    def from_estimator(
        cls,
        estimator,
        *,
        grid_size=15,
        span=2.0,
        image_shape=None,
        ax=None,
        name=None,
        **imshow_kw,
    ):
        """Decode a ``grid_size`` x ``grid_size`` grid of codes and plot it.

        Parameters
        ----------
        {estimator}
            Its code must have 2 units (``encoding_dim=2``).
        grid_size : int, default=15
            Codes along each axis.
        span : float, default=2.0
            The grid covers ``[-span, span]`` on each axis.
        image_shape : tuple of int, default=None
            Shape of one image; ``estimator.image_shape`` when None.
        {ax}
        {name_from_estimator}
        **imshow_kw : dict
            Keywords passed to matplotlib's ``imshow``.

        Returns
        -------
        display : LatentManifoldDisplay
        """
        cls._check_estimator(estimator)
        _check_n_images(grid_size)
        width = getattr(estimator, "_n_features_out", None)
        if width != 2:
            raise ValueError(
                f"{cls.__name__} decodes a plane of 2-D codes, but the estimator's "
                f"codes have {width} units; fit it with encoding_dim=2."
            )
        if not span > 0:
            raise ValueError(f"span must be positive, got {span!r}.")
        if image_shape is None:
            image_shape = getattr(estimator, "image_shape", None)
        if image_shape is None:
            raise ValueError(
                f"{cls.__name__} needs image_shape (the estimator has none)."
            )
        grid = np.linspace(-span, span, grid_size)
        # Lines from the top of the picture: the highest second code first.
        z0, z1 = np.meshgrid(grid, grid[::-1])
        images = estimator.inverse_transform(np.column_stack([z0.ravel(), z1.ravel()]))
        disp = cls(
            images,
            grid,
            image_shape=_check_image_shape(image_shape, images.shape[1]),
            name=cls._estimator_name(estimator, name),
        )
        return disp.plot(ax=ax, **imshow_kw)

    @_fill_doc
    def plot(self, ax=None, *, name=None, cmap="gray", **imshow_kw):
        """Draw the decoded images over the code plane.

        Parameters
        ----------
        {ax}
        {name_plot}
        cmap : str or Colormap, default="gray"
            Colormap of single-channel images.
        **imshow_kw : dict
            Keywords passed to matplotlib's ``imshow``.

        Returns
        -------
        display : LatentManifoldDisplay
        """
        images = _as_float(self.images)
        grid = _as_float(self.grid)
        n = len(grid)
        if len(images) != n * n:
            raise ValueError(
                f"images must hold grid_size ** 2 = {n * n} rows for a grid of "
                f"{n} values, got {len(images)}."
            )
        shape = _check_image_shape(self.image_shape, images.shape[1])
        mosaic = image_grid(images, shape, n, gap=0)
        ax = self._new_axes(ax, figsize=(6, 6))
        step = (grid[-1] - grid[0]) / max(n - 1, 1) if n > 1 else 1.0
        extent = (grid[0] - step / 2, grid[-1] + step / 2) * 2
        self.image_ = _show(ax, mosaic, images, cmap, imshow_kw, extent=extent)
        return self._finish_plot(
            ax, xlabel="code 0", ylabel="code 1", title=self._plot_name(name)
        )
