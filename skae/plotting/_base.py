"""What every skae Display shares: the Pipeline rule, the name default, new axes
and the plot ending that sets ``ax_`` and ``figure_``."""

import re

import numpy as np


class _AutoencoderDisplayMixin:
    """Helpers for Displays of a skae autoencoder, in scikit-learn's contract:
    ``from_estimator`` checks and computes, ``plot`` draws on ``ax`` (a new figure
    when None) and returns the display with ``ax_`` and ``figure_`` set."""

    @classmethod
    def _check_estimator(cls, estimator, attributes=None, *, fitted=True):
        """Reject a Pipeline, then check the estimator is fitted.

        A Pipeline's ``predict``, ``score_samples`` and ``history_`` are not its
        autoencoder's, and what it plots would be in the units of the wrong step:
        the error names the autoencoder step and the data as that step sees it.
        """
        from sklearn.pipeline import Pipeline
        from sklearn.utils.validation import check_is_fitted

        if isinstance(estimator, Pipeline):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs the autoencoder itself, got "
                "a Pipeline. Pass its autoencoder step, e.g. pipe[-1], with the "
                "data as that step sees it, e.g. pipe[:-1].transform(X)."
            )
        if fitted:
            check_is_fitted(estimator, attributes)

    @staticmethod
    def _estimator_name(estimator, name):
        """``name``, or the estimator's class name when ``name`` is None."""
        return type(estimator).__name__ if name is None else name

    def _plot_name(self, name):
        """The name given to ``plot``, or the one stored by ``__init__``."""
        return self.name if name is None else name

    @staticmethod
    def _new_axes(ax, figsize=None):
        """``ax``, or the axes of a new constrained-layout figure when None."""
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax

    def _finish_plot(self, ax, **axes_kw):
        """Set labels and title on ``ax``, keep ``ax_`` and ``figure_``; ``self``."""
        ax.set(**axes_kw)
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _style(defaults, style_kw):
    """``defaults`` overridden by the user's matplotlib keywords, where a short
    alias given by the user (``c``, ``ls``, ``lw``) replaces its long default."""
    aliases = {"c": "color", "ls": "linestyle", "lw": "linewidth", "ec": "edgecolor"}
    merged = {k: v for k, v in defaults.items() if k not in style_kw}
    for short, long in aliases.items():
        if short in style_kw:
            merged.pop(long, None)
    return {**merged, **style_kw}


def _check_lengths(**arrays):
    """Raise a ValueError naming the arrays unless they all have one length."""
    lengths = {key: len(value) for key, value in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"{', '.join(lengths)} must have equal lengths, got {lengths}."
        )


def _as_float(values):
    return None if values is None else np.asarray(values, dtype=float)


_SHARED_PARAMS = {
    "estimator": """estimator : skae estimator
    Fitted autoencoder; not a Pipeline (pass its last step, ``pipe[-1]``).""",
    "ax": """ax : matplotlib Axes, default=None
    Axes to draw on; a new figure when None.""",
    "name_from_estimator": """name : str, default=None
    Name shown on the plot; the estimator's class name when None.""",
    "name_plot": """name : str, default=None
    Name shown on the plot; ``self.name`` when None.""",
}


def _fill_doc(func):
    """Replace lines ``{key}`` of ``func``'s docstring by the shared parameter
    descriptions above, at that line's indentation."""

    def indented(match):
        indent, key = match.groups()
        return "\n".join(indent + line for line in _SHARED_PARAMS[key].splitlines())

    if func.__doc__:  # None under python -OO
        func.__doc__ = re.sub(r"^( *)\{(\w+)\}$", indented, func.__doc__, flags=re.M)
    return func
