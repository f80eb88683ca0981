"""skae: autoencoders as first-class scikit-learn estimators, on Keras 3.

``import skae`` does not import TensorFlow; Keras loads on the first ``fit``.
"""

from skae._denoising import DenoisingAutoencoder
from skae._transformer import AutoencoderTransformer

__all__ = ["AutoencoderTransformer", "DenoisingAutoencoder"]
__version__ = "0.1.0"
