"""Shared fixtures. The `slow` marker is registered in pyproject.toml: the
README's `pytest -q` runs everything else, `pytest -m slow` the slow tier."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def digits_all():
    """All of load_digits as (X, y): 1 797 rows of 64 pixels in 0..16."""
    from sklearn.datasets import load_digits

    return load_digits(return_X_y=True)


@pytest.fixture(scope="session")
def digits(digits_all):
    """The first 400 rows of load_digits as (X, y), pixels in 0..16."""
    X, y = digits_all
    return X[:400], y[:400]


@pytest.fixture(scope="session")
def pixels(digits_all):
    """The first 500 digit images as rows of 64 pixels in [0, 1]."""
    return digits_all[0][:500] / 16.0
