"""nn.dot_product_attention as JAX's XLA implementation computes it: logits in float32 (at
least), scaled, biased, masked with a large negative number (mask, causal, local window,
sequence lengths), a float32 softmax, and the value average; grouped-query attention
repeats each key/value head over its query group."""
from __future__ import annotations

import math

import numpy as np

from .. import numpy as jnp
from ..errors import user_error
from ._normalization import softmax


def _large_negative(dtype):
    dmax = min(float(jnp.finfo(dtype).max), float(np.finfo(np.float32).max))
    return jnp.asarray(-0.7 * dmax, dtype=dtype)


def dot_product_attention(query, key, value, bias=None, mask=None, *, scale=None, is_causal=False,
                          query_seq_lengths=None, key_value_seq_lengths=None, local_window_size=None,
                          implementation=None, return_residual=False):
    if implementation not in (None, "xla"):
        raise user_error(NotImplementedError, f"dot_product_attention implementation={implementation!r}: "
                         "pullback computes the XLA form only")
    if return_residual:
        raise user_error(NotImplementedError, "dot_product_attention(return_residual=True) is not supported")
    query, key, value = jnp.asarray(query), jnp.asarray(key), jnp.asarray(value)
    unbatched = query.ndim == 3
    if unbatched:
        query, key, value = query[None], key[None], value[None]
        bias = None if bias is None else jnp.asarray(bias)[None] if jnp.ndim(bias) == 3 else bias
        mask = None if mask is None else jnp.asarray(mask)[None] if jnp.ndim(mask) == 3 else mask
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise user_error(ValueError, "query, key and value must be (B, T, N, H) or (T, N, H) arrays")
    B, T, N, H = query.shape
    _, S, K, _ = key.shape
    if N % K:
        raise user_error(ValueError, f"The number of query heads {N} must be a multiple of key heads {K}")
    if N != K:  # grouped-query attention: each key/value head serves N // K query heads
        key = jnp.repeat(key, N // K, axis=2)
        value = jnp.repeat(value, N // K, axis=2)
    scale = 1.0 / math.sqrt(H) if scale is None else scale
    logits_dtype = jnp.promote_types(query.dtype, np.float32)
    logits = jnp.einsum("BTNH,BSNH->BNTS", query.astype(logits_dtype), key.astype(logits_dtype))
    logits = logits * jnp.array(scale, dtype=logits.dtype)
    if bias is not None:
        logits = (logits + bias).astype(logits.dtype)
    keep = None
    if mask is not None:
        keep = jnp.broadcast_to(jnp.asarray(mask), logits.shape)
    if is_causal:
        causal = jnp.tril(jnp.ones((T, S), dtype=bool))[None, None]
        keep = causal if keep is None else keep & causal
    if local_window_size is not None:
        left, right = local_window_size
        q_pos, k_pos = jnp.arange(T)[:, None], jnp.arange(S)[None, :]
        window = ((q_pos <= k_pos + left) & (q_pos >= k_pos - right))[None, None]
        keep = window if keep is None else keep & window
    if query_seq_lengths is not None or key_value_seq_lengths is not None:
        pad = jnp.ones((B, 1, T, S), dtype=bool)
        if query_seq_lengths is not None:
            pad = pad & (jnp.arange(T)[None, None, :, None] < jnp.asarray(query_seq_lengths)[:, None, None, None])
        if key_value_seq_lengths is not None:
            pad = pad & (jnp.arange(S)[None, None, None, :] < jnp.asarray(key_value_seq_lengths)[:, None, None, None])
        keep = pad if keep is None else keep & pad
    if keep is not None:
        logits = jnp.where(keep, logits, _large_negative(logits.dtype))
    probs = softmax(logits.astype(np.float32), axis=-1).astype(key.dtype)
    encoded = jnp.einsum("BNTS,BSNH->BTNH", probs, value)
    if query_seq_lengths is not None:
        qmask = jnp.arange(T)[None, :] < jnp.asarray(query_seq_lengths)[:, None]
        encoded = encoded * qmask[:, :, None, None].astype(encoded.dtype)
    return encoded[0] if unbatched else encoded
