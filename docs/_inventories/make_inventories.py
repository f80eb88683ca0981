"""Write the intersphinx inventories of docs/_inventories/, offline.

CI has no network but the package registries, so intersphinx cannot download
the projects' ``objects.inv`` at build time. These small inventories map the
names skae's documentation refers to (its docstrings, the scikit-learn
docstrings it inherits, the user guide) to their pages on the projects' own
sites; the links on the built site are the real ones. conf.py gives each file
to ``intersphinx_mapping`` as the local inventory of its base URL.

A name missing here is a nitpicky warning (a failed build under -W): add it to
the table with the page its project documents it on, then run, from the
repository root,

    python docs/_inventories/make_inventories.py

and commit the .inv files. The URIs follow each site's layout (scikit-learn:
``modules/generated/<name>.html``; NumPy: ``reference/generated/<name>.html``;
matplotlib: ``api/_as_gen/<name>.html``; Keras: keras.io's API pages, which
are not a Sphinx site, so that inventory is the only one of its kind).
"""

from pathlib import Path

import sphobjinv as soi

HERE = Path(__file__).resolve().parent


def _generated(prefix, names, role="py:class"):
    """``(name, role, uri)`` for names on autosummary pages ``prefix<name>.html``."""
    return [(name, role, f"{prefix}{name}.html#$") for name in names]


# (name, "domain:role", uri relative to the base URL in conf.py); "$" at the
# end of a URI stands for the name itself, as in Sphinx's own inventories.
INVENTORIES = {
    "python": (
        "Python",
        "3",
        [
            ("str", "py:class", "library/stdtypes.html#$"),
            ("int", "py:class", "library/functions.html#$"),
            ("float", "py:class", "library/functions.html#$"),
            ("bool", "py:class", "library/functions.html#$"),
            ("dict", "py:class", "library/stdtypes.html#$"),
            ("list", "py:class", "library/stdtypes.html#$"),
            ("tuple", "py:class", "library/stdtypes.html#$"),
            ("None", "py:data", "library/constants.html#$"),
            ("callable", "py:function", "library/functions.html#$"),
            ("pathlib.Path", "py:class", "library/pathlib.html#$"),
            ("pickle", "py:module", "library/pickle.html#module-$"),
            (
                "bltin-boolean-values",
                "std:label",
                "library/stdtypes.html#boolean-type-bool",
            ),
            ("sequence", "std:term", "glossary.html#term-sequence"),
        ],
    ),
    "numpy": (
        "NumPy",
        "2",
        [
            *_generated(
                "reference/generated/", ["numpy.ndarray", "numpy.dtype"], "py:class"
            ),
            *_generated(
                "reference/generated/",
                ["numpy.reshape", "numpy.asarray", "numpy.percentile"],
                "py:function",
            ),
            (
                "numpy.random.RandomState",
                "py:class",
                "reference/random/legacy.html#$",
            ),
            ("array_like", "std:term", "glossary.html#term-array_like"),
        ],
    ),
    "matplotlib": (
        "Matplotlib",
        "3",
        _generated(
            "api/_as_gen/",
            [
                "matplotlib.axes.Axes",
                "matplotlib.figure.Figure",
                "matplotlib.colors.Colormap",
                "matplotlib.lines.Line2D",
            ],
        ),
    ),
    "sklearn": (
        "scikit-learn",
        "1",
        [
            *_generated(
                "modules/generated/",
                [
                    "sklearn.base.BaseEstimator",
                    "sklearn.base.TransformerMixin",
                    "sklearn.decomposition.PCA",
                    "sklearn.decomposition.KernelPCA",
                    "sklearn.decomposition.IncrementalPCA",
                    "sklearn.exceptions.ConvergenceWarning",
                    "sklearn.exceptions.InconsistentVersionWarning",
                    "sklearn.model_selection.GridSearchCV",
                    "sklearn.neural_network.MLPRegressor",
                    "sklearn.ensemble.IsolationForest",
                    "sklearn.neighbors.LocalOutlierFactor",
                    "sklearn.svm.OneClassSVM",
                    "sklearn.mixture.GaussianMixture",
                    "sklearn.neighbors.KernelDensity",
                    "sklearn.neighbors.NearestNeighbors",
                    "sklearn.covariance.EmpiricalCovariance",
                    "sklearn.pipeline.Pipeline",
                    "sklearn.utils.metadata_routing.MetadataRequest",
                ],
            ),
            *_generated(
                "modules/generated/",
                ["sklearn.metrics.roc_auc_score", "sklearn.base.clone"],
                "py:function",
            ),
            (
                "sklearn.decomposition.PCA.score",
                "py:method",
                "modules/generated/sklearn.decomposition.PCA.html#$",
            ),
            (
                "sklearn.decomposition.PCA.score_samples",
                "py:method",
                "modules/generated/sklearn.decomposition.PCA.html#$",
            ),
            (
                "sklearn.mixture.GaussianMixture.sample",
                "py:method",
                "modules/generated/sklearn.mixture.GaussianMixture.html#$",
            ),
            ("metadata_routing", "std:label", "metadata_routing.html#metadata-routing"),
            (
                "df_output_transform",
                "std:label",
                "modules/df_output_transform.html#df-output-transform",
            ),
            (
                "sphx_glr_auto_examples_miscellaneous_plot_set_output.py",
                "std:label",
                "auto_examples/miscellaneous/plot_set_output.html"
                "#sphx-glr-auto-examples-miscellaneous-plot-set-output-py",
            ),
        ],
    ),
    "keras": (
        "Keras",
        "3",
        [
            ("keras.Model", "py:class", "api/models/model/"),
            ("keras.models.Model", "py:class", "api/models/model/"),
            ("keras.callbacks.Callback", "py:class", "api/callbacks/base_callback/"),
            (
                "keras.layers.Normalization",
                "py:class",
                "api/layers/preprocessing_layers/numerical/normalization/",
            ),
            (
                "keras.saving.load_model",
                "py:function",
                "api/models/model_saving_apis/model_saving_and_loading/"
                "#load_model-function",
            ),
        ],
    ),
}


def write(name, project, version, entries):
    inventory = soi.Inventory()
    inventory.project, inventory.version = project, version
    for obj_name, role, uri in entries:
        domain, role = role.split(":")
        inventory.objects.append(
            soi.DataObjStr(
                name=obj_name,
                domain=domain,
                role=role,
                priority="1",
                uri=uri,
                dispname="-",
            )
        )
    text = inventory.data_file(contract=True)
    soi.writebytes(HERE / f"{name}.inv", soi.compress(text))


if __name__ == "__main__":
    for name, (project, version, entries) in INVENTORIES.items():
        write(name, project, version, entries)
        print(f"{name}.inv: {len(entries)} names")
