"""Child processes of tests/test_distributed.py: fits under ``tf.distribute``
strategies, which need logical devices (or ``TF_CONFIG``) configured before
TensorFlow initialises, so each runs in a fresh interpreter.

``python tests/_strategy_child.py mirrored`` prints one JSON line of results;
``python tests/_strategy_child.py worker OUT`` is one worker of a multi-worker
fit (``TF_CONFIG`` set by the parent), which writes its results to ``OUT``.
"""

import json
import pickle
import sys
import tempfile

import numpy as np

# 24 global batches of 64 rows: every batch splits evenly between 2 replicas,
# so the two-replica gradients are the one-device ones up to summation order.
N_ROWS = 1536
PARAMS = dict(
    encoding_dim=8,
    hidden_layer_sizes=(32,),
    epochs=4,
    batch_size=64,
    early_stopping=False,
    random_state=0,
)


def digits():
    from sklearn.datasets import load_digits

    return load_digits().data[:N_ROWS]


def logical_cpus(n):
    import tensorflow as tf

    (cpu,) = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * n
    )


def fit_in(strategy, X, **params):
    from skae import AutoencoderTransformer

    with strategy.scope():
        return AutoencoderTransformer(**{**PARAMS, **params}).fit(X)


def mirrored():
    logical_cpus(2)
    import keras
    import tensorflow as tf

    from skae import DenoisingAutoencoder

    X = digits()
    two = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    one = tf.distribute.OneDeviceStrategy("/cpu:0")
    # Keep what Keras hands the strategy to split, to look at its first batch.
    distributed = []
    distribute = two.experimental_distribute_dataset

    def keep(dataset, *args, **kwargs):
        distributed.append(distribute(dataset, *args, **kwargs))
        return distributed[-1]

    two.experimental_distribute_dataset = keep
    est = fit_in(two, X)
    x = next(iter(distributed[0]))
    replicas = [v.numpy() for v in two.experimental_local_results(x)]
    again = fit_in(two, X)
    single = fit_in(one, X)
    # The contractive penalty is divided between the replicas like the loss.
    contractive = [fit_in(s, X, contractive=0.1, epochs=2) for s in (two, one)]
    # Unshuffled, the strategy path sees the batches of the whole-epoch path.
    unshuffled = fit_in(two, X, shuffle=False)
    from skae import AutoencoderTransformer

    default = AutoencoderTransformer(**PARAMS, shuffle=False).fit(X)
    # Early stopping on validation rows, and the denoising model's noise.
    with two.scope():
        denoising = DenoisingAutoencoder(
            **{**PARAMS, "early_stopping": True, "epochs": 3}
        ).fit(X)
        codes_inside = est.transform(X[:50])
    codes = est.transform(X[:50])
    unpickled = pickle.loads(pickle.dumps(est))
    with tempfile.TemporaryDirectory() as folder:
        encoder_path, _ = est.export_keras(folder)
        exported = keras.saving.load_model(encoder_path).predict(X[:50], verbose=0)
    return {
        "num_replicas": two.num_replicas_in_sync,
        "replica_rows": [r.shape[0] for r in replicas],
        "replicas_differ": not np.array_equal(replicas[0], replicas[1]),
        "loss": est.history_["loss"],
        "loss_again": again.history_["loss"],
        "loss_single": single.history_["loss"],
        "loss_contractive": [e.history_["loss"] for e in contractive],
        "loss_unshuffled": unshuffled.history_["loss"],
        "loss_default": default.history_["loss"],
        "denoising_history": denoising.history_,
        "codes_outside_vs_inside": _max_abs(codes, codes_inside),
        "unpickled_vs_fitted": _max_abs(unpickled.transform(X[:50]), codes),
        "exported_vs_fitted": _max_abs(exported, codes),
        "unpickled_variables": sorted(
            {type(v.value).__name__ for v in unpickled.model_.weights}
        ),
    }


def worker(out):
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    X = digits()
    # With validation rows, so that the workers also stop early together.
    est = fit_in(strategy, X, early_stopping=True)
    result = {
        "num_replicas": strategy.num_replicas_in_sync,
        "is_chief": strategy.cluster_resolver.task_id == 0,
        "loss": est.history_["loss"],
        "val_loss": est.history_["val_loss"],
        "weights": [w.tolist() for w in est.model_.get_weights()],
    }
    if result["is_chief"]:
        # The reference: the same seeded fit in this one process, on one device.
        alone = fit_in(
            tf.distribute.OneDeviceStrategy("/cpu:0"), X, early_stopping=True
        )
        result["loss_single_process"] = alone.history_["loss"]
        result["val_loss_single_process"] = alone.history_["val_loss"]
        codes = alone.transform(X)
        result["codes_vs_single_process"] = _max_abs(est.transform(X), codes)
        result["codes_scale"] = float(np.abs(codes).max())
    with open(out, "w") as f:
        json.dump(result, f)


def _max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


if __name__ == "__main__":
    if sys.argv[1] == "mirrored":
        print(json.dumps(mirrored()))
    else:
        worker(sys.argv[2])
