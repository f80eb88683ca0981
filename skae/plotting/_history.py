"""TrainingHistoryDisplay: the loss per epoch, with the kept epoch marked."""

import numpy as np

from skae.plotting._base import _as_float, _AutoencoderDisplayMixin, _fill_doc, _style


class TrainingHistoryDisplay(_AutoencoderDisplayMixin):
    """Training (and validation) loss per epoch, with the best epoch marked.

    It is recommended to use :meth:`from_estimator` to create the display. All
    parameters are stored as attributes.

    Parameters
    ----------
    loss : array-like of shape (n_epochs,)
        Training loss of each epoch.
    val_loss : array-like of shape (n_epochs,), default=None
        Validation loss of each epoch (present when ``early_stopping=True``).
    loss_name : str, default="loss"
        Name of the loss, for the y-axis label.
    name : str, default=None
        Title of the plot; no title when None.

    Attributes
    ----------
    best_epoch : int
        1-based epoch whose weights a skae estimator keeps: the first with the
        lowest ``val_loss`` (``loss`` if there is none).
    loss_line_ : matplotlib Line2D
        The training loss curve.
    val_loss_line_ : matplotlib Line2D or None
        The validation loss curve; None without ``val_loss``.
    best_line_ : matplotlib Line2D
        The vertical line at ``best_epoch``.
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the curves.

    See Also
    --------
    PCAComparisonDisplay : Reconstruction error against the code size.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import TrainingHistoryDisplay
    >>> X = load_digits().data[:300]
    >>> ae = AutoencoderTransformer(encoding_dim=8, epochs=5, random_state=0).fit(X)
    >>> disp = TrainingHistoryDisplay.from_estimator(ae)
    >>> len(disp.loss_line_.get_xdata()) == ae.n_iter_
    True

    Re-plot saved numbers without an estimator:

    >>> TrainingHistoryDisplay([5.0, 3.0, 2.0, 2.5]).best_epoch
    3
    >>> plt.close("all")
    """

    def __init__(self, loss, val_loss=None, *, loss_name="loss", name=None):
        self.loss = loss
        self.val_loss = val_loss
        self.loss_name = loss_name
        self.name = name

    @property
    def best_epoch(self):
        monitored = self.loss if self.val_loss is None else self.val_loss
        return int(np.argmin(monitored)) + 1

    @classmethod
    @_fill_doc
    def from_estimator(cls, estimator, *, ax=None, name=None, **line_kw):
        """Plot the ``history_`` of a fitted skae estimator.

        Parameters
        ----------
        {estimator}
        {ax}
        {name_from_estimator}
        **line_kw : dict
            Keywords passed to matplotlib's ``plot`` for both loss curves.

        Returns
        -------
        display : TrainingHistoryDisplay
        """
        cls._check_estimator(estimator, "history_")
        history = estimator.history_
        if not history:
            raise ValueError(
                f"This {type(estimator).__name__} has no training history: it was "
                "assembled by from_keras, not trained by fit."
            )
        loss = getattr(estimator, "loss", None)
        disp = cls(
            history["loss"],
            history.get("val_loss"),
            loss_name=f"{loss} loss" if isinstance(loss, str) else "loss",
            name=cls._estimator_name(estimator, name),
        )
        return disp.plot(ax=ax, **line_kw)

    @_fill_doc
    def plot(self, ax=None, *, name=None, **line_kw):
        """Draw the curves.

        Parameters
        ----------
        {ax}
        {name_plot}
        **line_kw : dict
            Keywords passed to matplotlib's ``plot`` for both loss curves.

        Returns
        -------
        display : TrainingHistoryDisplay
        """
        from matplotlib.ticker import MaxNLocator

        ax = self._new_axes(ax)
        loss, val_loss = _as_float(self.loss), _as_float(self.val_loss)
        epochs = np.arange(1, len(loss) + 1)
        line_kw = _style({"marker": "."}, line_kw)
        (self.loss_line_,) = ax.plot(epochs, loss, label="loss", **line_kw)
        self.val_loss_line_ = None
        if val_loss is not None:
            (self.val_loss_line_,) = ax.plot(
                epochs, val_loss, label="val_loss", **line_kw
            )
        best = self.best_epoch
        self.best_line_ = ax.axvline(
            best,
            color="black",
            linestyle="--",
            linewidth=1,
            label=f"best epoch ({best})",
        )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend()
        return self._finish_plot(
            ax, xlabel="epoch", ylabel=self.loss_name, title=self._plot_name(name)
        )
