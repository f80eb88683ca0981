"""Export in the data's units, loading, and ``.keras`` bytes for pickling."""

import os
import tempfile
from pathlib import Path

import keras
import numpy as np


def check_exportable_scaling(scale):
    """Keras's Normalization holds float32 variances and divides by at least
    ``keras.config.epsilon()``: feature scales outside that range would export
    models that disagree with the estimator (or fail to build)."""
    low, high = keras.config.epsilon(), np.sqrt(np.finfo(np.float32).max)
    if np.any(scale < low) or np.any(scale > high):
        raise ValueError(
            "export_keras folds the scaling into Keras Normalization layers, "
            f"which need feature scales in [{low:.0e}, {high:.1e}]; this "
            f"estimator's scale_ spans [{scale.min():.3g}, {scale.max():.3g}]. "
            "Refit on rescaled data (e.g. X * 1e6), or save with pickle."
        )


def with_scaling(encoder, decoder, offset, scale, output_scale):
    """Encoder and decoder that work in the data's units: the estimator's
    per-feature scaling is folded in as Normalization layers."""
    x = keras.Input(encoder.input_shape[1:], name="x")
    h = keras.layers.Normalization(
        mean=offset, variance=np.square(scale), name="scaling"
    )(x)
    raw_encoder = keras.Model(x, encoder(h), name="encoder")
    z = keras.Input(decoder.input_shape[1:], name="z")
    out = keras.layers.Normalization(
        mean=offset, variance=np.square(output_scale), invert=True, name="unscaling"
    )(decoder(z))
    return raw_encoder, keras.Model(z, out, name="decoder")


def save_all(models, paths):
    """Save each model to its path, so that a failure or a killed process
    leaves either all the old files or all the new ones, never a half-written
    one: every model is written whole under a temporary folder beside its path
    (on the same filesystem), and only then renamed over it (``os.replace`` is
    atomic). A killed process may leave that hidden ``.skae-export-*`` folder
    behind, not a broken model."""
    folder = Path(paths[0]).parent
    with tempfile.TemporaryDirectory(dir=folder, prefix=".skae-export-") as tmp:
        written = []
        for model, path in zip(models, paths, strict=True):
            temporary = os.path.join(tmp, Path(path).name)
            model.save(temporary)
            with open(temporary, "rb") as f:
                os.fsync(f.fileno())  # on disk before it takes the name
            written.append((temporary, path))
        for temporary, path in written:
            os.replace(temporary, path)


def load(model):
    """A Keras model, or one loaded from a ``.keras`` path."""
    if isinstance(model, keras.Model):
        return model
    return keras.saving.load_model(model)


def model_to_bytes(model):
    """Serialise ``model`` (architecture, weights, optimizer) as ``.keras`` bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as f:
            return f.read()


def model_from_bytes(data):
    """Inverse of :func:`model_to_bytes`."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as f:
            f.write(data)
        return keras.saving.load_model(path)
