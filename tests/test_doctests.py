"""The Examples sections of skae's docstrings run as doctests.

Every module under skae/ whose source holds a ``>>>`` is searched, so a new module
is picked up without a change here. ``__main__`` is left out: importing it is
harmless, but it is a command, not an API, and has no examples.
"""

import doctest
import importlib
from pathlib import Path

import pytest

import skae

PACKAGE = Path(skae.__file__).parent


def _modules_with_examples():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__main__" or ">>>" not in path.read_text(encoding="utf-8"):
            continue
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _examples():
    finder = doctest.DocTestFinder(exclude_empty=True)
    for name in _modules_with_examples():
        module = importlib.import_module(name)
        for test in finder.find(module, name):
            if test.examples:
                yield pytest.param(test, id=test.name)


@pytest.fixture(autouse=True)
def _headless_and_tidy():
    """Draw on Agg and close what an example drew."""
    import matplotlib

    matplotlib.use("Agg")
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("test", list(_examples()))
def test_docstring_example(test):
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    output = []
    runner.run(test, out=output.append)
    assert runner.failures == 0, "".join(output)
