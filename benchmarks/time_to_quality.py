"""Time to quality on 784-pixel images: candidate defaults against 0.1.0's.

Issue 12's last target: with its defaults, ``AutoencoderTransformer(16,
random_state=0)`` fitted on 8 000 rows of 784 pixels (the notMNIST letters of
tests/data/notmnist, first 8 000 rows; test on the last 2 000) should reach
at most 0.45x PCA(16)'s test MSE in no more time than skae 0.1.0's defaults
(``hidden_layer_sizes=(128,)``, ``scaling="minmax"``, batch 32, learning rate
1e-3) take. The machine is shared, so every candidate is timed alternately with
0.1.0's defaults in the same process, and the table gives medians over
``--repeats`` rounds: fit time, its ratio to 0.1.0's in the same round, epochs
to early stop, seconds per epoch, and test MSE / PCA's.

``--elsewhere`` also fits the candidates that change the training schedule (or
those it names) on the tables of ``scaling.py`` (codes 2, 4, 8; test MSE in
standardised units) and on the digits, dark-border digits and patches of
``denoising.py`` (code 16, test MSE in the data's units). ``--only`` times only
the candidates it names (and 0.1.0's defaults); ``--repeats 0`` skips the
letters.

Candidates that skae's parameters cannot express (Adam's ``epsilon`` and
``weight_decay``, an optimizer's weight average) set them through an ``"adam"``
entry of their keywords, which :func:`fitted` hands to the optimizer by wrapping
``skae._keras._train.make_optimizer`` for the length of the fit (no change to
skae).

Every candidate but ``"defaults"`` (today's, with ``batch_size="auto"``:
D16) adds its keywords to the defaults before session 17, batches of 32 at a
constant rate; ``"session 16 defaults"`` is that base alone, and the
``"defaults, ..."`` labels are its variants.

``--larger`` fits the candidates it names on larger sets, with each of
``--seeds``: the digits with a 90/10 split (codes 8, 16), a 20 000-row
synthetic table (codes 4, 8), 20 000 patches (16) and the letters (2, 32);
see :func:`larger_table`.

    python benchmarks/time_to_quality.py [--letters DIR] [--repeats 3]
        [--only LABEL ...] [--elsewhere [LABEL ...]]
        [--larger LABEL ... [--seeds 0 1]]
"""

import argparse
import contextlib
import math
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import denoising  # noqa: E402
import scaling  # noqa: E402

import skae  # noqa: E402
from skae._scaling import resolve_scaling  # noqa: E402


def plateau():
    """A fresh ReduceLROnPlateau for each fit: halve the rate after 3 epochs
    without an improvement of ``tol`` (skae's default) of the validation loss."""
    import keras

    return [
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.5, patience=3, min_delta=1e-4
        )
    ]


def plateau_fast():
    """ReduceLROnPlateau cutting sooner and harder: the rate times 0.3 after 2
    epochs without an improvement of ``tol``."""
    import keras

    return [
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.3, patience=2, min_delta=1e-4
        )
    ]


def warmup_cosine(peak, warmup=3, horizon=40, floor=0.02):
    """A rate by epoch: linear warm-up to ``peak`` over ``warmup`` epochs, then
    cosine decay to ``floor * peak`` at epoch ``horizon``, flat after."""
    import keras

    def rate(epoch, _):
        if epoch < warmup:
            return peak * (epoch + 1) / warmup
        done = min(1.0, (epoch - warmup) / max(1, horizon - warmup))
        return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * done)))

    return [keras.callbacks.LearningRateScheduler(rate)]


def warmup_exponential(peak, warmup=3, decay=0.9):
    """A rate by epoch: linear warm-up to ``peak``, then times ``decay`` an epoch."""
    import keras

    def rate(epoch, _):
        if epoch < warmup:
            return peak * (epoch + 1) / warmup
        return peak * decay ** (epoch - warmup + 1)

    return [keras.callbacks.LearningRateScheduler(rate)]


def auto_batch(n_rows, base=32, cap=256):
    """Issue 12's "auto" batch: max(32, n // 64) capped at 256, and Adam's rate
    1e-3 scaled by sqrt(batch / 32)."""
    batch = min(cap, max(base, n_rows // 64))
    return {"batch_size": batch, "learning_rate": 1e-3 * math.sqrt(batch / base)}


def power_of_two_batch(n_rows):
    """The power of two nearest ``n_rows`` / 32, within 32 to 256 (256 for the
    7 200 training letters, 32 up to about 1 450 rows)."""
    return int(np.clip(2 ** round(math.log2(max(1, n_rows) / 32)), 32, 256))


def auto_cosine(
    n_rows, warmup_epochs=3, decay_steps=1200, floor=0.02, power_of_two=False
):
    """A candidate "auto" schedule that depends on the rows: batch
    clip(n // 32, 32, 256) (about 32 steps an epoch once n > 1 024), Adam's
    rate 1e-3 scaled with it linearly (1e-3 at 32, 8e-3 at 256), reached by a
    linear warm-up over ``warmup_epochs`` epochs' steps from a tenth of it, then
    cosine decay by optimizer step to ``floor`` times it after ``decay_steps``
    steps, flat after. Small tables keep batch 32 and 1e-3, decaying slowly.
    With ``power_of_two``, the batch is the power of two nearest n / 32."""
    import keras

    batch = int(np.clip(n_rows // 32, 32, 256))
    if power_of_two:  # 7 200 rows: 256 rather than 225
        batch = power_of_two_batch(n_rows)
    peak = 1e-3 * batch / 32
    schedule = keras.optimizers.schedules.CosineDecay(
        peak / 10,
        decay_steps,
        alpha=floor,
        warmup_target=peak,
        warmup_steps=warmup_epochs * math.ceil(n_rows / batch),
    )
    return {"batch_size": batch, "adam": {"learning_rate": schedule}}


def auto_large(n_rows, decay_epochs=32, floor=0.02, decay_rows=0):
    """:func:`auto_cosine` for large fits only: the batch is the power of two
    nearest n / 32 (32 to 256); at 32 (up to about 1 450 rows) the defaults
    stay as they are, above it Adam's rate is 1e-3 scaled linearly with the
    batch, reached by a 3 epochs' warm-up from a tenth of it, then decays by
    cosine to ``floor`` times it over ``decay_epochs`` epochs' steps, or over
    ``decay_rows`` rows presented if that is longer (fewer rows, more epochs)."""
    import keras

    batch = power_of_two_batch(n_rows)
    if batch == 32:
        return {}
    steps = math.ceil(n_rows / batch)
    decay_epochs = max(decay_epochs, decay_rows / n_rows)
    peak = 1e-3 * batch / 32
    schedule = keras.optimizers.schedules.CosineDecay(
        peak / 10,
        round(decay_epochs * steps),
        alpha=floor,
        warmup_target=peak,
        warmup_steps=3 * steps,
    )
    return {"batch_size": batch, "adam": {"learning_rate": schedule}}


def warmup_stable_decay(peak, *, patience, tol=1e-4, restore=False):
    """Session 16's schedule (D15), as a fresh Keras callback for each fit.

    A linear warm-up to ``peak`` over 3 epochs, the peak until the validation
    loss has not improved by ``tol`` for ``patience`` epochs, then a cosine
    decay to 2 % of the peak over half the epochs so far (at least 8), which
    ends the fit; with ``restore``, the decay starts from the best weights
    seen rather than the last.
    """
    import keras

    class Schedule(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best = self.lowest = np.inf
            self.wait, self.weights = 0, None
            self.start = self.length = None

        def on_epoch_begin(self, epoch, logs=None):
            if epoch < 3:
                rate = peak * (epoch + 1) / 3
            elif self.start is None:
                rate = peak
            else:
                done = min(1.0, (epoch - self.start + 1) / self.length)
                rate = peak * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * done)))
            self.model.optimizer.learning_rate = rate

        def on_epoch_end(self, epoch, logs=None):
            if self.start is not None:
                if epoch + 1 >= self.start + self.length:
                    self.model.stop_training = True
                return
            loss = logs["val_loss"]
            if restore and loss < self.lowest:
                self.lowest, self.weights = loss, self.model.get_weights()
            if loss < self.best - tol:
                self.best, self.wait = loss, 0
                return
            self.wait += 1
            if self.wait >= patience and epoch >= 2:
                self.start = epoch + 1
                self.length = max(8, round((epoch + 1) / 2))
                if restore:
                    self.model.set_weights(self.weights)

    return Schedule()


def auto_wsd(n_rows, *, patience=4, per_step_tol=False, restore=False):
    """The "auto" batch of the session 13 probes (:func:`power_of_two_batch`;
    Adam's rate 1e-3 times batch / 32) with :func:`warmup_stable_decay`
    above 32 rows; at 32 the defaults as they are. ``per_step_tol`` judges the
    plateau by ``tol`` times 32 / batch (an epoch of larger batches makes
    fewer steps); early stopping then waits 25 epochs, so that the schedule
    ends the fit."""
    batch = power_of_two_batch(n_rows)
    if batch == 32:
        return {}
    tol = 1e-4 * 32 / batch if per_step_tol else 1e-4
    schedule = warmup_stable_decay(
        1e-3 * batch / 32, patience=patience, tol=tol, restore=restore
    )
    keywords = {"batch_size": batch, "callbacks": [schedule]}
    if per_step_tol:
        keywords["n_iter_no_change"] = 25
    return keywords


@contextlib.contextmanager
def adam_options(options):
    """While fitting, skae's Adam takes ``options`` (Keras optimizer keywords)."""
    from skae._keras import _optimizers, _train

    if not options:
        yield
        return
    original = _train.make_optimizer

    def make(name, learning_rate, weight_decay=None):
        rate = _optimizers.DEFAULT_LEARNING_RATES[name]
        rate = rate if learning_rate == "auto" else float(learning_rate)
        keywords = {"learning_rate": rate, "weight_decay": weight_decay}
        return _optimizers.FusedAdam(**{**keywords, **options})

    _train.make_optimizer = make
    try:
        yield
    finally:
        _train.make_optimizer = original


def fitted(k, X, label, seed=0):
    """``AutoencoderTransformer(k, random_state=seed, **candidate)`` fitted on
    X (a candidate may set another ``random_state``);
    a candidate of ``BY_ROWS`` takes the number of training rows."""
    if label in BY_ROWS:
        keywords = BY_ROWS[label](len(X) - max(1, round(0.1 * len(X))))
    else:
        keywords = {**CANDIDATES, **ELSEWHERE_EXTRA}[label]()
    # Binary cross-entropy where scaling="auto" picks one range (images), at
    # every size (a "loss='auto'"; D15, session 16).
    if keywords.pop("bce_on_images", False) and resolve_scaling(X, "auto") == "global":
        keywords["loss"] = "binary_crossentropy"
    # Every candidate but today's defaults starts from the defaults it was
    # measured against: batches of 32 at a constant rate (D16).
    before = {} if label == "defaults" else {"batch_size": 32}
    with adam_options(keywords.pop("adam", None)):
        # Another random_state in a candidate: the noise.
        keywords = {"random_state": seed, **before, **keywords}
        return skae.AutoencoderTransformer(k, **keywords).fit(X)


OLD = "0.1.0 defaults"
N_LETTERS = 8000 - 800  # training rows of the letters' fits (10 % validate)
CANDIDATES = {  # label: keywords of a fresh fit (callbacks are stateful)
    OLD: lambda: {"scaling": "minmax", "hidden_layer_sizes": (128,)},
    "defaults": lambda: {},  # today's: batch_size="auto" (D16)
    "session 16 defaults": lambda: {},  # batch 32, as every other candidate
    "defaults, jit_compile=True": lambda: {"jit_compile": True},
    "batch 128, lr 3e-3": lambda: {"batch_size": 128, "learning_rate": 3e-3},
    "batch 256, lr 4e-3": lambda: {"batch_size": 256, "learning_rate": 4e-3},
    "batch 128, lr 3e-3, plateau": lambda: {
        "batch_size": 128,
        "learning_rate": 3e-3,
        "callbacks": plateau(),
    },
    "batch 128, lr 3e-3, plateau, BCE": lambda: {
        "batch_size": 128,
        "learning_rate": 3e-3,
        "callbacks": plateau(),
        "loss": "binary_crossentropy",
    },
    "(768,), batch 256, lr 4e-3, plateau": lambda: {
        "hidden_layer_sizes": (768,),
        "batch_size": 256,
        "learning_rate": 4e-3,
        "callbacks": plateau(),
    },
    "(1024,), batch 256, lr 4e-3, plateau": lambda: {
        "hidden_layer_sizes": (1024,),
        "batch_size": 256,
        "learning_rate": 4e-3,
        "callbacks": plateau(),
    },
    # Session 13 probes.
    **{
        f"defaults, activation={name}": (lambda name=name: {"activation": name})
        for name in ("elu", "gelu", "selu", "tanh")
    },
    "defaults, BCE": lambda: {"loss": "binary_crossentropy"},
    "defaults, random_state=1": lambda: {"random_state": 1},
    "defaults, random_state=2": lambda: {"random_state": 2},
    "defaults, BCE, random_state=1": lambda: {
        "loss": "binary_crossentropy",
        "random_state": 1,
    },
    "batch 128, lr 3e-3, plateau 2 x0.3": lambda: {
        "batch_size": 128,
        "learning_rate": 3e-3,
        "callbacks": plateau_fast(),
    },
    "batch 128, warm-up 3 to 3e-3, cosine 40": lambda: {
        "batch_size": 128,
        "callbacks": warmup_cosine(3e-3),
    },
    "batch 128, warm-up 3 to 5e-3, x0.9 / epoch": lambda: {
        "batch_size": 128,
        "callbacks": warmup_exponential(5e-3),
    },
    "batch 256, warm-up 3 to 6e-3, cosine 40": lambda: {
        "batch_size": 256,
        "callbacks": warmup_cosine(6e-3),
    },
    "batch 256, warm-up 3 to 1e-2, cosine 40": lambda: {
        "batch_size": 256,
        "callbacks": warmup_cosine(1e-2),
    },
    "auto batch (112), lr 1.87e-3": lambda: auto_batch(N_LETTERS),
    "auto batch (112), lr 1.87e-3, plateau 2 x0.3": lambda: {
        **auto_batch(N_LETTERS),
        "callbacks": plateau_fast(),
    },
    "batch 128, lr 3e-3, plateau, Adam epsilon 1e-4": lambda: {
        "batch_size": 128,
        "learning_rate": 3e-3,
        "callbacks": plateau(),
        "adam": {"epsilon": 1e-4},
    },
    "batch 128, lr 3e-3, plateau, AdamW decay 0.01": lambda: {
        "batch_size": 128,
        "learning_rate": 3e-3,
        "callbacks": plateau(),
        "adam": {"weight_decay": 0.01},
    },
    **{
        f"batch 256, warm-up 3 to 1e-2, cosine 40{suffix}": (
            lambda extra=extra: {
                "batch_size": 256,
                "callbacks": warmup_cosine(1e-2),
                **extra,
            }
        )
        for suffix, extra in {
            ", AdamW decay 0.01": {"adam": {"weight_decay": 0.01}},
            ", AdamW decay 0.05": {"adam": {"weight_decay": 0.05}},
            ", elu": {"activation": "elu"},
            ", gelu": {"activation": "gelu"},
            ", BCE": {"loss": "binary_crossentropy"},
            ", (768,)": {"hidden_layer_sizes": (768,)},
            ", (1024,)": {"hidden_layer_sizes": (1024,)},
        }.items()
    },
    "batch 256, warm-up 3 to 1e-2, cosine 30": lambda: {
        "batch_size": 256,
        "callbacks": warmup_cosine(1e-2, horizon=30),
    },
    "batch 512, warm-up 3 to 1.4e-2, cosine 40": lambda: {
        "batch_size": 512,
        "callbacks": warmup_cosine(1.4e-2),
    },
    **{
        f"batch {batch}, warm-up 3 to {peak:g}, cosine {horizon}, elu{suffix}": (
            lambda batch=batch, peak=peak, horizon=horizon, extra=extra: {
                "batch_size": batch,
                "activation": "elu",
                "callbacks": warmup_cosine(peak, horizon=horizon),
                **extra,
            }
        )
        for batch, peak, horizon, suffix, extra in [
            (256, 1e-2, 40, ", AdamW decay 0.01", {"adam": {"weight_decay": 0.01}}),
            (256, 1e-2, 40, ", BCE", {"loss": "binary_crossentropy"}),
            (256, 1.5e-2, 40, "", {}),
            (256, 7e-3, 40, "", {}),
            (256, 1e-2, 30, "", {}),
            (128, 5e-3, 40, "", {}),
            (256, 1e-2, 40, ", (640,)", {"hidden_layer_sizes": (640,)}),
        ]
    },
    "batch 256, warm-up 3 to 1e-2, cosine 40, gelu, BCE": lambda: {
        "batch_size": 256,
        "activation": "gelu",
        "callbacks": warmup_cosine(1e-2),
        "loss": "binary_crossentropy",
    },
}
BY_ROWS = {  # label: keywords of a fresh fit on n training rows
    "auto cosine": auto_cosine,
    "auto cosine, elu": lambda n: {**auto_cosine(n), "activation": "elu"},
    "auto cosine 1800 steps, elu": lambda n: {
        **auto_cosine(n, decay_steps=1800),
        "activation": "elu",
    },
    "auto cosine, elu, AdamW decay 0.01": lambda n: (
        lambda keywords: {
            **keywords,
            "activation": "elu",
            "adam": {**keywords["adam"], "weight_decay": 0.01},
        }
    )(auto_cosine(n)),
    "auto cosine, BCE": lambda n: {
        **auto_cosine(n),
        "loss": "binary_crossentropy",
    },
    "auto cosine, elu, BCE": lambda n: {
        **auto_cosine(n),
        "activation": "elu",
        "loss": "binary_crossentropy",
    },
    "auto cosine 900 steps, elu, BCE": lambda n: {
        **auto_cosine(n, decay_steps=900),
        "activation": "elu",
        "loss": "binary_crossentropy",
    },
    "auto (power of 2) cosine 900 steps, elu, BCE": lambda n: {
        **auto_cosine(n, decay_steps=900, power_of_two=True),
        "activation": "elu",
        "loss": "binary_crossentropy",
    },
    "auto (power of 2) cosine 900 steps, elu": lambda n: {
        **auto_cosine(n, decay_steps=900, power_of_two=True),
        "activation": "elu",
    },
    "auto (power of 2) cosine 900 steps, BCE": lambda n: {
        **auto_cosine(n, decay_steps=900, power_of_two=True),
        "loss": "binary_crossentropy",
    },
    "auto, large fits only": auto_large,
    "auto, large fits only, BCE": lambda n: {
        **auto_large(n),
        "loss": "binary_crossentropy",
    },
    "auto, large fits only, cosine over 230 000 rows, BCE": lambda n: {
        **auto_large(n, decay_rows=230_000),
        "loss": "binary_crossentropy",
    },
    "auto, large fits only, cosine over 230 000 rows, BCE, random_state=1": (
        lambda n: {
            **auto_large(n, decay_rows=230_000),
            "loss": "binary_crossentropy",
            "random_state": 1,
        }
    ),
    "auto, large fits only, cosine over 230 000 rows": lambda n: auto_large(
        n, decay_rows=230_000
    ),
    "auto, large fits only, elu, BCE": lambda n: {
        **auto_large(n),
        "activation": "elu",
        "loss": "binary_crossentropy",
    },
}
BY_ROWS.update(
    {  # Session 16 (D15): the "auto" batch with a warmup-stable-decay schedule.
        "auto, WSD": auto_wsd,
        "auto, WSD, BCE": lambda n: {**auto_wsd(n), "bce_on_images": True},
        "auto, WSD patience 10, per-step tol, restore": lambda n: auto_wsd(
            n, patience=10, per_step_tol=True, restore=True
        ),
        "auto, WSD patience 10, per-step tol, restore, BCE": lambda n: {
            **auto_wsd(n, patience=10, per_step_tol=True, restore=True),
            "bce_on_images": True,
        },
    }
)
CANDIDATES.update(dict.fromkeys(BY_ROWS))  # listed; fitted() calls BY_ROWS
ELSEWHERE = (  # the schedules, with and without the wider layer
    "defaults",
    "batch 128, lr 3e-3, plateau",
    "(1024,), batch 256, lr 4e-3, plateau",
)
ELSEWHERE_EXTRA = {"defaults + plateau only": lambda: {"callbacks": plateau()}}


def row(values):
    return "| " + " | ".join(values) + " |"


def letters_table(directory, repeats, only=None):
    X_train, X_test, _, _ = denoising.letters(directory, n_train=8000)
    pca = PCA(16, random_state=0).fit(X_train)
    pca_mse = np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)
    labels = list(dict.fromkeys([OLD, *only])) if only else list(CANDIDATES)
    runs = {label: [] for label in labels}
    for round_ in range(repeats):
        for label in labels:
            start = time.perf_counter()
            est = fitted(16, X_train, label)
            seconds = time.perf_counter() - start
            ratio = np.mean((est.predict(X_test) - X_test) ** 2) / pca_mse
            runs[label].append((seconds, est.n_iter_, ratio))
            print(
                f"  round {round_}, {label}: {seconds:.1f} s, {est.n_iter_} epochs, "
                f"{ratio:.4f} x PCA",
                file=sys.stderr,
                flush=True,
            )
    print(f"\n## Letters, 8000 / 2000 rows of 784, code 16 (PCA {pca_mse:.5f})\n")
    print(
        row(
            ["candidate", "fit (s)", f"fit / {OLD}", "epochs", "s / epoch", "MSE / PCA"]
        )
    )
    print("|:---|---:|---:|---:|---:|---:|")
    for label, results in runs.items():
        seconds = [s for s, _, _ in results]
        relative = [s / old for s, (old, _, _) in zip(seconds, runs[OLD], strict=True)]
        epochs = statistics.median(n for _, n, _ in results)
        per_epoch = statistics.median(s / n for s, n, _ in results)
        ratio = statistics.median(r for _, _, r in results)
        print(
            row(
                [
                    label,
                    f"{statistics.median(seconds):.1f}",
                    f"{statistics.median(relative):.2f}",
                    f"{epochs:g}",
                    f"{per_epoch:.3f}",
                    f"{ratio:.3f}",
                ]
            ),
            flush=True,
        )


def elsewhere_table(labels=None):
    labels = labels or [*ELSEWHERE, *ELSEWHERE_EXTRA]
    print("\n## Tables (standardised units) and images (data's units): test MSE\n")
    print(row(["data, code", "PCA", *labels]))
    print("|:---|" + "---:|" * (len(labels) + 1))
    cases = []
    for name, load in scaling.TABLES.items():
        X_train, X_test = train_test_split(load().data, test_size=0.25, random_state=0)
        cases += [(f"{name}, {k}", k, X_train, X_test, True) for k in (2, 4, 8)]
    for name, load in {
        "digits": denoising.digits,
        "digits, dark border": denoising.digits_dark_border,
        "patches": denoising.patches,
    }.items():
        X_train, X_test, _, _ = load()
        cases.append((f"{name}, 16", 16, X_train, X_test, False))
    for name, k, X_train, X_test, standardised in cases:
        std = X_train.std(axis=0) if standardised else 1.0
        pca = PCA(k, random_state=0).fit(X_train / std)
        Y = pca.inverse_transform(pca.transform(X_test / std)) * std
        errors = [np.mean(((Y - X_test) / std) ** 2)]
        for label in labels:
            Y = fitted(k, X_train, label).predict(X_test)
            errors.append(np.mean(((Y - X_test) / std) ** 2))
        print(row([name, *(f"{e:.4g}" for e in errors)]), flush=True)


def synthetic_table(n=25_000, seed=0):
    """A 20 000 / 5 000-row table: 5-d normal codes through a random 64-unit
    tanh layer to 20 features, noise 0.05, columns scaled by U(0.1, 100)."""
    rng = np.random.default_rng(seed)
    hidden = np.tanh(rng.normal(size=(n, 5)) @ (rng.normal(size=(5, 64)) / 5**0.5))
    X = hidden @ (rng.normal(size=(64, 20)) / 8) + 0.05 * rng.normal(size=(n, 20))
    X *= rng.uniform(0.1, 100, 20)
    return X[:20_000], X[20_000:]


def larger_table(labels, seeds, directory):
    """Test MSE / PCA's for each seed (fit seconds, epochs) on larger sets
    than --elsewhere's: the digits with a 90/10 split, the synthetic table
    (standardised units), 20 000 patches and the letters."""
    from sklearn.datasets import load_digits

    cases = []
    X_train, X_test = train_test_split(
        load_digits().data, test_size=0.1, random_state=0
    )
    cases += [(f"digits 90/10, {k}", k, X_train, X_test, False) for k in (8, 16)]
    X_train, X_test = synthetic_table()
    cases += [(f"synthetic table, {k}", k, X_train, X_test, True) for k in (4, 8)]
    X_train, X_test, _, _ = denoising.patches(20_000, 5_000)
    cases.append(("20 000 patches, 16", 16, X_train, X_test, False))
    X_train, X_test, _, _ = denoising.letters(directory, n_train=8000)
    cases += [(f"letters, {k}", k, X_train, X_test, False) for k in (2, 32)]
    seeds_label = " / ".join(map(str, seeds))
    print(f"\n## Larger sets: test MSE / PCA's, seeds {seeds_label} (s, epochs)\n")
    print(row(["data, code", *labels]))
    print("|:---|" + "---:|" * len(labels))
    for name, k, X_train, X_test, standardised in cases:
        std = X_train.std(axis=0) if standardised else 1.0
        pca = PCA(k, random_state=0).fit(X_train / std)
        Y = pca.inverse_transform(pca.transform(X_test / std)) * std
        pca_mse = np.mean(((Y - X_test) / std) ** 2)
        cells = []
        for label in labels:
            runs = []
            for seed in seeds:
                start = time.perf_counter()
                est = fitted(k, X_train, label, seed)
                seconds = time.perf_counter() - start
                ratio = np.mean(((est.predict(X_test) - X_test) / std) ** 2) / pca_mse
                runs.append(f"{ratio:.3f} ({seconds:.0f} s, {est.n_iter_})")
            cells.append(" / ".join(runs))
        print(row([name, *cells]), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", default=denoising.LETTERS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=list(CANDIDATES), metavar="LABEL")
    parser.add_argument(
        "--elsewhere",
        nargs="*",
        choices=[*CANDIDATES, *ELSEWHERE_EXTRA],
        metavar="LABEL",
    )
    parser.add_argument(
        "--larger",
        nargs="+",
        choices=list(CANDIDATES),
        metavar="LABEL",
        help="fit these candidates on the sets of larger_table()",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, no GPU used; "
        f"skae {skae.__version__}"
    )
    with warnings.catch_warnings():  # two epochs on noise do not converge
        warnings.simplefilter("ignore")
        skae.AutoencoderTransformer(16, epochs=2, random_state=0).fit(
            np.random.default_rng(0).random((500, 784))
        )  # TensorFlow loaded and warm before the first timed fit
    if args.repeats:
        letters_table(args.letters, args.repeats, args.only)
    if args.elsewhere is not None:
        elsewhere_table(args.elsewhere)
    if args.larger:
        with warnings.catch_warnings():  # fits stopped by epochs=200 warn
            warnings.simplefilter("ignore")
            larger_table(args.larger, args.seeds, args.letters)


if __name__ == "__main__":
    main()
