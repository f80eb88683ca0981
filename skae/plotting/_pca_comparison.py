"""PCAComparisonDisplay: reconstruction error against the code size, with PCA."""

import numpy as np

from skae.plotting._base import (
    _as_float,
    _AutoencoderDisplayMixin,
    _check_lengths,
    _fill_doc,
    _style,
)


class PCAComparisonDisplay(_AutoencoderDisplayMixin):
    """Reconstruction error of the autoencoder and of PCA against the code size.

    It is recommended to use :meth:`from_estimator` to create the display. All
    parameters are stored as attributes.

    Parameters
    ----------
    encoding_dims : array-like of int
        Code sizes (numbers of PCA components).
    ae_mse : array-like of float
        Mean squared reconstruction error of the autoencoder, one per code size.
    pca_mse : array-like of float
        Mean squared reconstruction error of PCA, one per code size.
    data_label : str, default="test"
        Which data the errors were measured on, for the y-axis label.
    name : str, default=None
        Legend label of the autoencoder's curve; "autoencoder" when None.

    Attributes
    ----------
    ae_line_ : matplotlib Line2D
        The autoencoder's curve.
    pca_line_ : matplotlib Line2D
        PCA's curve.
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the curves.

    See Also
    --------
    TrainingHistoryDisplay : The loss of one fit per epoch.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import PCAComparisonDisplay
    >>> X = load_digits().data[:400]
    >>> ae = AutoencoderTransformer(epochs=5, random_state=0)
    >>> disp = PCAComparisonDisplay.from_estimator(
    ...     ae, X[:300], X[300:], encoding_dims=(2, 8)
    ... )
    >>> disp.ae_mse.shape
    (2,)

    Re-plot saved numbers without refitting:

    >>> disp = PCAComparisonDisplay([2, 8], [10.4, 3.6], [13.8, 6.4]).plot()
    >>> plt.close("all")
    """

    def __init__(self, encoding_dims, ae_mse, pca_mse, *, data_label="test", name=None):
        self.encoding_dims = encoding_dims
        self.ae_mse = ae_mse
        self.pca_mse = pca_mse
        self.data_label = data_label
        self.name = name

    @classmethod
    @_fill_doc
    def from_estimator(
        cls,
        estimator,
        X_train,
        X_test=None,
        *,
        encoding_dims=(2, 4, 8, 16),
        ax=None,
        name=None,
        **line_kw,
    ):
        """Fit a clone of ``estimator`` and ``PCA`` per code size; plot their MSE.

        Parameters
        ----------
        estimator : skae estimator
            Need not be fitted, and is not modified: each clone gets
            ``set_params(encoding_dim=k)`` and is fitted on ``X_train``. Not a
            Pipeline: pass its last step.
        X_train : array-like of shape (n_samples, n_features)
            Rows to fit on.
        X_test : array-like of shape (n_test_samples, n_features), default=None
            Rows to measure the errors on; ``X_train`` when None.
        encoding_dims : tuple of int, default=(2, 4, 8, 16)
            Code sizes, each at most ``min(X_train.shape)``.
        {ax}
        name : str, default=None
            Legend label of the autoencoder; its class name when None.
        **line_kw : dict
            Keywords passed to matplotlib's ``plot`` for both curves.

        Returns
        -------
        display : PCAComparisonDisplay
        """
        from sklearn.base import clone
        from sklearn.decomposition import PCA

        cls._check_estimator(estimator, fitted=False)
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
            np.array(dims),
            np.array(ae_mse),
            np.array(pca_mse),
            data_label="training" if X_test is None else "test",
            name=cls._estimator_name(estimator, name),
        )
        return disp.plot(ax=ax, **line_kw)

    @_fill_doc
    def plot(self, ax=None, *, name=None, **line_kw):
        """Draw both curves.

        Parameters
        ----------
        {ax}
        {name_plot}
        **line_kw : dict
            Keywords passed to matplotlib's ``plot`` for both curves.

        Returns
        -------
        display : PCAComparisonDisplay
        """
        dims = np.asarray(self.encoding_dims, dtype=int)
        ae_mse, pca_mse = _as_float(self.ae_mse), _as_float(self.pca_mse)
        _check_lengths(encoding_dims=dims, ae_mse=ae_mse, pca_mse=pca_mse)
        ax = self._new_axes(ax)
        label = self._plot_name(name) or "autoencoder"
        (self.ae_line_,) = ax.plot(
            dims, ae_mse, **_style({"marker": "o", "label": label}, line_kw)
        )
        (self.pca_line_,) = ax.plot(
            dims, pca_mse, **_style({"marker": "s", "label": "PCA"}, line_kw)
        )
        ax.set_xticks(dims)
        ax.legend()
        return self._finish_plot(
            ax,
            xlabel="encoding_dim (PCA n_components)",
            ylabel=f"{self.data_label} reconstruction MSE",
        )
