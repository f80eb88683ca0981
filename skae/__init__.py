"""skae: autoencoders as first-class scikit-learn estimators, on Keras 3.

``import skae`` does not import TensorFlow; Keras loads on the first ``fit``.
"""

from skae._denoising import DenoisingAutoencoder
from skae._outliers import AutoencoderOutlierDetector
from skae._transformer import AutoencoderTransformer
from skae._vae import VariationalAutoencoder
from skae._version import __version__ as __version__  # re-exported

__all__ = [
    "AutoencoderOutlierDetector",
    "AutoencoderTransformer",
    "DenoisingAutoencoder",
    "VariationalAutoencoder",
]
