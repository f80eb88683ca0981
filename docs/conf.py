"""Sphinx configuration of skae's documentation site.

Build it with ``make -C docs html`` (or the command in docs/README.md); pages
land in docs/_build/html. The build needs no network: intersphinx reads the
inventories committed in docs/_inventories/ (see make_inventories.py there).
"""

import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # document the checkout's skae, even uninstalled

import skae  # noqa: E402

project = "skae"
author = "the skae developers"
copyright = "the skae developers"
release = skae.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "README.md"]

# Every cross-reference must resolve: a typo or a name missing from the
# inventories is a warning, and the build runs with -W.
nitpicky = True

# -- autodoc, autosummary and numpydoc ---------------------------------------

autosummary_generate = True
default_role = "literal"  # `n_features_in_` in a docstring is code, as in sklearn
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False  # the class template lists them
numpydoc_class_members_toctree = False
# Types link only the names aliased here (to the projects' own pages, through
# the committed inventories); every other word stays plain text.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
numpydoc_xref_aliases = {
    "Axes": "matplotlib.axes.Axes",
    "Figure": "matplotlib.figure.Figure",
    "ndarray": "numpy.ndarray",
    "RandomState": "numpy.random.RandomState",
    "keras.Model": "keras.models.Model",  # the same class, linked
    "Callback": "keras.callbacks.Callback",
    "Pipeline": "sklearn.pipeline.Pipeline",
}
# An undocumented public class, method or parameter fails the build (-W):
# GL08 no docstring, PR01 a parameter not documented, PR02 a documented one
# that does not exist, PR10 a missing space before a colon, RT01 no Returns.
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "PR10", "RT01"}
numpydoc_validation_exclude = {
    # a class's docstring documents its __init__ parameters (checked there)
    r"\.__init__$",
}

# -- intersphinx, offline ------------------------------------------------------

INVENTORIES = DOCS / "_inventories"
intersphinx_mapping = {
    name: (url, str(INVENTORIES / f"{name}.inv"))
    for name, url in {
        "python": "https://docs.python.org/3/",
        "sklearn": "https://scikit-learn.org/stable/",
        "numpy": "https://numpy.org/doc/stable/",
        "matplotlib": "https://matplotlib.org/stable/",
        "keras": "https://keras.io/",
    }.items()
}
# Each pair's second element is a committed file: nothing is downloaded.

# -- MyST (markdown pages) ---------------------------------------------------

myst_heading_anchors = 3  # GitHub's "#a-heading" links work on the site too
myst_enable_extensions = ["dollarmath"]

# -- sphinx-gallery ------------------------------------------------------------

# Each example runs with the command line _gallery.reset_argv gives it (its
# figures saved under _build/, fewer epochs where SKAE_DOCS_EPOCHS says so).
sys.path.insert(0, str(DOCS))
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/[^_][^/]*\.py$",  # every script but _common.py
    "ignore_pattern": r"(__init__|_common)\.py$",
    "reset_argv": "_gallery.reset_argv",
    # "Examples using X" on each API page, and names in the examples' code
    # linked to their API pages
    "doc_module": ("skae",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skae": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "within_subsection_order": "_gallery.ExampleOrder",
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "plot_gallery": "True",
}

# -- HTML ---------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skae {release}"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_show_sourcelink = False

# -- Markdown written for GitHub, read by MyST --------------------------------


def github_anchors_as_targets(app, relative_path, parent_docname, content):
    """benchmarks/README.md marks its D1..D13 sections with ``<a id="d1"></a>``
    for GitHub; MyST needs a target ``(d1)=`` to resolve ``[D1](#d1)``."""
    content[0] = re.sub(r'^<a id="([\w-]+)"></a>$', r"(\1)=", content[0], flags=re.M)


def setup(app):
    app.connect("include-read", github_anchors_as_targets)
