"""lax.conv_* / reduce_window / jnp.convolve against JAX (the oracle): values eager and under
jit, gradients (check_grads, and JAX's own gradients), vmap, errors, and a small CNN trained
for a few SGD steps. The op-level rules (reference, order-2 grads, batching) are also covered
by the spec rows of test/python/op_specs/convolution.py."""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pj
import pullback.numpy as pnp
from pullback import test_util
from pullback.passes import blas

from harness import assert_same_as_jax

jax = pytest.importorskip("jax")
jnp = jax.numpy

RNG = np.random.default_rng(0)


# (lhs shape, rhs shape, dimension_numbers, keyword arguments)
CONVS = [
    ((2, 3, 7, 6), (4, 3, 3, 2), ("NCHW", "OIHW", "NCHW"), dict(window_strides=(1, 1), padding="SAME")),
    ((2, 7, 6, 4), (3, 2, 2, 6), ("NHWC", "HWIO", "NHWC"),
     dict(window_strides=(2, 1), padding=((1, 2), (-1, 1)), lhs_dilation=(1, 2), rhs_dilation=(2, 1),
          feature_group_count=2)),
    ((4, 3, 9), (6, 3, 2), ("NCH", "OIH", "NHC"),
     dict(window_strides=(2,), padding=((2, 1),), lhs_dilation=(2,), batch_group_count=2)),
    ((2, 2, 5, 4, 3), (4, 2, 2, 2, 1), ("NCHWD", "OIHWD", "NCHWD"),
     dict(window_strides=(1, 2, 1), padding="VALID", rhs_dilation=(1, 1, 2))),
    ((3, 5, 5, 2), (2, 2, 2, 4), ("NHWC", "HWIO", "NCHW"), dict(window_strides=(2, 2), padding="SAME")),
]
POOLS = [  # (shape, kind, window, strides, padding, base dilation, window dilation)
    ((2, 6, 6, 3), "max", (1, 2, 2, 1), (1, 2, 2, 1), "VALID", None, None),
    ((3, 7, 5), "min", (2, 3, 1), (1, 2, 2), ((1, 0), (0, 2), (-1, 1)), (1, 2, 1), (1, 1, 2)),
    ((2, 9), "add", (3, 2), (1, 3), "SAME", (2, 1), (1, 2)),
    ((4, 5), "max", (3, 3), (1, 1), "SAME", None, None),
]


def _conv_fns(dn, kw):
    def fj(x, w):
        return jax.lax.conv_general_dilated(x, w, dimension_numbers=dn, precision="highest", **kw)

    def fp(x, w):
        return pj.lax.conv_general_dilated(x, w, dimension_numbers=dn, **kw)
    return fj, fp


def _pool_fns(kind, window, strides, padding, base, wdil):
    inits = {"max": -np.inf, "min": np.inf, "add": 0.0}

    def make(lax):
        op = {"max": lax.max, "min": lax.min, "add": lax.add}[kind]
        return lambda x: lax.reduce_window(x, inits[kind], op, window, strides, padding, base, wdil)
    return make(jax.lax), make(pj.lax)


def _close(a, b, tol=1e-4):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


@pytest.mark.parametrize("case", range(len(CONVS)))
def test_conv_matches_jax_eager_and_jit(case):
    ls, rs, dn, kw = CONVS[case]
    x, w = RNG.standard_normal(ls).astype("float32"), RNG.standard_normal(rs).astype("float32")
    fj, fp = _conv_fns(dn, kw)
    want = fj(x, w)
    _close(fp(x, w), want)
    _close(pj.jit(fp)(x, w), want)


@pytest.mark.parametrize("case", range(len(CONVS)))
def test_conv_grads(case, both_x64):
    ls, rs, dn, kw = CONVS[case]
    x, w = RNG.standard_normal(ls), RNG.standard_normal(rs)
    fj, fp = _conv_fns(dn, kw)
    test_util.check_grads(fp, (x, w), order=2, modes=("fwd", "rev"))
    ct = RNG.standard_normal(np.shape(fj(x, w)))
    for got, want in zip(pj.vjp(fp, x, w)[1](ct), jax.vjp(fj, x, w)[1](ct)):
        _close(got, want, 1e-10)


@pytest.mark.parametrize("case", range(len(CONVS)))
def test_conv_vmap(case):
    ls, rs, dn, kw = CONVS[case]
    fj, fp = _conv_fns(dn, kw)
    x, w = RNG.standard_normal((3,) + ls).astype("float32"), RNG.standard_normal((3,) + rs).astype("float32")
    for in_axes in [(0, None), (None, 0), (0, 0)]:
        args = [x if in_axes[0] is not None else x[0], w if in_axes[1] is not None else w[0]]
        _close(pj.vmap(fp, in_axes=in_axes)(*args), jax.vmap(fj, in_axes=in_axes)(*args))


# Stride-1 ungrouped float convolutions large enough to lower as sums of per-tap matmuls
# calling OpenBLAS (dialects/ops/convolution.py, TAP_SUM): layouts, 1-3 spatial dimensions,
# kernel and input dilation, cropping and asymmetric padding, a single image (its rows split
# across cores instead of the images).
TAP_SUM_CONVS = [
    ((2, 16, 16, 32), (3, 3, 32, 24), ("NHWC", "HWIO", "NHWC"), dict(window_strides=(1, 1), padding="SAME")),
    ((3, 32, 21, 23), (40, 32, 2, 3), ("NCHW", "OIHW", "NCHW"), dict(window_strides=(1, 1), padding="VALID")),
    ((2, 14, 21, 32), (3, 2, 32, 32), ("NHWC", "HWIO", "NCHW"),
     dict(window_strides=(1, 1), padding=((2, 1), (-1, 3)), rhs_dilation=(2, 3))),
    ((2, 9, 16, 32), (3, 3, 32, 32), ("NHWC", "HWIO", "NHWC"),
     dict(window_strides=(1, 1), padding=((1, 1), (2, 0)), lhs_dilation=(2, 1))),
    ((1, 40, 40, 16), (5, 5, 16, 64), ("NHWC", "HWIO", "NHWC"), dict(window_strides=(1, 1), padding="SAME")),
    ((4, 300, 16), (5, 16, 32), ("NWC", "WIO", "NWC"), dict(window_strides=(1,), padding="SAME")),
    ((2, 4, 24, 24, 16), (2, 3, 3, 16, 24), ("NDHWC", "DHWIO", "NDHWC"),
     dict(window_strides=(1, 1, 1), padding="SAME")),
]


def _sums_taps(fp, *args) -> bool:
    return "pb.conv_tap_sum" in pj.jit(fp).lower(*args).as_text("linalg")


@pytest.mark.skipif(not blas.enabled(), reason="scipy-openblas32 is not installed")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", range(len(TAP_SUM_CONVS)))
def test_conv_as_tap_sums_matches_jax(case, dtype, both_x64):
    ls, rs, dn, kw = TAP_SUM_CONVS[case]
    x, w = RNG.standard_normal(ls).astype(dtype), RNG.standard_normal(rs).astype(dtype)
    fj, fp = _conv_fns(dn, kw)
    assert _sums_taps(fp, x, w)
    assert_same_as_jax(pj.jit(fp)(x, w), fj(x, w), f"case {case}", rtol=1e-4 if dtype == "float32" else 1e-10,
                       atol=1e-4 if dtype == "float32" else 1e-10)


@pytest.mark.skipif(not blas.enabled(), reason="scipy-openblas32 is not installed")
@pytest.mark.parametrize("case", [0, 2])
def test_conv_as_tap_sums_grads_and_vmap(case):
    """The input gradient is another stride-1 convolution (tap sums again), the weight
    gradient's wide window keeps im2col; vmap folds members into the batch or features."""
    ls, rs, dn, kw = TAP_SUM_CONVS[case]
    fj, fp = _conv_fns(dn, kw)
    x, w = RNG.standard_normal(ls).astype("float32"), RNG.standard_normal(rs).astype("float32")
    ct = RNG.standard_normal(np.shape(fj(x, w))).astype("float32")
    grads = pj.jit(lambda x, w, ct: pj.vjp(fp, x, w)[1](ct))
    assert "pb.conv_tap_sum" in grads.lower(x, w, ct).as_text("linalg")
    assert_same_as_jax(grads(x, w, ct), jax.vjp(fj, x, w)[1](ct), "vjp", rtol=1e-4, atol=1e-3)
    xs, ws = np.stack([x, 2 * x]), np.stack([w, -w])
    for in_axes, args in [((0, None), (xs, w)), ((None, 0), (x, ws)), ((0, 0), (xs, ws))]:
        assert_same_as_jax(pj.jit(pj.vmap(fp, in_axes=in_axes))(*args), jax.vmap(fj, in_axes=in_axes)(*args),
                           f"vmap {in_axes}", rtol=1e-4, atol=1e-3)


def test_small_or_strided_convs_keep_im2col():
    x, w = np.ones((2, 16, 16, 32), "float32"), np.ones((3, 3, 32, 24), "float32")
    dn = ("NHWC", "HWIO", "NHWC")
    strided = _conv_fns(dn, dict(window_strides=(2, 1), padding="SAME"))[1]
    grouped = _conv_fns(dn, dict(window_strides=(1, 1), padding="SAME", feature_group_count=2))[1]
    assert not _sums_taps(strided, x, w)
    assert not _sums_taps(grouped, x, np.ones((3, 3, 16, 24), "float32"))
    same = _conv_fns(dn, dict(window_strides=(1, 1), padding="SAME"))[1]
    assert _sums_taps(same, x, w)
    assert not _sums_taps(same, np.ones((2, 16, 16, 4), "float32"), np.ones((3, 3, 4, 24), "float32"))
    assert not _sums_taps(same, np.ones((2, 4, 4, 32), "float32"), w)  # the grid's extra columns cost too much


@pytest.mark.parametrize("case", range(len(POOLS)))
def test_reduce_window_matches_jax(case, both_x64):
    shape, *params = POOLS[case]
    fj, fp = _pool_fns(*params)
    x = RNG.standard_normal(shape)
    _close(fp(x), fj(x), 1e-12)
    _close(pj.jit(fp)(x), fj(x), 1e-12)
    test_util.check_grads(fp, (x,), order=2, modes=("fwd", "rev"))
    ct = RNG.standard_normal(np.shape(fj(x)))
    if params[0] == "add" or params[-1] is None:  # JAX has no max/min-pool VJP with window dilation
        _close(pj.vjp(fp, x)[1](ct)[0], jax.vjp(fj, x)[1](ct)[0], 1e-12)
    xb = RNG.standard_normal((2,) + shape)
    _close(pj.vmap(fp)(xb), jax.vmap(fj)(xb), 1e-12)


def test_max_pool_ties_pick_the_first_maximum_as_jax():
    x = np.array([[1., 3., 3., 0.], [3., 2., 1., 1.], [0., 0., 5., 5.], [5., 5., 5., 5.]], np.float32)
    fj, fp = _pool_fns("max", (2, 2), (1, 1), "VALID", None, None)
    ct = RNG.standard_normal((3, 3)).astype("float32")
    _close(pj.grad(lambda x: (fp(x) * ct).sum())(x), jax.grad(lambda x: (fj(x) * ct).sum())(x), 1e-6)
    t = np.arange(16, dtype=np.float32).reshape(4, 4)
    _close(pj.jvp(fp, (x,), (t,))[1], jax.jvp(fj, (x,), (t,))[1], 1e-6)


def test_reduce_window_initial_values_other_than_the_identity():
    x = RNG.standard_normal((5, 4)).astype("float32")
    for op, init in [("add", 1.5), ("max", 0.25), ("min", -0.5)]:
        want = jax.lax.reduce_window(x, np.float32(init), getattr(jax.lax, op), (2, 3), (1, 1), "SAME", (2, 1))
        got = pj.lax.reduce_window(x, np.float32(init), getattr(pj.lax, op), (2, 3), (1, 1), "SAME", (2, 1))
        _close(got, want, 1e-5)


def test_reduce_window_other_reducers_are_not_implemented():
    with pytest.raises(NotImplementedError, match="lax.add, lax.max and lax.min"):
        pj.lax.reduce_window(np.ones((3,), np.float32), 1.0, pj.lax.mul, (2,), (1,), "VALID")


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_and_correlate(mode):
    for n, m in [(7, 3), (3, 7), (4, 4)]:
        a, v = RNG.standard_normal(n).astype("float32"), RNG.standard_normal(m).astype("float32")
        _close(pnp.convolve(a, v, mode), jnp.convolve(a, v, mode), 1e-5)
        _close(pnp.correlate(a, v, mode), jnp.correlate(a, v, mode), 1e-5)
    _close(pnp.convolve(np.arange(4), np.arange(3)), jnp.convolve(np.arange(4), np.arange(3)))


def test_conv_transpose_and_helpers_match_jax():
    x = RNG.standard_normal((2, 5, 6, 3)).astype("float32")
    w = RNG.standard_normal((3, 3, 3, 4)).astype("float32")
    for padding in ["SAME", "VALID", ((1, 2), (0, 1))]:
        for tk in (False, True):
            w_ = w if not tk else RNG.standard_normal((3, 3, 4, 3)).astype("float32")
            _close(pj.lax.conv_transpose(x, w_, (2, 1), padding, transpose_kernel=tk),
                   jax.lax.conv_transpose(x, w_, (2, 1), padding, transpose_kernel=tk, precision="highest"))
    xc, wc = np.moveaxis(x, 3, 1), np.transpose(w, (3, 2, 0, 1))
    _close(pj.lax.conv(xc, wc, (1, 2), "SAME"), jax.lax.conv(xc, wc, (1, 2), "SAME", precision="highest"))
    _close(pj.lax.conv_with_general_padding(xc, wc, (1, 1), ((1, 0), (2, 1)), (2, 1), (1, 2)),
           jax.lax.conv_with_general_padding(xc, wc, (1, 1), ((1, 0), (2, 1)), (2, 1), (1, 2),
                                             precision="highest"))
    assert tuple(pj.lax.conv_dimension_numbers(x.shape, w.shape, ("NHWC", "HWIO", "NCHW"))) == \
        tuple(tuple(s) for s in jax.lax.conv_dimension_numbers(x.shape, w.shape, ("NHWC", "HWIO", "NCHW")))
    for pad in ["SAME", "SAME_LOWER", "VALID"]:
        assert pj.lax.padtype_to_pads((7, 8), (3, 2), (2, 3), pad) == \
            [tuple(p) for p in jax.lax.padtype_to_pads((7, 8), (3, 2), (2, 3), pad)]


def test_errors_name_the_user_line():
    x, w = np.ones((1, 4, 5, 5), np.float32), np.ones((6, 4, 3, 3), np.float32)
    with pytest.raises(ValueError, match=r"feature_group_count must divide[\s\S]*test_convolution.py"):
        pj.lax.conv_general_dilated(x, w, (1, 1), "SAME", feature_group_count=3)
    with pytest.raises(TypeError, match=r"duplicate characters[\s\S]*test_convolution.py"):
        pj.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NCHW", "OIHW", "NCWW"))
    with pytest.raises(ValueError, match="String padding is not implemented"):
        pj.lax.conv_general_dilated(x, w, (1, 1), "SAME", lhs_dilation=(2, 1))
    with pytest.raises(TypeError, match=r"window_dimensions[\s\S]*test_convolution.py"):
        pj.lax.reduce_window(x, -np.inf, pj.lax.max, (2, 2), (1, 1), "VALID")
    with pytest.raises(TypeError, match=r"negative padding[\s\S]*test_convolution.py"):
        pj.jit(lambda x: pj.lax.conv_general_dilated(x, w, (1, 1), ((-6, 0), (0, 0))))(x)


# ---- a small CNN, trained for a few SGD steps -----------------------------------------

def _cnn(lax, np_):
    dn = ("NHWC", "HWIO", "NHWC")

    def predict(params, x):
        w1, b1, w2, b2, w3, b3 = params
        h = np_.maximum(lax.conv_general_dilated(x, w1, (1, 1), "SAME", dimension_numbers=dn) + b1, 0.0)
        h = lax.reduce_window(h, -np.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = np_.tanh(lax.conv_general_dilated(h, w2, (1, 1), "VALID", dimension_numbers=dn) + b2)
        h = h.reshape((h.shape[0], -1))
        return h @ w3 + b3

    def loss(params, x, y):
        logits = predict(params, x)
        logits = logits - logits.max(axis=1, keepdims=True)
        logp = logits - np_.log(np_.exp(logits).sum(axis=1, keepdims=True))
        return -(logp * y).sum() / x.shape[0]
    return loss


def test_small_cnn_trains_like_jax():
    rng = np.random.default_rng(1)
    params = [rng.standard_normal(s).astype("float32") * 0.3 for s in
              [(3, 3, 1, 4), (4,), (3, 3, 4, 6), (6,), (6 * 2 * 2, 3), (3,)]]
    x = rng.standard_normal((8, 8, 8, 1)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 8)]
    results = []
    for lax, np_, jit, grad in [(jax.lax, jnp, jax.jit, jax.grad), (pj.lax, pnp, pj.jit, pj.grad)]:
        step = jit(grad(_cnn(lax, np_)))
        p = [np.array(a) for a in params]
        for _ in range(5):
            p = [a - 0.1 * np.asarray(g) for a, g in zip(p, step(p, x, y))]
        results.append((p, float(_cnn(lax, np_)(p, x, y))))
    (pj_params, pj_loss), (jax_params, jax_loss) = results[1], results[0]
    assert abs(pj_loss - jax_loss) < 1e-4
    for a, b in zip(pj_params, jax_params):
        _close(a, b, 1e-4)
