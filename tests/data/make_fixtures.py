"""Write the persistence fixtures in this folder (see README.md here).

Run once per skae version whose files should keep loading, from the repository
root: ``python tests/data/make_fixtures.py``. It overwrites the files of the
version installed, and tests/test_persistence.py loads every folder here.
"""

import pickle
import shutil
import tempfile
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

import skae
from skae import AutoencoderTransformer, DenoisingAutoencoder

TINY = dict(encoding_dim=2, hidden_layer_sizes=(8,), epochs=2, random_state=0)


def fixture_data():
    """The rows every fixture is fitted on and checked with."""
    return load_digits().data[:60]


def save_outputs(est, X, prefix):
    Z = est.transform(X)
    np.save(f"{prefix}_transform.npy", Z)
    np.save(f"{prefix}_inverse.npy", est.inverse_transform(Z))


def main():
    folder = Path(__file__).parent / f"skae-{skae.__version__}"
    folder.mkdir(exist_ok=True)
    X = fixture_data()
    for name, Estimator in [
        ("transformer", AutoencoderTransformer),
        ("denoising", DenoisingAutoencoder),
    ]:
        est = Estimator(**TINY).fit(X)
        (folder / f"{name}.pkl").write_bytes(pickle.dumps(est))
        save_outputs(est, X, folder / name)
        if name == "transformer":
            with tempfile.TemporaryDirectory() as tmp:
                for path in est.export_keras(tmp):
                    shutil.copy(path, folder / path.name)
            exported = AutoencoderTransformer.from_keras(
                folder / "encoder.keras", folder / "decoder.keras"
            )
            save_outputs(exported, X, folder / "exported")
    print(f"wrote {sorted(p.name for p in folder.iterdir())}")


if __name__ == "__main__":
    main()
