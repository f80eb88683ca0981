"""The only import gate for Keras and TensorFlow.

Importing any ``skae._keras`` module runs this first: it sets the environment
defaults, loads TensorFlow with its start-up chatter filtered, checks Keras's
backend and registers skae's Keras classes for loading. ``import skae`` never
imports this package (TensorFlow takes seconds to load); the first ``fit`` or
unpickle does.

The modules, one job each: ``_build`` (seeded layers, builders, assembly),
``_layers`` (the corruption layer and the autoencoder model), ``_optimizers``,
``_callbacks``, ``_train`` (the training loop), ``_predict`` (compiled
inference), ``_saving`` (export, load, bytes for pickling) and ``_vae`` (the
variational autoencoder's model, loss and log-likelihood).
"""

import contextlib
import os
import re
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# TensorFlow's C++ start-up chatter (CPU features, missing CUDA) is not the
# user's business; users who want it set the variable themselves.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# Lines TensorFlow's C++ core writes straight to file descriptor 2 while it loads,
# whatever TF_CPP_MIN_LOG_LEVEL says: absl's banner, oneDNN and CUDA probing.
# Anything else it writes is passed on.
_STARTUP_NOISE = re.compile(
    r"absl::InitializeLog|oneDNN custom operations|cuda drivers|cuInit|"
    r"Unable to register cu|TF-TRT|computation placer|rebuild TensorFlow|"
    r"cpu_feature_guard|^\s*$"
)


@contextlib.contextmanager
def _quiet_stderr_fd():
    """Capture fd 2 while TensorFlow loads; replay all but its start-up noise."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded interpreters)
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode(errors="replace").splitlines():
                if not _STARTUP_NOISE.search(line):
                    print(line, file=sys.stderr)


with _quiet_stderr_fd():
    import keras
    import tensorflow  # noqa: F401 - loaded here, under the filter

if keras.backend.backend() != "tensorflow":  # pragma: no cover - environment
    raise ImportError(
        "skae trains with the TensorFlow backend of Keras, but Keras was loaded "
        f"with the {keras.backend.backend()!r} backend; set KERAS_BACKEND=tensorflow "
        "before importing keras."
    )

# Registers skae's serialisable Keras classes, which loading a model needs.
from skae._keras import _layers, _optimizers, _vae  # noqa: E402, F401
