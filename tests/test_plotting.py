"""skae.plotting: every display renders a non-blank PNG with the expected panels."""

from itertools import pairwise

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.base import BaseEstimator  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

from skae import (  # noqa: E402
    AutoencoderTransformer,
    DenoisingAutoencoder,
    VariationalAutoencoder,
)
from skae.plotting import (  # noqa: E402
    AnomalyDisplay,
    FeatureErrorDisplay,
    LatentManifoldDisplay,
    LatentSpaceDisplay,
    PCAComparisonDisplay,
    ReconstructionDisplay,
    SampleGridDisplay,
    TrainingHistoryDisplay,
)

from _params import SMALL  # noqa: E402


@pytest.fixture(scope="module")
def ae2(digits):
    return AutoencoderTransformer(**{**SMALL, "encoding_dim": 2}).fit(digits[0])


@pytest.fixture(scope="module")
def ae4(digits):
    return AutoencoderTransformer(**SMALL).fit(digits[0])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def assert_rendered(disp, path):
    """Save the display's figure and check the PNG is not a blank canvas."""
    disp.figure_.savefig(path)
    pixels = mpimg.imread(path)
    assert pixels.std() > 0.01


class _Identity(BaseEstimator):
    """A fitted stand-in with an ``image_shape``, reconstructing perfectly."""

    def __init__(self, image_shape=(8, 8)):
        self.image_shape = image_shape

    def fit(self, X, y=None):
        return self

    def __sklearn_is_fitted__(self):
        return True

    def predict(self, X):
        return np.asarray(X, dtype=float)


# ------------------------------------------------------------------ history


def test_training_history(ae2, tmp_path):
    disp = TrainingHistoryDisplay.from_estimator(ae2)
    assert_rendered(disp, tmp_path / "history.png")
    assert len(disp.figure_.axes) == 1
    assert len(disp.loss_line_.get_xdata()) == ae2.n_iter_
    assert len(disp.val_loss_line_.get_ydata()) == ae2.n_iter_
    np.testing.assert_allclose(disp.loss_line_.get_ydata(), ae2.history_["loss"])
    best = disp.best_epoch
    assert 1 <= best <= ae2.n_iter_
    assert disp.best_line_.get_xdata()[0] == best
    labels = [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    assert labels == ["loss", "val_loss", f"best epoch ({best})"]


def test_best_epoch_is_the_epoch_whose_weights_are_kept():
    from skae._validation import fit_seed

    X = load_digits().data[:300]
    ae = AutoencoderTransformer(
        encoding_dim=2,
        hidden_layer_sizes=(8,),
        epochs=300,
        n_iter_no_change=3,
        tol=1e-3,
        random_state=0,
    ).fit(X)
    assert ae.n_iter_ < 300  # it did stop early
    disp = TrainingHistoryDisplay.from_estimator(ae)
    val_loss = ae.history_["val_loss"]
    assert disp.best_epoch == np.argmin(val_loss) + 1
    # The kept weights give that epoch's validation loss on the validation rows.
    _, val_rows = ae._split(len(X), np.random.default_rng(fit_seed(0)))
    scaled = ((X[val_rows] - ae.offset_) / ae.scale_).astype(np.float32)
    kept = np.mean((ae.model_(scaled, training=False).numpy() - scaled) ** 2)
    np.testing.assert_allclose(kept, min(val_loss), rtol=1e-5)
    # The first of equal minima; any decrease counts.
    assert TrainingHistoryDisplay([5, 2, 2, 3]).best_epoch == 2
    assert TrainingHistoryDisplay([5, 3, 2.99995]).best_epoch == 3


def test_training_history_marks_argmin_without_val_loss(tmp_path):
    _, ax = plt.subplots()
    disp = TrainingHistoryDisplay([5.0, 3.0, 2.0, 2.5, 2.6]).plot(ax=ax)
    assert disp.ax_ is ax and disp.figure_ is ax.figure
    assert disp.val_loss_line_ is None
    assert disp.best_line_.get_xdata()[0] == 3
    np.testing.assert_array_equal(disp.loss_line_.get_xdata(), [1, 2, 3, 4, 5])
    assert_rendered(disp, tmp_path / "history.png")


# ----------------------------------------------------------- reconstruction


def _image_axes(disp):
    return [a for a in disp.axes_.ravel() if a.images]


def test_reconstruction_grid(ae2, digits, tmp_path):
    X = digits[0]
    disp = ReconstructionDisplay.from_estimator(ae2, X, image_shape=(8, 8), n_images=5)
    assert_rendered(disp, tmp_path / "grid.png")
    assert disp.axes_.shape == (2, 5)
    assert len(_image_axes(disp)) == 10
    assert disp.axes_[0, 0].get_ylabel() == "original"
    assert disp.axes_[1, 0].get_ylabel() == "reconstruction"
    np.testing.assert_allclose(
        disp.axes_[0, 3].images[0].get_array(), X[3].reshape(8, 8)
    )
    np.testing.assert_allclose(
        disp.axes_[1, 3].images[0].get_array(),
        ae2.predict(X[3:4]).reshape(8, 8),
        rtol=1e-5,
    )


def test_reconstruction_grid_with_noisy_input(digits, tmp_path):
    X = digits[0]
    dae = DenoisingAutoencoder(**SMALL).fit(X)
    X_noisy = X + np.random.default_rng(0).normal(scale=4, size=X.shape)
    disp = ReconstructionDisplay.from_estimator(
        dae, X, image_shape=(8, 8), n_images=4, X_noisy=X_noisy
    )
    assert_rendered(disp, tmp_path / "denoise.png")
    assert len(_image_axes(disp)) == 12
    rows = [disp.axes_[i, 0].get_ylabel() for i in range(3)]
    assert rows == ["noisy input", "reconstruction", "original"]
    np.testing.assert_allclose(
        disp.X_reconstructed, dae.predict(X_noisy[:4]), rtol=1e-5
    )
    with pytest.raises(ValueError, match="X_noisy"):
        ReconstructionDisplay.from_estimator(dae, X, image_shape=(8, 8), X_noisy=X[:3])


def test_reconstruction_uses_estimator_image_shape_and_given_ax(digits, tmp_path):
    fig, ax = plt.subplots()
    disp = ReconstructionDisplay.from_estimator(
        _Identity(), digits[0], n_images=3, ax=ax
    )
    assert disp.ax_ is ax and disp.figure_ is fig
    assert len(_image_axes(disp)) == 6
    assert all(a.figure is fig for a in disp.axes_.ravel())
    assert_rendered(disp, tmp_path / "identity.png")


def test_reconstruction_needs_an_image_shape(ae2, digits):
    with pytest.raises(ValueError, match="image_shape.*FeatureErrorDisplay"):
        ReconstructionDisplay.from_estimator(ae2, digits[0])


@pytest.mark.parametrize("figsize", [None, (6, 2)], ids=["new figure", "given ax"])
def test_title_stays_above_the_top_row(ae2, digits, figsize):
    ax = None if figsize is None else plt.subplots(figsize=figsize)[1]
    if ax is not None:
        ax.figure.set_layout_engine("constrained")
    disp = ReconstructionDisplay.from_estimator(
        ae2, digits[0], image_shape=(8, 8), ax=ax
    )
    assert disp.ax_.get_title() == "AutoencoderTransformer"
    disp.figure_.canvas.draw()
    renderer = disp.figure_.canvas.get_renderer()
    title = disp.ax_.title.get_window_extent(renderer)
    top_row = [a.get_window_extent(renderer) for a in disp.axes_[0]]
    assert title.y0 >= max(box.y1 for box in top_row)


def test_row_labels_of_a_short_grid_do_not_overlap(digits):
    """Three rows in a 2.6-inch figure (the denoising example): the labels
    of neighbouring rows must not run into each other."""
    X = digits[0]
    _, ax = plt.subplots(figsize=(6, 2.6), layout="constrained")
    disp = ReconstructionDisplay(X[:8], X[:8], X_noisy=X[:8], image_shape=(8, 8))
    disp.plot(ax=ax, name="DenoisingAutoencoder")
    disp.figure_.canvas.draw()
    renderer = disp.figure_.canvas.get_renderer()
    labels = [a.yaxis.label.get_window_extent(renderer) for a in disp.axes_[:, 0]]
    for upper, lower in pairwise(labels):
        assert lower.y1 <= upper.y0
    figure = disp.figure_.bbox
    assert all(box.x0 >= figure.x0 for box in labels)  # not cut off on the left


def test_image_shape_with_minus_one_as_the_estimators_accept(digits, tmp_path):
    disp = ReconstructionDisplay.from_estimator(
        _Identity(image_shape=(8, -1)), digits[0], n_images=2
    )
    assert disp.image_shape == (8, 8, 1)
    X = np.random.default_rng(0).random((3, 48))
    disp = ReconstructionDisplay(X, X, image_shape=(4, -1, 3)).plot()
    assert disp.axes_[0, 0].images[0].get_array().shape == (4, 4, 3)
    with pytest.raises(ValueError, match="image_shape"):
        ReconstructionDisplay(X, X, image_shape=(5, -1, 3)).plot()
    with pytest.raises(ValueError, match="n_images must be a positive integer"):
        ReconstructionDisplay.from_estimator(_Identity(), digits[0], n_images=0)


# ----------------------------------------------------------- feature errors


def test_feature_errors(ae2, digits, tmp_path):
    X = digits[0]
    disp = FeatureErrorDisplay.from_estimator(ae2, X)
    assert_rendered(disp, tmp_path / "bars.png")
    assert len(disp.bars_) == X.shape[1] == len(disp.ax_.patches)
    expected = np.mean((X - ae2.predict(X)) ** 2, axis=0)
    np.testing.assert_allclose(disp.errors, expected, rtol=1e-5)
    heights = [bar.get_height() for bar in disp.bars_]
    np.testing.assert_allclose(heights, disp.errors)
    assert disp.ax_.get_title() == "AutoencoderTransformer"
    disp.figure_.canvas.draw()
    assert _tick_labels(disp)[0] == "x0"


def _tick_labels(disp):
    return [t.get_text() for t in disp.ax_.get_xticklabels() if t.get_text()]


def test_feature_names_label_the_bars():
    disp = FeatureErrorDisplay([1.0, 2.0, 3.0], feature_names=["a", "b", "c"]).plot()
    disp.figure_.canvas.draw()
    assert _tick_labels(disp) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="feature_names"):
        FeatureErrorDisplay([1.0, 2.0], feature_names=["a"]).plot()


def test_feature_tick_labels_do_not_overlap_in_a_subplot(ae2, digits):
    _, axs = plt.subplots(1, 2, layout="constrained")
    disp = FeatureErrorDisplay.from_estimator(ae2, digits[0], ax=axs[0])
    disp.figure_.canvas.draw()
    renderer = disp.figure_.canvas.get_renderer()
    shown = [t for t in disp.ax_.get_xticklabels() if t.get_text()]
    assert len(shown) >= 3
    boxes = [t.get_window_extent(renderer) for t in shown]
    assert not any(a.overlaps(b) for a, b in pairwise(boxes))
    labelled = [int(t.get_text()[1:]) for t in shown]
    heights = [disp.bars_[i].get_height() for i in labelled]
    np.testing.assert_allclose(heights, disp.errors[labelled])


# ------------------------------------------------------------- latent space


def test_latent_space_2d_with_labels(ae2, digits, tmp_path):
    X, y = digits
    disp = LatentSpaceDisplay.from_estimator(ae2, X, y)
    assert_rendered(disp, tmp_path / "latent.png")
    np.testing.assert_allclose(disp.scatter_.get_offsets(), ae2.transform(X), rtol=1e-5)
    assert len(disp.legend_.get_texts()) == len(np.unique(y))
    assert disp.colorbar_ is None
    assert disp.ax_.get_xlabel() == "code 1"


@pytest.mark.parametrize("method, label", [("pca", "PCA 1"), ("tsne", "t-SNE 1")])
def test_latent_space_projects_wide_codes(ae4, digits, method, label, tmp_path):
    X, y = digits
    _, ax = plt.subplots()
    disp = LatentSpaceDisplay.from_estimator(
        ae4, X[:120], y[:120].astype(float), method=method, random_state=0, ax=ax
    )
    assert disp.ax_ is ax
    assert disp.scatter_.get_offsets().shape == (120, 2)
    assert disp.ax_.get_xlabel() == label
    assert disp.colorbar_ is not None and disp.legend_ is None  # float y
    assert len(disp.figure_.axes) == 2  # the scatter and its colorbar
    assert_rendered(disp, tmp_path / f"{method}.png")


def test_latent_space_1d_unlabelled_and_styled(tmp_path):
    codes = np.linspace(-1, 1, 30)[:, None]
    disp = LatentSpaceDisplay(codes).plot(s=30, name="codes")
    np.testing.assert_allclose(disp.scatter_.get_offsets()[:, 0], np.arange(30))
    np.testing.assert_allclose(disp.scatter_.get_sizes(), 30)
    assert disp.ax_.get_ylabel() == "code" and disp.ax_.get_title() == "codes"
    assert disp.legend_ is None and disp.colorbar_ is None
    assert_rendered(disp, tmp_path / "strip.png")
    with pytest.raises(ValueError, match="1 or 2 columns"):
        LatentSpaceDisplay(np.zeros((5, 3))).plot()


def test_latent_space_rejects_unknown_method(ae2, digits):
    with pytest.raises(ValueError, match="method must be one of"):
        LatentSpaceDisplay.from_estimator(ae2, digits[0], method="umap")


# ---------------------------------------------------------- PCA comparison


def test_pca_comparison(digits, tmp_path):
    X = digits[0]
    est = AutoencoderTransformer(**SMALL)
    disp = PCAComparisonDisplay.from_estimator(
        est, X[:250], X[250:], encoding_dims=(1, 2)
    )
    assert_rendered(disp, tmp_path / "pca.png")
    assert "encoding_dim_" not in vars(est) and not hasattr(est, "model_")
    np.testing.assert_array_equal(disp.encoding_dims, [1, 2])
    assert disp.ae_mse.shape == disp.pca_mse.shape == (2,)
    assert np.all(disp.ae_mse > 0) and disp.pca_mse[1] < disp.pca_mse[0]
    np.testing.assert_allclose(disp.ae_line_.get_ydata(), disp.ae_mse)
    np.testing.assert_allclose(disp.pca_line_.get_ydata(), disp.pca_mse)
    assert len(disp.ax_.get_lines()) == 2
    assert disp.ax_.get_ylabel() == "test reconstruction MSE"
    assert disp.ae_line_.get_label() == "AutoencoderTransformer"


def test_pca_comparison_replots_numbers_and_validates(digits, tmp_path):
    _, ax = plt.subplots()
    disp = PCAComparisonDisplay([2, 4], [10.4, 6.1], [13.8, 10.0]).plot(ax=ax)
    assert disp.ax_ is ax and len(ax.get_lines()) == 2
    assert disp.ae_line_.get_label() == "autoencoder"
    assert_rendered(disp, tmp_path / "replot.png")
    with pytest.raises(ValueError, match="equal lengths"):
        PCAComparisonDisplay([2, 4], [1.0], [1.0, 2.0]).plot()
    with pytest.raises(ValueError, match="encoding_dims"):
        PCAComparisonDisplay.from_estimator(
            AutoencoderTransformer(), digits[0][:10], encoding_dims=(20,)
        )


# ----------------------------------------------------------------- anomaly


def test_anomaly_default_contamination(ae2, digits, tmp_path):
    X = digits[0]
    disp = AnomalyDisplay.from_estimator(ae2, X)
    assert_rendered(disp, tmp_path / "anomaly.png")
    np.testing.assert_allclose(disp.errors, -ae2.score_samples(X))
    assert disp.threshold == pytest.approx(np.quantile(disp.errors, 0.95))
    assert disp.threshold_line_.get_xdata()[0] == disp.threshold
    assert disp.is_anomaly.sum() == np.sum(disp.errors > disp.threshold)
    assert len(disp.bars_) == 1 and len(disp.ax_.patches) > 1
    assert "reconstruction error" in disp.ax_.get_xlabel()
    assert disp.ax_.get_xscale() == "linear"


def test_anomaly_threshold_and_contamination(ae2, digits):
    X = digits[0]
    _, ax = plt.subplots()
    disp = AnomalyDisplay.from_estimator(ae2, X, threshold=1.5, ax=ax)
    assert disp.ax_ is ax and disp.threshold == 1.5
    assert disp.threshold_line_.get_xdata()[0] == 1.5
    disp = AnomalyDisplay.from_estimator(ae2, X, contamination=0.2)
    assert disp.threshold == pytest.approx(np.quantile(disp.errors, 0.8))
    with pytest.raises(ValueError, match="not both"):
        AnomalyDisplay.from_estimator(ae2, X, threshold=1.0, contamination=0.1)
    with pytest.raises(ValueError, match="contamination"):
        AnomalyDisplay.from_estimator(ae2, X, contamination=1.5)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X[:320], y[:320]


def _bin_counts(disp):
    """Rows per bin, summed over the stacked classes."""
    return np.sum([[bar.get_height() for bar in c] for c in disp.bars_], axis=0)


def test_anomaly_log_scale_spreads_heavy_tailed_errors(cancer, tmp_path):
    # PCA(1) errors of the raw rows: a few huge ones, most near zero.
    X = cancer[0]
    pca = PCA(1).fit(X)
    errors = np.mean((X - pca.inverse_transform(pca.transform(X))) ** 2, axis=1)
    disp = AnomalyDisplay(errors, np.quantile(errors, 0.95))
    linear = _bin_counts(disp.plot(bins=30))
    assert linear.max() > 0.8 * len(X)  # one bin holds almost every row
    disp = disp.plot(ax=plt.subplots()[1], bins=30, log_scale=True)
    logged = _bin_counts(disp)
    assert disp.ax_.get_xscale() == "log" and len(logged) == 30
    assert linear.sum() == logged.sum() == len(X)
    assert logged.max() < 0.25 * len(X)
    edges = [bar.get_x() for bar in disp.bars_[0]]
    np.testing.assert_allclose(np.diff(np.log(edges)), np.log(edges[1] / edges[0]))
    assert_rendered(disp, tmp_path / "log.png")
    with pytest.raises(ValueError, match="positive errors"):
        AnomalyDisplay([0.0, 1.0], 0.5).plot(log_scale=True)


def test_anomaly_overlays_known_classes(cancer, tmp_path):
    X, y = cancer
    ae = AutoencoderTransformer(**SMALL).fit(X)
    disp = AnomalyDisplay.from_estimator(ae, X, y, bins=12, log_scale=True)
    assert_rendered(disp, tmp_path / "classes.png")
    assert len(disp.bars_) == 2 and all(len(c) == 12 for c in disp.bars_)
    per_class = [sum(bar.get_height() for bar in c) for c in disp.bars_]
    assert per_class == [np.sum(y == 0), np.sum(y == 1)]
    # Stacked: the second class's bars start on top of the first's.
    bottoms = [bar.get_y() for bar in disp.bars_[1]]
    np.testing.assert_allclose(bottoms, [bar.get_height() for bar in disp.bars_[0]])
    labels = [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    assert labels[:2] == [
        f"y=0 ({np.sum(y == 0)} rows)",
        f"y=1 ({np.sum(y == 1)} rows)",
    ]
    assert labels[2].startswith("threshold")
    with pytest.raises(ValueError, match="y must have shape"):
        AnomalyDisplay(disp.errors, disp.threshold, y=y[:5]).plot()


# ---------------------------------------------------- one rule for Pipelines


def _pipeline_case(display, digits):
    X, y = digits
    return {
        TrainingHistoryDisplay: (),
        ReconstructionDisplay: (X,),
        FeatureErrorDisplay: (X,),
        LatentSpaceDisplay: (X, y),
        PCAComparisonDisplay: (X,),
        AnomalyDisplay: (X,),
    }[display]


@pytest.mark.parametrize(
    "display",
    [
        TrainingHistoryDisplay,
        ReconstructionDisplay,
        FeatureErrorDisplay,
        LatentSpaceDisplay,
        PCAComparisonDisplay,
        AnomalyDisplay,
    ],
    ids=lambda d: d.__name__,
)
def test_a_pipeline_gets_a_clear_error(display, ae2, digits):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = make_pipeline(StandardScaler(), ae2)
    pipe[0].fit(digits[0])  # fitted, so only the Pipeline rule can object
    args = _pipeline_case(display, digits)
    with pytest.raises(TypeError, match=rf"{display.__name__}.*autoencoder itself"):
        display.from_estimator(pipe, *args)


def test_every_display_is_public_and_only_displays_are():
    import skae.plotting

    assert sorted(skae.plotting.__all__) == sorted(
        n for n in dir(skae.plotting) if not n.startswith("_")
    )
    assert all(n.endswith("Display") for n in skae.plotting.__all__)


def test_init_only_stores_its_arguments():
    X = np.zeros((2, 3))
    # Bad values are only reported when drawing, as scikit-learn's Displays do.
    disp = ReconstructionDisplay(X, X, image_shape=(7, 7), name="n")
    assert vars(disp) == {
        "X": X,
        "X_reconstructed": X,
        "X_noisy": None,
        "image_shape": (7, 7),
        "name": "n",
    }
    loss = [3, 2, 1]
    assert TrainingHistoryDisplay(loss).loss is loss


def test_history_of_an_estimator_assembled_from_keras(ae2):
    rebuilt = AutoencoderTransformer.from_keras(ae2.encoder_, ae2.decoder_)
    with pytest.raises(ValueError, match="no training history.*from_keras"):
        TrainingHistoryDisplay.from_estimator(rebuilt)


# --------------------------------------------------------- generative models


@pytest.fixture(scope="module")
def vae2(digits):
    return VariationalAutoencoder(**{**SMALL, "encoding_dim": 2}).fit(digits[0])


def test_sample_grid(vae2, tmp_path):
    disp = SampleGridDisplay.from_estimator(
        vae2, image_shape=(8, 8), n_samples=10, n_cols=4
    )
    assert_rendered(disp, tmp_path / "samples.png")
    np.testing.assert_array_equal(disp.samples, vae2.sample(10, random_state=0))
    # 3 lines of 4 images of 8 pixels, 1 pixel apart.
    assert disp.image_.get_array().shape == (3 * 9 - 1, 4 * 9 - 1)
    assert disp.ax_.get_title() == "VariationalAutoencoder"


def test_sample_grid_needs_a_sampler_and_a_shape(ae2, vae2):
    with pytest.raises(TypeError, match="sample method"):
        SampleGridDisplay.from_estimator(ae2, image_shape=(8, 8))
    with pytest.raises(ValueError, match="image_shape"):
        SampleGridDisplay.from_estimator(vae2)


def test_latent_manifold(vae2, tmp_path):
    disp = LatentManifoldDisplay.from_estimator(
        vae2, image_shape=(8, 8), grid_size=5, span=1.5
    )
    assert_rendered(disp, tmp_path / "manifold.png")
    np.testing.assert_allclose(disp.grid, np.linspace(-1.5, 1.5, 5))
    # The top-left cell is the code (-span, +span).
    np.testing.assert_allclose(
        disp.images[0], vae2.inverse_transform([[-1.5, 1.5]])[0], rtol=1e-6
    )
    assert disp.image_.get_array().shape == (40, 40)
    assert disp.ax_.get_xlabel() == "code 0"
    left, right, bottom, top = disp.image_.get_extent()
    assert left < -1.5 < 1.5 < right and bottom < -1.5 < 1.5 < top


def test_latent_manifold_needs_a_2d_code(vae2, digits):
    vae4 = VariationalAutoencoder(**SMALL).fit(digits[0][:100])
    with pytest.raises(ValueError, match="encoding_dim=2"):
        LatentManifoldDisplay.from_estimator(vae4, image_shape=(8, 8))
    with pytest.raises(ValueError, match="span"):
        LatentManifoldDisplay.from_estimator(vae2, image_shape=(8, 8), span=0)
