"""The command line of each example under sphinx-gallery (see conf.py).

The scripts in examples/ parse ``--epochs N`` and ``--out DIR``. Under the
gallery their figures are saved in docs/_build/gallery-output (the gallery
shows them from matplotlib itself), and ``SKAE_DOCS_EPOCHS=N`` caps the
training epochs of every example, for a quick build; unset, each example
trains as its own defaults say, as the pictures on the site do.
"""

import os
from pathlib import Path

OUT = Path(__file__).resolve().parent / "_build" / "gallery-output"


def reset_argv(gallery_conf, script_vars):
    """``sys.argv[1:]`` for the example in ``script_vars["src_file"]``."""
    argv = ["--out", str(OUT)]
    if os.environ.get("SKAE_DOCS_EPOCHS"):
        argv += ["--epochs", os.environ["SKAE_DOCS_EPOCHS"]]
    return argv


class ExampleOrder:
    """Gallery order: the quickstart first, then as examples/README.md has it."""

    ORDER = [
        "quickstart.py",
        "grid_search.py",
        "denoising_images.py",
        "anomaly_scoring.py",
        "outlier_comparison.py",
        "latent_space.py",
        "vae.py",
        "conv_autoencoder.py",
        "partial_fit_chunks.py",
    ]

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        """Sort key: the position in ORDER, new scripts last by name."""
        name = Path(filename).name
        rank = self.ORDER.index(name) if name in self.ORDER else len(self.ORDER)
        return rank, name
