"""Pickling and Keras-only export, shared by every skae estimator."""

import warnings
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skae import _version
from skae.exceptions import InconsistentVersionWarning


class KerasPersistenceMixin:
    """Pickles as one ``.keras`` archive of ``model_``, stamped with skae's
    version; exports and imports encoder/decoder pairs that work in the data's
    units."""

    def export_keras(self, directory):
        """Write ``encoder.keras`` and ``decoder.keras`` for Keras-only serving.

        Both files are written under temporary names in ``directory`` and then
        renamed over the old ones, so an export that fails or is killed leaves
        the old pair (or none) in place, never a half-written model.

        The exported models work in the units of the data: the encoder maps raw
        rows to codes and the decoder maps codes to raw reconstructions, the
        estimator's scaling being folded in as ``Normalization`` layers. Load them
        with ``keras.saving.load_model`` (no skae needed), or back into an
        estimator with :meth:`from_keras`.

        Parameters
        ----------
        directory : str or path-like
            Folder to write into (created if missing).

        Returns
        -------
        encoder_path, decoder_path : pathlib.Path
        """
        from skae._keras import _saving

        check_is_fitted(self)
        _saving.check_exportable_scaling(self.scale_)
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        paths = folder / "encoder.keras", folder / "decoder.keras"
        models = _saving.with_scaling(
            self.encoder_,
            self.decoder_,
            self._scaling_offset,
            self.scale_,
            self._output_scale_,
        )
        _saving.save_all(models, paths)
        return paths

    @classmethod
    def from_keras(cls, encoder, decoder, **params):
        """A fitted estimator around an exported (or any) encoder and decoder.

        Parameters
        ----------
        encoder, decoder : keras.Model or str or path-like
            Models, or ``.keras`` files such as :meth:`export_keras` writes,
            mapping ``(None, n_features)`` rows to ``(None, encoding_dim)`` codes
            and back, in the units of the data.
        **params
            Estimator parameters; ``encoding_dim`` is taken from the encoder.

        Returns
        -------
        estimator : instance of cls
            Ready for ``transform``, ``inverse_transform``, ``score``; its
            ``history_`` is empty, ``n_iter_`` and ``n_samples_seen_`` are 0.
            ``fit`` trains a new model from scratch.
        """
        from skae._keras import _build, _saving

        encoder, decoder = _saving.load(encoder), _saving.load(decoder)
        n_features = encoder.input_shape[-1]
        encoding_dim = encoder.output_shape[-1]
        encoder, decoder = _build.wrap(
            encoder, decoder, n_features=n_features, encoding_dim=encoding_dim
        )
        est = cls(**{**params, "encoding_dim": encoding_dim})
        est.model_ = _build.assemble(encoder, decoder)
        est.encoder_, est.decoder_ = encoder, decoder
        est.offset_, est.scale_ = np.zeros(n_features), np.ones(n_features)
        est._output_scale_ = est.scale_
        est.n_features_in_ = n_features
        est.history_, est.n_iter_, est.n_samples_seen_ = {}, 0, 0
        return est

    def __getstate__(self):
        # BaseEstimator may hand back the live __dict__: never edit it in place.
        state = dict(super().__getstate__())
        # As scikit-learn stamps _sklearn_version: a later skae can tell.
        state["_skae_version"] = _version.__version__
        if "model_" in state:
            from skae._keras import _saving

            # One serialised model: encoder and decoder are re-extracted from it
            # on load, so they keep sharing its weights.
            state["model_"] = _saving.model_to_bytes(state["model_"])
            del state["encoder_"], state["decoder_"]
        return state

    def __setstate__(self, state):
        state = dict(state)
        pickled_by = state.pop("_skae_version", "unknown")
        if pickled_by != _version.__version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_skae_version=_version.__version__,
                    original_skae_version=pickled_by,
                ),
                stacklevel=2,
            )
        if "model_" in state:
            # Pickled before scaling="auto" existed: the scaling was the parameter.
            state.setdefault("scaling_", state.get("scaling"))
            from skae._keras import _build, _saving

            state["model_"] = _saving.model_from_bytes(state["model_"])
            state["encoder_"], state["decoder_"] = _build.split_model(state["model_"])
        super().__setstate__(state)
