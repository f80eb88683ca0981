"""Streamed fits and inference: memory-mapped arrays and h5py datasets, read a
block at a time."""

from pathlib import Path

import numpy as np
import pytest

from skae import (
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
)
from skae._streaming import is_streamed, plan_pieces, summarize

from _params import SMALL

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

REFERENCE = Path(__file__).parent / "data" / "in_memory_codes.npz"


@pytest.fixture
def memmap(tmp_path, digits):
    """The `digits` rows as float32 in a .npy file, opened memory-mapped."""
    path = tmp_path / "digits.npy"
    np.save(path, digits[0].astype(np.float32))
    return np.load(path, mmap_mode="r")


@pytest.fixture
def h5(tmp_path, digits):
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "digits.h5", "w") as f:
        f["X"] = digits[0].astype(np.float32)
    with h5py.File(tmp_path / "digits.h5", "r") as f:
        yield f["X"]


def test_in_memory_fits_are_unchanged(digits):
    """The in-memory path gives the codes it gave before streaming existed."""
    import keras
    import tensorflow as tf

    reference = np.load(REFERENCE)
    if (str(reference["keras"]), str(reference["tensorflow"])) != (
        keras.__version__,
        tf.__version__,
    ):
        pytest.skip("reference codes written with other Keras/TensorFlow versions")
    X = digits[0].astype(np.float32)
    for name, cls in [
        ("plain", AutoencoderTransformer),
        ("denoising", DenoisingAutoencoder),
    ]:
        codes = cls(**SMALL).fit(X).transform(X[:8])
        # To float32 rounding: the reference was written on another CPU, whose
        # float32 kernels round differently (up to 2.5e-7 after 5 epochs).
        np.testing.assert_allclose(codes, reference[name], rtol=1e-5, atol=1e-6)


def test_what_streams(memmap, digits):
    assert is_streamed(memmap)
    assert not is_streamed(np.asarray(memmap))
    assert not is_streamed(digits[0])
    assert not is_streamed(digits[0].tolist())
    assert not is_streamed(memmap[0])  # 1-D


def test_memmap_fit_matches_in_memory(memmap, digits):
    """On data that fits one block (and no more rows than pieces), the stream
    trains the rows the in-memory fit trains, in the same order."""
    X = digits[0].astype(np.float32)
    streamed = AutoencoderTransformer(**SMALL).fit(memmap)
    in_memory = AutoencoderTransformer(**SMALL).fit(X)
    assert streamed.n_features_in_ == 64 and streamed.n_samples_seen_ == 400
    assert streamed.history_.keys() == in_memory.history_.keys()
    np.testing.assert_allclose(streamed.offset_, in_memory.offset_)
    np.testing.assert_allclose(streamed.scale_, in_memory.scale_)
    np.testing.assert_allclose(
        streamed.history_["loss"], in_memory.history_["loss"], rtol=1e-5
    )
    np.testing.assert_allclose(streamed.score(X), in_memory.score(X), rtol=1e-4)


def test_streamed_fit_over_many_blocks(tmp_path, monkeypatch):
    """Blocks smaller than the data, pieces of several rows: the fit still
    reaches the quality of the in-memory one."""
    import skae._streaming as streaming

    monkeypatch.setattr(streaming, "BLOCK_BYTES", 64 * 4 * 256)  # 256-row blocks
    from sklearn.datasets import load_digits

    X = (load_digits().data / 16).astype(np.float32)  # 1797 rows: pieces of 7
    path = tmp_path / "X.npy"
    np.save(path, X)
    params = {**SMALL, "epochs": 20}
    streamed = AutoencoderTransformer(**params).fit(np.load(path, mmap_mode="r"))
    in_memory = AutoencoderTransformer(**params).fit(X)
    assert streamed.transform(X).shape == in_memory.transform(X).shape
    assert -streamed.score(X) <= 1.1 * -in_memory.score(X)


def test_plan_holds_out_random_pieces():
    plan = plan_pieces(
        10_000, 64, batch_size=32, validation_fraction=0.1, rng=np.random.default_rng(0)
    )
    assert plan.n_train + plan.n_val == 10_000
    assert plan.n_val == pytest.approx(1000, rel=0.05)
    covered = np.concatenate([np.arange(a, b) for a, b in [*plan.train, *plan.val]])
    np.testing.assert_array_equal(np.sort(covered), np.arange(10_000))


@pytest.mark.parametrize("scaling", ["global", "minmax", "standard", None])
def test_one_pass_statistics(tmp_path, digits, scaling):
    X = digits[0] * 3.5 - 7
    path = tmp_path / "X.npy"
    np.save(path, X)
    summary = summarize(np.load(path, mmap_mode="r"))
    np.testing.assert_array_equal(summary.low, X.min(axis=0))
    np.testing.assert_array_equal(summary.high, X.max(axis=0))
    np.testing.assert_allclose(summary.mean, X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(summary.std, X.std(axis=0), rtol=1e-10, atol=1e-12)


def test_auto_scaling_decides_as_in_memory(memmap, digits):
    est = AutoencoderTransformer(**SMALL).fit(memmap)
    assert est.scaling_ == AutoencoderTransformer(**SMALL).fit(digits[0]).scaling_


def test_h5py_dataset_streams(h5, digits):
    X = digits[0].astype(np.float32)
    est = AutoencoderTransformer(**SMALL).fit(h5)
    in_memory = AutoencoderTransformer(**SMALL).fit(X)
    np.testing.assert_allclose(est.score(X), in_memory.score(X), rtol=1e-4)
    np.testing.assert_array_equal(est.transform(h5), est.transform(X))
    est.partial_fit(h5)
    assert est.n_samples_seen_ == 800


def test_inference_a_block_at_a_time(memmap, digits, monkeypatch):
    import skae._streaming as streaming

    est = AutoencoderTransformer(**SMALL).fit(digits[0])
    X = np.asarray(memmap)
    expected = {
        "transform": est.transform(X),
        "predict": est.predict(X),
        "score_samples": est.score_samples(X),
    }
    monkeypatch.setattr(streaming, "BLOCK_BYTES", 64 * 4 * 100)  # 4096-row floor
    for method, out in expected.items():
        np.testing.assert_array_equal(getattr(est, method)(memmap), out)
    det = AutoencoderOutlierDetector(**{**SMALL, "encoding_dim": "auto"})
    det.fit(memmap)
    np.testing.assert_array_equal(det.predict(memmap), det.predict(X))
    np.testing.assert_array_equal(det.feature_errors(memmap), det.feature_errors(X))


def test_streamed_errors(tmp_path, memmap):
    bad = np.lib.format.open_memmap(tmp_path / "nan.npy", "w+", np.float32, (50, 4))
    bad[:] = 1.0
    bad[37, 2] = np.nan
    est = AutoencoderTransformer(**SMALL)
    with pytest.raises(ValueError, match="NaN or infinity .*rows 0 to 49"):
        est.fit(bad)
    assert not hasattr(est, "model_")
    strings = np.lib.format.open_memmap(tmp_path / "s.npy", "w+", "U3", (5, 2))
    with pytest.raises(ValueError, match="numeric data.*dtype <U3"):
        est.fit(strings)
    est.fit(memmap)
    with pytest.raises(ValueError, match="X has 4 features, but"):
        est.transform(
            np.lib.format.open_memmap(tmp_path / "w.npy", "w+", np.float32, (5, 4))
        )
    with pytest.raises(ValueError, match="0 sample"):
        est.partial_fit(memmap[:0])


def test_progress_line_reports_rows_per_second(memmap, capsys, monkeypatch):
    AutoencoderTransformer(**{**SMALL, "epochs": 2, "verbose": 1}).fit(memmap)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("epoch 1/2 - loss ")
    assert "rows/s" in lines[0] and "ETA" in lines[0]
    # Within a long epoch, a line per INTERIM_SECONDS (here, per block).
    from skae._keras._callbacks import EpochProgress

    monkeypatch.setattr(EpochProgress, "INTERIM_SECONDS", 0.0)
    AutoencoderTransformer(**{**SMALL, "epochs": 1, "verbose": 1}).fit(memmap)
    interim, last = capsys.readouterr().out.splitlines()
    assert interim.startswith("  360/360 rows - ") and "ETA 0s" in interim
    assert last.startswith("epoch 1/1")


def test_standard_scaling_from_the_streamed_moments(memmap, digits):
    params = {**SMALL, "epochs": 1, "scaling": "standard"}
    streamed = AutoencoderTransformer(**params).fit(memmap)
    in_memory = AutoencoderTransformer(**params).fit(digits[0].astype(np.float32))
    np.testing.assert_allclose(streamed.offset_, in_memory.offset_, rtol=1e-6)
    np.testing.assert_allclose(streamed.scale_, in_memory.scale_, rtol=1e-6)
