"""Signatures and docstrings agree, in the spirit of scikit-learn's
test_docstring_parameters.py: every parameter documented, in order, with the
default the signature gives it; shared defaults the same in every estimator."""

import ast
import inspect
import re

import pytest

import skae
from skae._params import AutoencoderParams

ESTIMATORS = [getattr(skae, name) for name in skae.__all__]
METHODS = [
    "fit",
    "transform",
    "inverse_transform",
    "predict",
    "score",
    "score_samples",
    "export_keras",
    "from_keras",
]
# "name : type", "a, b : type", or "**params" with no type.
ENTRY = re.compile(r"^(\*{0,2}\w+(?:, \*{0,2}\w+)*)(?: :(?: (.*))?)?$")


def documented(docstring, section="Parameters"):
    """``{name: type line}`` of a numpydoc section, in order."""
    lines = inspect.cleandoc(docstring).splitlines()
    try:
        start = lines.index(section) + 2
    except ValueError:
        return {}
    entries = {}
    for i, line in enumerate(lines[start:], start):
        if i + 1 < len(lines) and set(lines[i + 1]) == {"-"}:
            break  # the next section's header
        match = ENTRY.match(line)
        if match:
            for name in match.group(1).split(", "):
                entries[name.lstrip("*")] = match.group(2) or ""
    return entries


def signature(function):
    return {
        name: p
        for name, p in inspect.signature(function).parameters.items()
        if name not in ("self", "cls")
    }


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_every_parameter_is_documented_in_order_with_its_default(Estimator):
    params = signature(Estimator.__init__)
    docs = documented(Estimator.__doc__)
    assert list(docs) == list(params)
    for name, p in params.items():
        default = re.search(r"default=(.+)$", docs[name])
        assert default, f"{Estimator.__name__}: {name} documents no default"
        assert ast.literal_eval(default.group(1)) == p.default, name


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_shared_parameters_keep_the_shared_defaults(Estimator):
    shared = signature(AutoencoderParams.__init__)
    own = signature(Estimator.__init__)
    # The outlier detector sizes its code from the data, and is narrower; the
    # transformer and the denoiser pick their batch from the rows
    # (benchmarks/README.md, D16).
    own_default = {
        skae.AutoencoderOutlierDetector: {
            "encoding_dim": "auto",
            "hidden_layer_sizes": (64,),
        },
        skae.AutoencoderTransformer: {"batch_size": "auto"},
        skae.DenoisingAutoencoder: {"batch_size": "auto"},
    }
    for name, p in shared.items():
        expected = own_default.get(Estimator, {}).get(name, p.default)
        assert own[name].default == expected, name
        assert own[name].kind == p.kind, name
    assert set(Estimator._parameter_constraints) == set(own)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("method", METHODS)
def test_public_methods_document_their_parameters(Estimator, method):
    function = getattr(Estimator, method)
    params = signature(function)
    docs = documented(function.__doc__)
    assert list(docs) == list(params), f"{Estimator.__name__}.{method}"
    returns = documented(function.__doc__, "Returns")
    assert returns, f"{Estimator.__name__}.{method} documents no return value"


def test_the_parser_sees_a_missing_parameter():
    """The checks above can fail: a docstring that skips a parameter is caught."""

    def f(a, b=1):
        """Summary.

        Parameters
        ----------
        a : int
            First.

        Returns
        -------
        c : int
        """

    assert list(documented(f.__doc__)) == ["a"] != list(signature(f))
