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
