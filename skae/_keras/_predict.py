"""Compiled inference: fixed-shape batches for small calls, chunks for large."""

import functools
import threading

import numpy as np
import tensorflow as tf

from skae._scaling import float32_blurs, float32_overflows, scaled_float32

# Up to FIXED_UP_TO rows, every forward pass gets exactly PREDICT_BATCH rows (the
# last padded), all in one compiled call: float32 matrix products round
# differently for different batch shapes, and a fixed shape makes each row's
# result independent of the rows it is transformed with (scikit-learn checks
# this on small inputs), while small calls skip Keras's eager per-layer
# dispatch. Larger inputs go through one compiled call per LARGE_BATCH rows, at
# the speed of a whole-array call without its memory. PREDICT_BATCH is small
# enough that a 1-row call costs no more than a bare encoder call, and a
# multiple of 24 and 48 rows: on a 2-core AMD EPYC (AVX2), products of 128 rows
# rounded some rows differently by their position in the chunk, those of 96,
# 120, 144, 192 and 256 rows did not (benchmarks/README.md, design
# measurement D11).
PREDICT_BATCH = 96
FIXED_UP_TO = 1024
LARGE_BATCH = 4096

# Held only while a compiled function is built and traced, once per model and
# kind: threads that transform at once on a new (or unpickled) model would
# otherwise each build and trace their own, and TensorFlow, seeing calls that
# overlap a trace, warns of "excessive retracing".
_BUILD_LOCK = threading.Lock()


def predict(model, X, offset=None, scale=None):
    """Run ``model`` in inference mode on ``X``; return float32 NumPy.

    With ``offset`` and ``scale`` (the estimator's per-feature scaling), rows are
    scaled as ``(X - offset) / scale`` inside the compiled call, so a large
    ``X`` is never copied whole in NumPy (float64 input is cast to float32 a
    chunk at a time, scaled on the way when float32 would blur it; up to
    FIXED_UP_TO rows are copied into one padded array). Values beyond
    float32's range become infinite, silently: the outputs are then not
    finite, which the estimator reports.
    """
    with np.errstate(over="ignore"):
        return _predict(model, X, offset, scale)


def _predict(model, X, offset, scale):
    to_float32 = _float32
    if offset is not None and (
        float32_overflows(offset, scale)
        or (X.dtype == np.float64 and float32_blurs(offset, scale))
    ):
        # Scale in float64, a chunk at a time, before the cast to float32, and
        # call the unscaled functions: in float32, 1e7 plus a spread of 1 comes
        # out in steps of 1, and 1e39 (or the inverse of a subnormal spread) as
        # infinity. Only then, since it slows large transforms down
        # (benchmarks/README.md, D12).
        to_float32 = functools.partial(
            scaled_float32, offset=offset, inv_scale=1.0 / np.asarray(scale)
        )
        offset = None
    scaled = offset is not None
    if offset is None:
        scaling = ()
    else:
        scaling = (
            tf.constant(offset, tf.float32),
            tf.constant(1.0 / np.asarray(scale), tf.float32),
        )
    n, shape = len(X), X.shape[1:]
    if n > FIXED_UP_TO:
        large = _inference_function(model, "large", scaled=scaled)
        return np.concatenate(
            [
                large(to_float32(X[i : i + LARGE_BATCH]), *scaling).numpy()
                for i in range(0, n, LARGE_BATCH)
            ]
        )
    # At most FIXED_UP_TO rows: padding them in one small copy costs less than
    # a second compiled call for the last chunk.
    chunks = np.zeros((-(-n // PREDICT_BATCH) * PREDICT_BATCH, *shape), np.float32)
    to_float32(X, out=chunks[:n])
    chunks = chunks.reshape(-1, PREDICT_BATCH, *shape)
    fixed = _inference_function(model, "fixed", scaled=scaled)
    out = fixed(chunks, *scaling).numpy()
    return out.reshape(-1, *out.shape[2:])[:n]


def _float32(X, out=None):
    """``X`` as float32, into ``out`` if given; no copy of contiguous float32
    rows."""
    if out is None:
        return np.ascontiguousarray(X, dtype=np.float32)
    out[...] = X
    return out


def _inference_function(model, kind, *, scaled):
    """The compiled inference call ``kind`` of ``model``, traced once per model
    and kept on it (a cycle the garbage collector frees with it): ``"fixed"``
    maps a stack of PREDICT_BATCH-row chunks, ``"large"`` takes any number of
    rows. Safe to call from many threads at once."""
    key = "_skae_inference_scaled" if scaled else "_skae_inference"
    function = (getattr(model, key, None) or {}).get(kind)
    if function is None:
        with _BUILD_LOCK:
            functions = getattr(model, key, None) or {}
            function = functions.get(kind)
            if function is None:
                function = _compile(model, kind, scaled=scaled)
                # Traced here, under the lock: no call ever overlaps a trace.
                function.get_concrete_function()
                setattr(model, key, {**functions, kind: function})
    return function


def _compile(model, kind, *, scaled):
    in_shape = model.input_shape[1:]
    scaling = [tf.TensorSpec(in_shape, tf.float32)] * 2 if scaled else []
    rows = (None, PREDICT_BATCH) if kind == "fixed" else (None,)
    # Partials, not closures: TensorFlow counts traces per code object, and
    # one trace for each of many models (a grid search) would otherwise set
    # off its "excessive retracing" warning.
    return tf.function(
        functools.partial(_map_chunks if kind == "fixed" else _call, model),
        input_signature=[tf.TensorSpec((*rows, *in_shape), tf.float32), *scaling],
    )


def _call(model, X, offset=None, inv_scale=None):
    if offset is not None:
        X = (X - offset) * inv_scale
    return model(X, training=False)


def _map_chunks(model, chunks, offset=None, inv_scale=None):
    if offset is not None:
        chunks = (chunks - offset) * inv_scale  # once for the stack, not per chunk
    out_shape = (PREDICT_BATCH, *model.output_shape[1:])
    return tf.map_fn(
        lambda chunk: model(chunk, training=False),
        chunks,
        fn_output_signature=tf.TensorSpec(out_shape, tf.float32),
    )
