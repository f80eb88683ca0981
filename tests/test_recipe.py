"""What batch_size="auto" resolves to, and the annealed rate."""

import keras
import numpy as np
import pytest
from sklearn.datasets import make_blobs

from skae import (
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    VariationalAutoencoder,
)
from skae._keras._callbacks import PlateauCosine
from skae._recipe import (
    auto_batch_size,
    auto_weight_decay,
    plateau_tol,
    resolve_batch,
)

# ------------------------------------------------------------ the batch rule


@pytest.mark.parametrize(
    "n_train, batch",
    [
        (1, 32),
        (100, 32),
        (1_400, 32),
        (1_500, 64),
        (2_700, 64),
        (4_000, 128),
        (7_200, 256),
        (10**7, 256),
    ],
)
def test_auto_batch_is_the_power_of_two_nearest_rows_over_32(n_train, batch):
    assert auto_batch_size(n_train) == batch


def test_auto_batch_grows_with_the_rows():
    batches = [auto_batch_size(n) for n in range(1, 20_000, 37)]
    assert batches == sorted(batches)
    assert set(batches) == {32, 64, 128, 256}


def test_an_auto_batch_above_32_scales_and_anneals_adams_rate():
    assert resolve_batch(
        "auto", "auto", 7_200, optimizer="adam", default_rate=1e-3
    ) == (256, 8e-3, True)
    # A given rate is annealed from, not scaled.
    assert resolve_batch("auto", 5e-4, 7_200, optimizer="adam", default_rate=1e-3) == (
        256,
        5e-4,
        True,
    )
    # Batches of 32, given batches and other optimizers: constant rate.
    assert resolve_batch("auto", "auto", 500, optimizer="adam", default_rate=1e-3) == (
        32,
        1e-3,
        False,
    )
    assert resolve_batch(256, "auto", 7_200, optimizer="adam", default_rate=1e-3) == (
        256,
        1e-3,
        False,
    )
    assert resolve_batch("auto", "auto", 7_200, optimizer="sgd", default_rate=1e-2) == (
        256,
        1e-2,
        False,
    )


def test_the_plateau_is_judged_per_32_row_step():
    assert plateau_tol(1e-4, 32) == 1e-4
    assert plateau_tol(1e-4, 256) == pytest.approx(1.25e-5)


@pytest.mark.parametrize(
    "n_features, n_train, weight_decay",
    [
        (784, 7_200, 784 / 7_200),  # the letters: 0.109
        (64, 1_455, 64 / 1_455),  # the digits, 90 % of them
        (10, 500, 0.02),  # 50 rows per feature: the last that decays
        (10, 501, None),
        (20, 18_000, None),  # a long table
        (784, 2_430, 0.2),  # at most 0.2
        (784, 1, 0.2),
    ],
)
def test_weight_decay_is_features_over_rows_below_50_rows_per_feature(
    n_features, n_train, weight_decay
):
    if weight_decay is None:
        assert auto_weight_decay(n_features, n_train) is None
    else:
        assert auto_weight_decay(n_features, n_train) == pytest.approx(weight_decay)


# -------------------------------------------------------------- the schedule


def _run(schedule, losses):
    """Drive ``schedule`` through epochs with the given monitored losses;
    return the rate of each epoch and the epoch after which it stopped."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1.0), loss="mse")
    schedule.set_model(model)
    schedule.on_train_begin()
    rates = []
    for epoch, loss in enumerate(losses):
        schedule.on_epoch_begin(epoch)
        rates.append(float(model.optimizer.learning_rate))
        schedule.on_epoch_end(epoch, {"val_loss": loss})
        if model.stop_training:
            return rates, epoch
    return rates, None


def test_schedule_warms_up_holds_until_a_plateau_then_decays_and_stops():
    schedule = PlateauCosine(0.01, monitor="val_loss", tol=1e-3, patience=4)
    # Improves up to epoch 20 (0.8), then flat: after 4 flat epochs (21-24)
    # the decay starts at epoch 25, lasts 12 epochs (half of 25) and ends
    # the fit.
    losses = [1.0 - 0.01 * e for e in range(20)] + [0.8] * 100
    rates, stopped = _run(schedule, losses)
    np.testing.assert_allclose(rates[:3], [0.01 / 3, 0.02 / 3, 0.01])
    np.testing.assert_allclose(rates[3:25], 0.01)
    decay = rates[25:]
    assert len(decay) == 12 and stopped == 36
    assert all(a > b for a, b in zip(decay, decay[1:], strict=False))
    np.testing.assert_allclose(decay[-1], 0.01 * 0.02)


def test_schedule_holds_the_rate_while_the_loss_improves():
    schedule = PlateauCosine(0.01, monitor="val_loss", tol=1e-3, patience=4)
    rates, stopped = _run(schedule, [1.0 - 0.002 * e for e in range(150)])
    assert stopped is None and rates[-1] == pytest.approx(0.01)


def test_a_short_plateau_still_decays_over_at_least_8_epochs():
    schedule = PlateauCosine(0.01, monitor="val_loss", tol=1e-3, patience=2)
    # Flat after epoch 1: the decay starts at epoch 4 and lasts 8 epochs.
    rates, stopped = _run(schedule, [1.0, 0.5, 0.5, 0.5] + [0.5] * 20)
    assert stopped == 4 + 8 - 1


# ------------------------------------------------------------ in the estimator


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(3_000, n_features=10, centers=5, random_state=0)
    return X


@pytest.fixture(scope="module")
def wide_blobs():
    """27 training rows per feature: an annealed fit decays its weights."""
    X, _ = make_blobs(3_000, n_features=100, centers=5, random_state=0)
    return X


def test_a_large_default_fit_anneals_its_rate(blobs):
    ae = AutoencoderTransformer(2, hidden_layer_sizes=(16,), random_state=0)
    ae.fit(blobs)
    assert ae._fit_batch_size == 64  # 2 700 training rows
    peak = 2e-3
    rate = float(ae.model_.optimizer.learning_rate)
    # The fit ended on the schedule's decay, near its floor of 2 %.
    assert rate < 0.1 * peak
    assert ae.n_iter_ < ae.epochs


def test_an_annealed_fit_decays_its_weights_where_rows_are_few_per_feature(
    wide_blobs,
):
    X = wide_blobs
    wide = AutoencoderTransformer(2, hidden_layer_sizes=(16,), random_state=0)
    wide.fit(X)
    # 2 700 training rows, 100 features: 27 rows per feature.
    assert wide.model_.optimizer.weight_decay == pytest.approx(100 / 2_700)
    # The same rows, cut to 10 features: 270 rows per feature, no decay.
    long = AutoencoderTransformer(2, hidden_layer_sizes=(16,), random_state=0)
    long.fit(X[:, :10])
    assert long.model_.optimizer.weight_decay is None
    # Fits at a constant rate never decay their weights.
    given = AutoencoderTransformer(
        2, hidden_layer_sizes=(16,), batch_size=64, epochs=2, random_state=0
    ).fit(X)
    assert given.model_.optimizer.weight_decay is None


def test_a_denoiser_trains_on_noise_instead_of_decaying_its_weights(wide_blobs):
    X = wide_blobs
    dae = DenoisingAutoencoder(
        2, hidden_layer_sizes=(16,), noise_factor=0.05, random_state=0
    ).fit(X)
    assert dae._fit_batch_size == 64
    assert dae.model_.optimizer.weight_decay is None
    # Without noise it is a plain autoencoder, and decays like one.
    plain = DenoisingAutoencoder(
        2, hidden_layer_sizes=(16,), noise_factor=0.0, random_state=0
    ).fit(X)
    assert plain.model_.optimizer.weight_decay == pytest.approx(100 / 2_700)
    detector = AutoencoderOutlierDetector(
        hidden_layer_sizes=(16,),
        batch_size="auto",
        noise="gaussian",
        epochs=3,
        random_state=0,
    ).fit(X)
    assert detector.model_.optimizer.weight_decay is None


def test_a_given_batch_trains_at_the_constant_rate(blobs):
    ae = AutoencoderTransformer(
        2, hidden_layer_sizes=(16,), batch_size=64, epochs=5, random_state=0
    ).fit(blobs)
    assert float(ae.model_.optimizer.learning_rate) == pytest.approx(1e-3)


def test_auto_batch_is_the_default_of_the_transformer_and_the_denoiser():
    assert AutoencoderTransformer().get_params()["batch_size"] == "auto"
    assert DenoisingAutoencoder().get_params()["batch_size"] == "auto"
    # Their quality claims were measured with batches of 32 (D16).
    assert AutoencoderOutlierDetector().get_params()["batch_size"] == 32
    assert VariationalAutoencoder().get_params()["batch_size"] == 32


def test_small_fits_are_unchanged_by_the_auto_batch(digits):
    X = digits[0]  # 400 rows: batches of 32 at a constant rate
    auto = AutoencoderTransformer(
        4, hidden_layer_sizes=(16,), epochs=3, random_state=0
    ).fit(X)
    given = AutoencoderTransformer(
        4, hidden_layer_sizes=(16,), epochs=3, batch_size=32, random_state=0
    ).fit(X)
    assert auto._fit_batch_size == 32
    np.testing.assert_array_equal(auto.transform(X), given.transform(X))


def test_a_large_denoising_fit_anneals_its_rate(blobs):
    dae = DenoisingAutoencoder(
        2, hidden_layer_sizes=(16,), noise_factor=0.05, random_state=0
    ).fit(blobs)
    assert dae._fit_batch_size == 64
    assert float(dae.model_.optimizer.learning_rate) < 0.1 * 2e-3
    assert dae.n_iter_ < dae.epochs


@pytest.mark.parametrize(
    "Estimator", [AutoencoderOutlierDetector, VariationalAutoencoder]
)
def test_other_estimators_accept_the_auto_batch(Estimator, blobs):
    est = Estimator(
        hidden_layer_sizes=(16,), batch_size="auto", epochs=3, random_state=0
    ).fit(blobs)
    assert est._fit_batch_size == 64


def test_partial_fit_with_auto_batch_trains_batches_of_32(blobs):
    ae = AutoencoderTransformer(2, hidden_layer_sizes=(16,), random_state=0)
    ae.partial_fit(blobs).partial_fit(blobs)
    assert ae._fit_batch_size == 32 and ae.n_iter_ == 2
    assert float(ae.model_.optimizer.learning_rate) == pytest.approx(1e-3)


def test_partial_fit_after_an_annealed_fit_trains_at_the_constant_rate(blobs):
    ae = AutoencoderTransformer(2, hidden_layer_sizes=(16,), random_state=0)
    ae.fit(blobs)
    assert float(ae.model_.optimizer.learning_rate) < 1e-4  # the decay's end
    ae.partial_fit(blobs[:500])
    assert float(ae.model_.optimizer.learning_rate) == pytest.approx(1e-3)


def test_partial_fit_after_a_weight_decayed_fit_trains_without_it(wide_blobs):
    X = wide_blobs
    ae = AutoencoderTransformer(2, hidden_layer_sizes=(16,), random_state=0)
    ae.fit(X)
    assert ae.model_.optimizer.weight_decay is not None
    before = ae.transform(X[:5])
    ae.partial_fit(X[:500])
    assert ae.model_.optimizer.weight_decay is None
    assert not np.allclose(ae.transform(X[:5]), before)  # the pass trained


def test_the_decay_starts_from_the_best_weights():
    schedule = PlateauCosine(0.01, monitor="val_loss", tol=1e-3, patience=2)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1.0), loss="mse")
    schedule.set_model(model)
    schedule.on_train_begin()
    for epoch, (loss, weight) in enumerate(
        [(1.0, 1.0), (0.5, 2.0), (0.6, 3.0), (0.7, 4.0)]
    ):
        model.layers[0].kernel.assign([[weight]])
        schedule.on_epoch_begin(epoch)
        schedule.on_epoch_end(epoch, {"val_loss": loss})
    assert schedule.decay_start == 4
    assert float(model.layers[0].kernel[0, 0]) == 2.0
