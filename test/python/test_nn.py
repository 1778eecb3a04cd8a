"""pullback.nn against jax.nn on the same inputs: values eagerly and under jit, derivatives
against finite differences (order 2, both modes) and against JAX's custom derivatives at the
special points (relu's kinks, softmax and logsumexp with -inf), vmap, and the initializers
drawing the same numbers as JAX for the same key."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback import lax as plax
from pullback import nn
from pullback.test_util import check_grads

jax = pytest.importorskip("jax")
jnp = jax.numpy

rng = np.random.default_rng(1)
X = (rng.standard_normal((3, 5)) * 2).astype(np.float32)
B41 = (np.abs(rng.standard_normal((4, 1))) + 0.5).astype(np.float32)
KINKS = np.array([-7.0, -1.0, -0.5, 0.0, 0.5, 1.0, 6.0, 8.0], np.float32)

UNARY = ["relu", "relu6", "softplus", "sigmoid", "silu", "swish", "mish", "log_sigmoid", "elu", "celu", "selu",
         "leaky_relu", "hard_tanh", "hard_sigmoid", "hard_silu", "hard_swish", "soft_sign", "squareplus",
         "sparse_plus", "sparse_sigmoid", "tanh", "identity", "gelu"]
SMOOTH = ["softplus", "sigmoid", "silu", "mish", "log_sigmoid", "selu", "celu", "elu", "soft_sign", "squareplus",
          "gelu", "tanh"]
REDUCING = [
    ("softmax", lambda m, x: m.softmax(x)),
    ("softmax_axis0", lambda m, x: m.softmax(x, axis=0)),
    ("softmax_all", lambda m, x: m.softmax(x, axis=None)),
    ("log_softmax", lambda m, x: m.log_softmax(x, axis=1)),
    ("logsumexp", lambda m, x: m.logsumexp(x)),
    ("logsumexp_axis_keep", lambda m, x: m.logsumexp(x, axis=1, keepdims=True)),
    ("logsumexp_b", lambda m, x: m.logsumexp(x, axis=0, b=B41 if m is jax.nn else pnp.asarray(B41))),
    ("logmeanexp", lambda m, x: m.logmeanexp(x, axis=1)),
    ("standardize", lambda m, x: m.standardize(x)),
    ("standardize_stable", lambda m, x: m.standardize(x, axis=0, algorithm="stable")),
    ("glu", lambda m, x: m.glu(x, axis=0) if x.shape[0] % 2 == 0 else m.glu(x[:2], axis=0)),
]


def _close(a, b, what, rtol=2e-6, atol=1e-6):
    a_dtype = a.aval.dtype if hasattr(a, "aval") else np.dtype(a.dtype).name
    assert a_dtype == np.dtype(b.dtype).name, f"{what}: dtype {a_dtype} != JAX's {b.dtype}"
    if a_dtype == "bfloat16":
        a, b = a.astype("float32"), b.astype("float32")
    a, b = np.asarray(a), np.asarray(b)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=what)


@pytest.mark.parametrize("name", UNARY)
def test_unary_matches_jax(name):
    for x in (X, KINKS):
        want = getattr(jax.nn, name)(x)
        _close(getattr(nn, name)(pnp.asarray(x)), want, f"{name} eager")
        _close(pb.jit(getattr(nn, name))(pnp.asarray(x)), want, f"{name} jit")


@pytest.mark.parametrize("name", UNARY)
def test_unary_derivative_at_kinks_matches_jax(name):
    """JAX's custom derivatives (relu'(0) = 0, relu6'(6) = 0) and its formulas' values at the kinks."""
    want = jax.vmap(jax.grad(getattr(jax.nn, name)))(KINKS)
    got = pb.vmap(pb.grad(getattr(nn, name)))(pnp.asarray(KINKS))
    _close(got, want, name, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", SMOOTH)
def test_unary_grads(name):
    check_grads(getattr(nn, name), [pnp.asarray(X)], order=2, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)


def test_gelu_exact():
    if not hasattr(plax, "erfc"):
        pytest.skip("gelu(approximate=False) needs lax.erfc (the special-functions work)")
    _close(nn.gelu(pnp.asarray(X), approximate=False), jax.nn.gelu(X, approximate=False), "gelu exact",
           rtol=1e-5, atol=1e-6)
    check_grads(lambda x: nn.gelu(x, approximate=False), [pnp.asarray(X)], order=2, modes=("fwd", "rev"),
                atol=2e-2, rtol=2e-2)


def test_leaky_relu_elu_parameters():
    _close(nn.leaky_relu(pnp.asarray(X), 0.3), jax.nn.leaky_relu(X, 0.3), "leaky_relu")
    _close(nn.elu(pnp.asarray(X), 0.7), jax.nn.elu(X, 0.7), "elu")
    _close(nn.celu(pnp.asarray(X), 2.0), jax.nn.celu(X, 2.0), "celu")
    _close(nn.squareplus(pnp.asarray(X), 1.0), jax.nn.squareplus(X, 1.0), "squareplus")
    _close(nn.log1mexp(pnp.asarray(np.abs(X) + 0.1)), jax.nn.log1mexp(np.abs(X) + 0.1), "log1mexp")


@pytest.mark.parametrize("case", REDUCING, ids=[c[0] for c in REDUCING])
def test_reducing_matches_jax(case):
    name, fn = case
    x4 = np.concatenate([X, X[:1] * 0.5], axis=0)
    want = fn(jax.nn, x4)
    _close(fn(nn, pnp.asarray(x4)), want, f"{name} eager", rtol=1e-5, atol=2e-6)
    _close(pb.jit(lambda a: fn(nn, a))(pnp.asarray(x4)), want, f"{name} jit", rtol=1e-5, atol=2e-6)
    check_grads(lambda a: fn(nn, a), [pnp.asarray(x4)], order=2, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)
    got_b = pb.vmap(lambda a: fn(nn, a))(pnp.asarray(np.stack([x4, -x4])))
    _close(np.asarray(got_b)[1], fn(jax.nn, -x4), f"{name} vmap", rtol=1e-5, atol=2e-6)


def test_softmax_stable_and_its_gradient_matches_jax():
    x = np.array([1000.0, 0.0, -np.inf, 999.0], np.float32)
    _close(nn.softmax(pnp.asarray(x)), jax.nn.softmax(x), "softmax large")
    g = pb.grad(lambda a: nn.softmax(a)[0])(pnp.asarray(x))
    _close(g, jax.grad(lambda a: jax.nn.softmax(a)[0])(x), "softmax grad")
    _close(nn.log_softmax(pnp.asarray(x)), jax.nn.log_softmax(x), "log_softmax large")


def test_logsumexp_with_infinities_matches_jax():
    x = np.array([[-np.inf, -np.inf], [1.0, -np.inf], [np.inf, 0.0]], np.float32)
    _close(nn.logsumexp(pnp.asarray(x), axis=1), jax.nn.logsumexp(x, axis=1), "logsumexp inf")
    g = pb.grad(lambda a: pnp.sum(nn.logsumexp(a[:2], axis=1)))(pnp.asarray(x))
    _close(g, jax.grad(lambda a: jnp.sum(jax.nn.logsumexp(a[:2], axis=1)))(x), "logsumexp inf grad")
    out, sign = nn.logsumexp(pnp.asarray(X), axis=0, b=pnp.asarray(np.sign(X)), return_sign=True)
    want, wsign = jax.nn.logsumexp(X, axis=0, b=np.sign(X), return_sign=True)
    _close(out, want, "logsumexp return_sign", rtol=1e-5)
    _close(sign, wsign, "logsumexp sign")


def test_masked_softmax_matches_jax():
    where = rng.random(X.shape) > 0.3
    where[:, 0] = True
    _close(nn.softmax(pnp.asarray(X), where=pnp.asarray(where)), jax.nn.softmax(X, where=where), "softmax where")
    _close(nn.log_softmax(pnp.asarray(X), where=pnp.asarray(where)), jax.nn.log_softmax(X, where=where),
           "log_softmax where")
    _close(nn.logsumexp(pnp.asarray(X), axis=1, where=pnp.asarray(where)),
           jax.nn.logsumexp(X, axis=1, where=where), "logsumexp where", rtol=1e-5)


@pytest.mark.parametrize("axis,dtype", [(-1, None), (0, None), (1, "int32"), (-2, "bfloat16")])
def test_one_hot(axis, dtype):
    labels = np.array([[0, 2, 1], [3, -1, 4]], np.int32)
    _close(nn.one_hot(pnp.asarray(labels), 4, axis=axis, dtype=dtype),
           jax.nn.one_hot(labels, 4, axis=axis, dtype=dtype), "one_hot")


INIT_CASES = [
    ("zeros", lambda i: i.zeros, (3, 4)),
    ("ones", lambda i: i.ones, (3, 4)),
    ("constant", lambda i: i.constant(-7.0), (2, 3)),
    ("uniform", lambda i: i.uniform(3.0), (5, 4)),
    ("normal", lambda i: i.normal(0.5), (5, 4)),
    ("glorot_uniform", lambda i: i.glorot_uniform(), (5, 7)),
    ("xavier_uniform_conv", lambda i: i.xavier_uniform(), (3, 3, 4, 8)),
    ("lecun_uniform", lambda i: i.lecun_uniform(), (6, 3)),
    ("he_uniform", lambda i: i.he_uniform(in_axis=0, out_axis=1), (4, 6, 2)),
    ("kaiming_uniform", lambda i: i.kaiming_uniform(), (6, 3)),
    ("vs_normal_fan_out", lambda i: i.variance_scaling(2.0, "fan_out", "normal"), (6, 3)),
    ("vs_uniform_geo", lambda i: i.variance_scaling(0.5, "fan_geo_avg", "uniform", batch_axis=0), (2, 6, 3)),
]
TRUNCATED = [
    ("truncated_normal", lambda i: i.truncated_normal(2.0), (5, 4)),
    ("glorot_normal", lambda i: i.glorot_normal(), (5, 7)),
    ("lecun_normal", lambda i: i.lecun_normal(), (6, 3)),
    ("he_normal", lambda i: i.he_normal(), (6, 3)),
    ("xavier_normal", lambda i: i.xavier_normal(), (3, 3, 4, 8)),
    ("kaiming_normal", lambda i: i.kaiming_normal(), (6, 3)),
]


@pytest.mark.parametrize("case", INIT_CASES + TRUNCATED, ids=[c[0] for c in INIT_CASES + TRUNCATED])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_initializers_same_numbers_as_jax(case, dtype):
    name, make, shape = case
    if case in TRUNCATED and not hasattr(plax, "erf_inv"):
        pytest.skip("the truncated-normal family needs lax.erf_inv (the special-functions work)")
    got = make(nn.initializers)(pb.random.key(42), shape, dtype)
    want = make(jax.nn.initializers)(jax.random.key(42), shape, dtype)
    # bit-identical, but for the truncated-normal family: lax.erf_inv is within 2 ulp of XLA's;
    # and in float16 XLA:CPU rounds the uniform draw's multiply-add once or per op depending on
    # the host, one float16 ulp of u that erf_inv's slope near the +-2 sigma bounds (~6.5)
    # turns into a few ulps of the result
    host = case in TRUNCATED and dtype == "float16"
    _close(got, want, name, rtol=5e-3 if host else 3e-7 if case in TRUNCATED else 0, atol=5e-3 if host else 0)


def test_initializer_errors_match_jax():
    for make in (lambda i: i.glorot_uniform()(KEY[i], (5,)),
                 lambda i: i.variance_scaling(1.0, "fan_bad", "uniform")(KEY[i], (2, 2)),
                 lambda i: i.variance_scaling(1.0, "fan_in", "cauchy")(KEY[i], (2, 2))):
        with pytest.raises(Exception) as want:
            make(jax.nn.initializers)
        with pytest.raises(want.type):
            make(nn.initializers)


KEY = {}


def setup_module():
    KEY[jax.nn.initializers] = jax.random.key(0)
    KEY[nn.initializers] = pb.random.key(0)


ATTN = {"q": rng.standard_normal((2, 5, 4, 8)).astype(np.float32),
        "k": rng.standard_normal((2, 6, 2, 8)).astype(np.float32),
        "v": rng.standard_normal((2, 6, 2, 8)).astype(np.float32)}
ATTN_MASK = rng.random((2, 1, 5, 6)) > 0.3


@pytest.mark.parametrize("kw", [
    {}, {"is_causal": True}, {"mask": ATTN_MASK}, {"bias": ATTN_MASK * 0.5 - 0.2, "local_window_size": (1, 1)},
    {"key_value_seq_lengths": np.array([3, 6], np.int32), "query_seq_lengths": np.array([5, 2], np.int32)},
    {"scale": 0.3},
], ids=["plain", "causal", "mask", "bias_window", "seq_lengths", "scale"])
def test_dot_product_attention_matches_jax(kw):
    q, k, v = ATTN["q"], ATTN["k"], ATTN["v"]
    want = jax.nn.dot_product_attention(q, k, v, **kw)
    _close(nn.dot_product_attention(q, k, v, **kw), want, "attention", rtol=1e-5, atol=1e-6)
    _close(pb.jit(lambda a, b, c: nn.dot_product_attention(a, b, c, **kw))(q, k, v), want, "attention jit",
           rtol=1e-5, atol=1e-6)


def test_dot_product_attention_grads_and_unbatched():
    q, k, v = (pnp.asarray(ATTN[n][0, :3, :2, :4]) for n in "qkv")
    check_grads(lambda a, b, c: nn.dot_product_attention(a, b, c, is_causal=True), [q, k, v], order=2,
                modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)
    _close(nn.dot_product_attention(ATTN["q"][0], ATTN["k"][0], ATTN["v"][0]),
           jax.nn.dot_product_attention(ATTN["q"][0], ATTN["k"][0], ATTN["v"][0]), "unbatched", rtol=1e-5)
    with pytest.raises(ValueError):
        nn.dot_product_attention(ATTN["q"][:, :, :3], ATTN["k"], ATTN["v"])
