"""Checks that ``_parameter_constraints`` cannot express, and the fit seed."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state


def check_sizes(name, sizes, example, allow_empty=True):
    """Raise unless ``sizes`` is a sequence of positive integers."""
    if (
        np.ndim(sizes) != 1
        or (not allow_empty and len(sizes) == 0)
        or not all(
            isinstance(v, Integral) and not isinstance(v, bool) and v > 0 for v in sizes
        )
    ):
        raise ValueError(
            f"{name} must be a sequence of positive integers, e.g. {example}, "
            f"got {sizes!r}."
        )


def fill_minus_one(shape, n_features):
    """``shape`` with its one -1 (as in numpy.reshape) replaced by whatever
    rows of ``n_features`` leave; ``shape`` itself when it has no single -1
    beside positive integers, None when ``n_features`` is not a multiple of
    the rest."""
    known = [v for v in shape if v != -1]
    if len(known) != len(shape) - 1 or not all(
        isinstance(v, Integral) and v > 0 for v in known
    ):
        return shape
    rest, remainder = divmod(n_features, int(np.prod(known)))
    if remainder or not rest:
        return None
    return tuple(rest if v == -1 else v for v in shape)


def resolve_image_shape(image_shape, architecture, n_features):
    """``image_shape`` as (height, width, channels), checked against rows of
    ``n_features``; None for a dense model without one."""
    if image_shape is None:
        if architecture != "dense":
            raise ValueError(
                f"architecture={architecture!r} needs image_shape=(height, "
                "width) or (height, width, channels), got None."
            )
        return None
    given = tuple(image_shape)
    if len(given) not in (2, 3):
        raise ValueError(
            "image_shape must have 2 entries (height, width) or 3 (height, "
            f"width, channels), got {given}."
        )
    shape = fill_minus_one(given if len(given) == 3 else (*given, 1), n_features)
    if shape is None:
        known = int(np.prod([v for v in given if v != -1]))
        raise ValueError(
            f"image_shape={given} cannot reshape rows of {n_features} features: "
            f"{n_features} is not a multiple of {known}."
        )
    check_sizes("image_shape", shape, "(28, 28) or (64, 64, 3)", allow_empty=False)
    if int(np.prod(shape)) != n_features:
        raise ValueError(
            f"image_shape={given} holds {int(np.prod(shape))} values per image, "
            f"but X has {n_features} features per row."
        )
    return shape


def fit_seed(random_state):
    """One integer seed for a fit, drawn without touching global RNG state."""
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0] & 0x7FFFFFFF)
    return int(check_random_state(random_state).randint(0, 2**31 - 1))
