"""``loss="auto"`` and ``batch_size="auto"``: what a fit resolves them to."""

import warnings

import keras
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skae import AutoencoderTransformer
from skae._keras._optimizers import batch_and_rate, make_optimizer
from tests._params import SHORT


@pytest.mark.parametrize(
    "n_train, batch", [(10, 32), (1_000, 32), (1_500, 64), (7_200, 256), (10**6, 256)]
)
def test_auto_batch_is_the_power_of_two_nearest_a_32nd_of_the_rows(n_train, batch):
    assert batch_and_rate("auto", "auto", "adam", n_train, full_fit=True)[0] == batch


def test_auto_batch_above_32_trains_adam_on_a_warmed_up_cosine_schedule():
    batch, rate = batch_and_rate("auto", "auto", "adam", 7_200, full_fit=True)
    assert isinstance(rate, keras.optimizers.schedules.CosineDecay)
    steps = int(np.ceil(7_200 / batch))  # 29 steps an epoch
    peak = 1e-3 * batch / 32
    assert float(rate(0)) == pytest.approx(peak / 10)
    assert float(rate(3 * steps)) == pytest.approx(peak)  # warmed up
    assert float(rate(10**6)) == pytest.approx(0.02 * peak)  # decayed
    # The optimizer takes the schedule as it is.
    assert float(make_optimizer("adam", rate).learning_rate) == pytest.approx(peak / 10)


@pytest.mark.parametrize(
    "batch_size, learning_rate, optimizer, full_fit, expected",
    [
        (32, "auto", "adam", True, (32, "auto")),  # the user's batch: no schedule
        (128, 3e-3, "adam", True, (128, 3e-3)),
        ("auto", 3e-3, "adam", True, (256, 3e-3)),  # the user's rate is kept
        ("auto", "auto", "sgd", True, (256, "auto")),
        ("auto", "auto", "adam", False, (32, "auto")),  # a partial_fit pass
    ],
)
def test_the_schedule_only_with_both_autos_adam_and_a_full_fit(
    batch_size, learning_rate, optimizer, full_fit, expected
):
    got = batch_and_rate(batch_size, learning_rate, optimizer, 7_200, full_fit=full_fit)
    assert got == expected


@pytest.mark.parametrize(
    "params, loss",
    [
        ({}, "binary_crossentropy"),  # scaled into [0, 1], sigmoid output
        ({"scaling": "standard"}, "mse"),
        ({"output_activation": "linear"}, "mse"),
        ({"loss": "mae"}, "mae"),
    ],
)
def test_auto_loss_is_cross_entropy_only_for_a_sigmoid_on_unit_range(
    digits, params, loss
):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ae = AutoencoderTransformer(**{**SHORT, **params}).fit(digits[0])
    assert ae.model_.loss == loss


def test_auto_loss_is_squared_error_for_a_model_begun_by_partial_fit(digits):
    """Later calls may bring rows outside the first call's range."""
    ae = AutoencoderTransformer(**SHORT).partial_fit(digits[0][:100])
    ae.partial_fit(digits[0][100:200] * 2)
    assert ae.model_.loss == "mse"
