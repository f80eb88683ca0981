"""The API reference (docs/api.rst) lists every public class, and every public
class, method and parameter is documented: numpydoc's validation finds no
missing docstring or parameter (the checks docs/conf.py fails the build on)."""

import inspect
import re
from pathlib import Path

import pytest

import skae
import skae.exceptions
import skae.plotting

API = Path(__file__).resolve().parents[1] / "docs" / "api.rst"
MODULES = [skae, skae.plotting, skae.exceptions]
PUBLIC = [(module, name) for module in MODULES for name in module.__all__]
# docs/conf.py: numpydoc_validation_checks
CHECKS = {"GL08", "PR01", "PR02", "PR10", "RT01"}


def listed_in_api_reference():
    """``{module name: [names]}`` of the autosummary tables in docs/api.rst."""
    listed, module = {}, None
    for line in API.read_text().splitlines():
        directive = re.match(r"\.\. (?:currentmodule|module):: ([\w.]+)", line)
        if directive:
            module = directive.group(1)
        elif re.match(r"^   [A-Z]\w+$", line):  # an autosummary entry
            listed.setdefault(module, []).append(line.strip())
    return listed


@pytest.mark.parametrize(
    "module, name", PUBLIC, ids=[f"{m.__name__}.{n}" for m, n in PUBLIC]
)
def test_every_public_class_is_in_the_api_reference(module, name):
    assert name in listed_in_api_reference().get(module.__name__, []), (
        f"{module.__name__}.{name} is public but missing from docs/api.rst"
    )


def test_the_api_reference_lists_only_public_names():
    for module_name, names in listed_in_api_reference().items():
        module = {m.__name__: m for m in MODULES}[module_name]
        assert set(names) <= set(module.__all__), module_name


def public_members(cls):
    """The class and its public methods defined in skae (not inherited from
    scikit-learn or Python), as dotted names numpydoc can import."""
    names = [f"{cls.__module__}.{cls.__name__}"]
    for attr, value in inspect.getmembers(cls):
        if attr.startswith("_") or not callable(value):
            continue
        owner = next(k for k in cls.__mro__ if attr in vars(k))
        if owner.__module__.startswith("skae"):
            names.append(f"{cls.__module__}.{cls.__name__}.{attr}")
    return names


MEMBERS = [
    member
    for module, name in PUBLIC
    for member in public_members(getattr(module, name))
]


@pytest.mark.parametrize("member", MEMBERS)
def test_every_public_member_documents_its_parameters(member):
    validate = pytest.importorskip("numpydoc.validate").validate  # skae[docs]
    errors = [
        f"{code}: {message}"
        for code, message in validate(member)["errors"]
        if code in CHECKS
    ]
    assert not errors, f"{member}: {errors}"
