"""Matplotlib pictures of fitted skae autoencoders, as scikit-learn Displays.

Each ``XxxDisplay.from_estimator(estimator, ...)`` computes what it needs from a
fitted autoencoder, draws it and returns the display; its ``plot(ax=None, *,
name=None, **style_kw)`` draws the stored numbers again, on the axes given or on
a new figure. After plotting, ``ax_`` and ``figure_`` hold the matplotlib axes
and figure. Every ``from_estimator`` takes the autoencoder itself, never a
Pipeline (a TypeError says to pass ``pipe[-1]`` with ``pipe[:-1].transform(X)``).
Nothing here calls ``plt.show()`` or imports Keras, and this package is not
imported by ``import skae``::

    from skae.plotting import TrainingHistoryDisplay
"""

from skae.plotting._anomaly import AnomalyDisplay
from skae.plotting._feature_errors import FeatureErrorDisplay
from skae.plotting._history import TrainingHistoryDisplay
from skae.plotting._latent_space import LatentSpaceDisplay
from skae.plotting._manifold import LatentManifoldDisplay
from skae.plotting._pca_comparison import PCAComparisonDisplay
from skae.plotting._reconstruction import ReconstructionDisplay
from skae.plotting._samples import SampleGridDisplay

__all__ = [
    "AnomalyDisplay",
    "FeatureErrorDisplay",
    "LatentManifoldDisplay",
    "LatentSpaceDisplay",
    "PCAComparisonDisplay",
    "ReconstructionDisplay",
    "SampleGridDisplay",
    "TrainingHistoryDisplay",
]
