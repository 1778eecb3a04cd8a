"""pullback.random: bit-identical draws to jax.random (when jax is installed), typed and raw keys,
jit, determinism and distribution statistics."""
import contextlib

import numpy as np
import pytest

import pullback as pb
import pullback.random as random
from pullback import tree_util


@pytest.fixture
def jr():
    """jax.random, as the reference (a test/bench-only dependency)."""
    jax = pytest.importorskip("jax")
    return jax.random


@contextlib.contextmanager
def legacy_streams():
    """jax_threefry_partitionable=False in both libraries."""
    jax = pytest.importorskip("jax")
    old = jax.config.jax_threefry_partitionable
    jax.config.update("jax_threefry_partitionable", False)
    random.threefry_partitionable = False
    try:
        yield
    finally:
        jax.config.update("jax_threefry_partitionable", old)
        random.threefry_partitionable = True


@contextlib.contextmanager
def x64():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    pb.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", False)
        pb.config.update("jax_enable_x64", False)


def bits_of(a):
    """The raw bits of an array (bfloat16 arrays are ml_dtypes' on both sides)."""
    a = np.asarray(a)
    if a.dtype.kind == "f" or a.dtype.name == "bfloat16":
        return a.view({2: np.uint16, 4: np.uint32, 8: np.uint64}[a.dtype.itemsize])
    return a


def assert_bits_equal(ours, theirs):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    assert np.array_equal(bits_of(ours), bits_of(theirs)), (ours, theirs)


# ---------------------------------------------------------------- against jax.random

def test_tutorial_values_bit_identical(jr):
    key = random.key(0)
    key, W_key, b_key = random.split(key, 3)
    W, b = random.normal(W_key, (3,)), random.normal(b_key, ())
    jkey = jr.key(0)
    jkey, jW_key, jb_key = jr.split(jkey, 3)
    assert_bits_equal(W, jr.normal(jW_key, (3,)))
    assert_bits_equal(b, jr.normal(jb_key, ()))
    assert_bits_equal(random.key_data(key), jr.key_data(jkey))


@pytest.mark.parametrize("seed", [0, 1, 42, -1, 2 ** 31, 2 ** 32 + 5, 2 ** 40 + 7, np.uint32(4_000_000_000),
                                  np.int32(-5)])
def test_seeds(jr, seed):
    assert_bits_equal(random.PRNGKey(seed), jr.PRNGKey(seed))
    assert_bits_equal(random.key_data(random.key(seed)), jr.key_data(jr.key(seed)))


@pytest.mark.parametrize("num", [1, 2, 3, (2, 3), 0])
def test_split(jr, num):
    assert_bits_equal(random.key_data(random.split(random.key(7), num)), jr.key_data(jr.split(jr.key(7), num)))
    assert_bits_equal(random.split(random.PRNGKey(7), num), jr.split(jr.PRNGKey(7), num))


@pytest.mark.parametrize("data", [0, 1, 7, 2 ** 31, 2 ** 32 - 1, np.uint32(12345), np.int32(99)])
def test_fold_in(jr, data):
    assert_bits_equal(random.fold_in(random.PRNGKey(3), data), jr.fold_in(jr.PRNGKey(3), data))
    assert_bits_equal(random.key_data(random.fold_in(random.key(3), data)),
                      jr.key_data(jr.fold_in(jr.key(3), data)))


@pytest.mark.parametrize("shape", [(), (1,), (5,), (7, 33), (2, 3, 4)])
@pytest.mark.parametrize("seed", [0, 2 ** 31 - 1])
def test_uniform_and_normal(jr, shape, seed):
    assert_bits_equal(random.uniform(random.PRNGKey(seed), shape), jr.uniform(jr.PRNGKey(seed), shape))
    assert_bits_equal(random.normal(random.PRNGKey(seed), shape), jr.normal(jr.PRNGKey(seed), shape))


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_dtypes(jr, dtype):
    k, jk = random.key(11), jr.key(11)
    assert_bits_equal(random.uniform(k, (500,), dtype), jr.uniform(jk, (500,), dtype))
    # float16: XLA:CPU rounds the range's multiply-add once (an FMA) or per op depending on the
    # host (test_random_dtypes.HOST_FLOAT16): an ulp of the uniform, a few of the normal
    # (erf_inv's slope near +-1 turns that ulp into up to a few percent of a tail draw)
    if dtype != "float16":
        assert_bits_equal(random.uniform(k, (500,), dtype, -2.0, 3.0), jr.uniform(jk, (500,), dtype, -2.0, 3.0))
        assert_bits_equal(random.normal(k, (500,), dtype), jr.normal(jk, (500,), dtype))
        return
    # one rounding of floats * 5 - 2 apart: an ulp of the range's scale, many ulps of a draw near 0
    np.testing.assert_allclose(np.asarray(random.uniform(k, (500,), dtype, -2.0, 3.0), np.float32),
                               np.asarray(jr.uniform(jk, (500,), dtype, -2.0, 3.0), np.float32),
                               rtol=0, atol=float(np.spacing(np.float16(3.0))))
    np.testing.assert_allclose(np.asarray(random.normal(k, (500,), dtype), np.float32),
                               np.asarray(jr.normal(jk, (500,), dtype), np.float32), rtol=3e-2, atol=3e-3)



def test_uniform_ranges(jr):
    # XLA fuses floats * (maxval - minval) + minval into an FMA; these ranges make that visible
    k, jk = random.PRNGKey(5), jr.PRNGKey(5)
    assert_bits_equal(random.uniform(k, (4000,), minval=-3.3, maxval=7.1),
                      jr.uniform(jk, (4000,), minval=-3.3, maxval=7.1))
    lo = np.linspace(-5, 5, 100).astype(np.float32)
    assert_bits_equal(random.uniform(k, (40, 100), minval=lo, maxval=lo + np.float32(2.7)),
                      jr.uniform(jk, (40, 100), minval=lo, maxval=lo + np.float32(2.7)))


def test_normal_many_draws_bit_identical(jr):
    """The float32 ErfInv, log1p and log are XLA:CPU's to the bit: count identical draws."""
    ours = bits_of(random.normal(random.PRNGKey(123), (1000, 500)))
    theirs = bits_of(jr.normal(jr.PRNGKey(123), (1000, 500)))
    ulps = np.abs(ours.astype(np.int64) - theirs.astype(np.int64))
    assert (ulps == 0).sum() == ours.size, f"{(ulps == 0).sum()} of {ours.size} identical, max {ulps.max()} ulp"


@pytest.mark.parametrize("p, shape, mode", [(0.3, (1000,), "low"), (0.3, (1000,), "high"), (0.9, (), "low")])
def test_bernoulli(jr, p, shape, mode):
    assert_bits_equal(random.bernoulli(random.key(2), p, shape, mode), jr.bernoulli(jr.key(2), p, shape, mode))


def test_bernoulli_array_p(jr):
    p = np.linspace(0, 1, 100).astype(np.float32)
    assert_bits_equal(random.bernoulli(random.key(2), p), jr.bernoulli(jr.key(2), p))
    assert_bits_equal(random.bernoulli(random.key(2), p, (3, 100)), jr.bernoulli(jr.key(2), p, (3, 100)))


@pytest.mark.parametrize("lo, hi, dtype", [(0, 10, None), (-5, 5, "int32"), (0, 2 ** 31 - 1, None),
                                           (-2 ** 31, 2 ** 31 - 1, None), (3, 3, None), (7, 2, None),
                                           (0, 100, "int8"), (-128, 128, "int8"), (0, 1000, "uint32")])
def test_randint(jr, lo, hi, dtype):
    kw = {} if dtype is None else {"dtype": dtype}
    assert_bits_equal(random.randint(random.key(4), (2000,), lo, hi, **kw),
                      jr.randint(jr.key(4), (2000,), lo, hi, **kw))


def test_randint_array_bounds(jr):
    lo = np.arange(10, dtype=np.int32)
    assert_bits_equal(random.randint(random.key(4), (3, 10), lo, lo * 3 + 1),
                      jr.randint(jr.key(4), (3, 10), lo, lo * 3 + 1))


@pytest.mark.parametrize("n", [1, 2, 10, 1000, 2000])
def test_permutation_of_n(jr, n):
    assert_bits_equal(random.permutation(random.key(n), n), jr.permutation(jr.key(n), n))


@pytest.mark.parametrize("axis, independent", [(0, False), (1, False), (1, True), (0, True)])
def test_permutation_of_array(jr, axis, independent):
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    assert_bits_equal(random.permutation(random.key(0), x, axis, independent),
                      jr.permutation(jr.key(0), x, axis, independent))


def test_legacy_streams(jr):
    with legacy_streams():
        assert_bits_equal(random.key_data(random.split(random.key(0), 3)), jr.key_data(jr.split(jr.key(0), 3)))
        assert_bits_equal(random.split(random.PRNGKey(1), (2, 3)), jr.split(jr.PRNGKey(1), (2, 3)))
        for shape in [(), (7,), (4, 5)]:
            assert_bits_equal(random.normal(random.PRNGKey(3), shape), jr.normal(jr.PRNGKey(3), shape))
        for dtype in ["float16", "bfloat16"]:  # 16- and 8-bit words packed four or two to a hash
            assert_bits_equal(random.uniform(random.PRNGKey(3), (5,), dtype), jr.uniform(jr.PRNGKey(3), (5,), dtype))
        assert_bits_equal(random.randint(random.PRNGKey(4), (101,), -7, 99), jr.randint(jr.PRNGKey(4), (101,), -7, 99))
        assert_bits_equal(random.fold_in(random.PRNGKey(4), 9), jr.fold_in(jr.PRNGKey(4), 9))
        assert_bits_equal(random.permutation(random.PRNGKey(4), 10), jr.permutation(jr.PRNGKey(4), 10))


def test_x64(jr):
    with x64():
        assert_bits_equal(random.PRNGKey(-1), jr.PRNGKey(-1))
        assert_bits_equal(random.PRNGKey(2 ** 40 + 7), jr.PRNGKey(2 ** 40 + 7))
        k, jk = random.PRNGKey(3), jr.PRNGKey(3)
        assert random.uniform(k, (3,)).dtype == np.float64
        assert_bits_equal(random.uniform(k, (2000,)), jr.uniform(jk, (2000,)))
        assert_bits_equal(random.uniform(k, (2000,), minval=-1.3, maxval=2.9),
                          jr.uniform(jk, (2000,), minval=-1.3, maxval=2.9))
        assert_bits_equal(random.normal(k, (20000,)), jr.normal(jk, (20000,)))
        for lo, hi, dtype in [(-3, 10 ** 12, None), (-2 ** 63, 2 ** 63 - 1, None), (0, 2 ** 32, "uint32")]:
            # int64 via unsigned 64-bit remainders; the last span wraps to 0 (remainder by 0 is a no-op)
            assert_bits_equal(random.randint(k, (2000,), lo, hi, dtype), jr.randint(jk, (2000,), lo, hi, dtype))


# ---------------------------------------------------------------- keys

def test_typed_keys():
    key = random.key(0)
    assert key.shape == () and key.ndim == 0 and str(key.dtype) == "key<fry>"
    keys = random.split(key, 3)
    assert isinstance(keys, random.PRNGKeyArray) and keys.shape == (3,) and len(keys) == 3
    a, b, c = keys
    assert a.shape == () and np.array_equal(random.key_data(b), random.key_data(keys)[1])
    assert np.array_equal(random.key_data(keys[1:]), random.key_data(keys)[1:])
    assert np.array_equal(random.key_data(keys[-1]), random.key_data(c))
    grid = random.split(key, (2, 3))
    assert grid.shape == (2, 3) and grid[1].shape == (3,) and grid[1, 2].shape == ()
    assert grid.reshape(6).shape == (6,) and grid[..., 0].shape == (2,)
    assert bool(keys[0] == a) and not bool(keys[0] == b) and bool(keys[0] != b)
    assert "key<fry>" in repr(key)
    data = random.key_data(keys)
    assert data.dtype == np.uint32 and data.shape == (3, 2)
    assert np.array_equal(random.key_data(random.wrap_key_data(data)), data)
    assert tree_util.tree_leaves(keys)[0] is random.key_data(keys)


def test_raw_and_typed_keys_agree():
    raw, typed = random.PRNGKey(5), random.key(5)
    assert not isinstance(raw, random.PRNGKeyArray) and raw.shape == (2,) and raw.dtype == np.uint32
    assert np.array_equal(raw, random.key_data(typed))
    assert not isinstance(random.split(raw), random.PRNGKeyArray)
    assert isinstance(random.split(typed), random.PRNGKeyArray)
    assert np.array_equal(random.split(raw), random.key_data(random.split(typed)))
    assert np.array_equal(random.normal(raw, (4,)), random.normal(typed, (4,)))
    assert np.array_equal(random.normal(np.asarray(raw), (4,)), random.normal(typed, (4,)))


def test_jit_matches_eager():
    key = random.key(1)
    f = pb.jit(random.normal, static_argnums=(1,))
    assert np.array_equal(f(key, (3, 4)), random.normal(key, (3, 4)))

    @pb.jit
    def step(key):  # keys as jit arguments and results (a pytree node)
        key, sub = random.split(key)
        return key, random.uniform(sub, (5,), minval=-1.0, maxval=1.0), random.randint(sub, (5,), 0, 9)

    k2, u, r = step(key)
    e_key, e_sub = random.split(key)
    assert isinstance(k2, random.PRNGKeyArray)
    assert np.array_equal(random.key_data(k2), random.key_data(e_key))
    assert np.array_equal(u, random.uniform(e_sub, (5,), minval=-1.0, maxval=1.0))
    assert np.array_equal(r, random.randint(e_sub, (5,), 0, 9))
    assert np.array_equal(pb.jit(lambda k: random.permutation(k, 7))(key), random.permutation(key, 7))
    assert np.array_equal(pb.jit(lambda k: random.fold_in(k, 3))(random.PRNGKey(2)),
                          random.fold_in(random.PRNGKey(2), 3))
    assert "pb." in str(pb.make_jaxpr(lambda k: random.normal(k, (2,)))(key))
    seeded = pb.jit(lambda s: random.normal(random.key(s), (3,)))  # a traced seed
    assert np.array_equal(seeded(5), random.normal(random.key(5), (3,)))
    keys = pb.jit(lambda k: random.split(k, (2, 2)))(key)
    assert isinstance(keys, random.PRNGKeyArray) and keys.shape == (2, 2)
    assert np.array_equal(random.key_data(keys), random.key_data(random.split(key, (2, 2))))


def test_under_grad():
    if not hasattr(pb, "grad"):
        pytest.skip("pullback.grad is not available")
    key = random.key(0)
    g = pb.grad(lambda w: pb.numpy.sum(w * random.normal(key, (3,))))(pb.numpy.ones(3))
    assert np.array_equal(g, random.normal(key, (3,)))


def test_determinism():
    k = random.key(9)
    assert np.array_equal(random.normal(k, (100,)), random.normal(k, (100,)))
    assert np.array_equal(random.normal(random.key(9), (100,)), random.normal(k, (100,)))
    a, b = random.split(k)
    assert not np.array_equal(random.normal(a, (100,)), random.normal(b, (100,)))
    assert not np.array_equal(random.normal(random.fold_in(k, 1), (100,)), random.normal(random.fold_in(k, 2), (100,)))
    assert not np.array_equal(random.normal(k, (100,)), random.normal(random.key(10), (100,)))


# ---------------------------------------------------------------- statistics

def test_uniform_statistics():
    u = np.asarray(random.uniform(random.key(0), (200_000,)))
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    hist = np.histogram(u, bins=20, range=(0, 1))[0]
    assert np.all(np.abs(hist - 10_000) < 600)
    v = np.asarray(random.uniform(random.key(1), (50_000,), minval=-2.0, maxval=3.0))
    assert v.min() >= -2.0 and v.max() < 3.0 and abs(v.mean() - 0.5) < 0.05


def test_normal_statistics():
    z = np.asarray(random.normal(random.key(0), (200_000,)), dtype=np.float64)
    assert np.isfinite(z).all()
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    assert abs(np.mean(z ** 3)) < 0.03 and abs(np.mean(z ** 4) - 3) < 0.1
    for q, expect in [(-1.0, 0.158655), (0.0, 0.5), (1.96, 0.975002)]:
        assert abs(np.mean(z < q) - expect) < 0.004


def test_discrete_statistics():
    b = np.asarray(random.bernoulli(random.key(0), 0.3, (100_000,)))
    assert b.dtype == np.bool_ and abs(b.mean() - 0.3) < 0.01
    r = np.asarray(random.randint(random.key(0), (100_000,), -3, 7))
    assert r.dtype == np.int32 and r.min() == -3 and r.max() == 6
    assert np.all(np.abs(np.bincount(r + 3) - 10_000) < 600)
    assert np.all(np.asarray(random.randint(random.key(0), (100,), 5, 5)) == 5)


def test_permutation_is_uniform():
    for n in (1, 5, 33):
        assert sorted(np.asarray(random.permutation(random.key(n), n)).tolist()) == list(range(n))
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    rows = np.asarray(random.permutation(random.key(3), x))
    assert sorted(rows[:, 0].tolist()) == [0.0, 4.0, 8.0] and np.array_equal(rows[:, 1] - rows[:, 0], [1, 1, 1])
    cols = np.asarray(random.permutation(random.key(3), x, axis=1, independent=True))
    assert all(sorted(c) == list(x[i]) for i, c in enumerate(cols.tolist()))
    # each of the 24 orders of 4 items appears about equally often
    counts = {}
    for i in range(1200):
        p = tuple(np.asarray(random.permutation(random.fold_in(random.key(0), i), 4)).tolist())
        counts[p] = counts.get(p, 0) + 1
    assert len(counts) == 24
    chi2 = sum((c - 50) ** 2 / 50 for c in counts.values())
    assert chi2 < 60  # 23 degrees of freedom: p < 1e-4 above this


# ---------------------------------------------------------------- errors

def test_errors():
    key = random.key(0)
    with pytest.raises(ValueError, match="single key"):
        random.normal(random.split(key, 2), (3,))
    with pytest.raises(ValueError, match="single key"):
        random.split(random.split(key, 2))
    with pytest.raises(TypeError, match="uint32"):
        random.normal(np.zeros(2, np.int32), (3,))
    with pytest.raises(TypeError, match=r"end with \(2,\)"):
        random.normal(np.zeros(3, np.uint32), (3,))
    with pytest.raises(ValueError, match="float dtype"):
        random.uniform(key, (3,), dtype=np.int32)
    with pytest.raises(TypeError, match="floating dtype"):
        random.bernoulli(key, 1)
    with pytest.raises(TypeError, match="integer dtypes"):
        random.randint(key, (3,), 0, 5, dtype=np.float32)
    with pytest.raises(ValueError, match="broadcast-compatible"):
        random.uniform(key, (3,), minval=np.zeros(4, np.float32))
    with pytest.raises(TypeError, match="scalar seed"):
        random.key(np.arange(3))
    with pytest.raises(TypeError, match="integer"):
        random.key(1.5)
    with pytest.raises(TypeError, match="scalar"):
        random.fold_in(key, np.arange(2))
    with pytest.raises(TypeError, match="integer or at least 1-dimensional"):
        random.permutation(key, 2.5)
    with pytest.raises(ValueError, match="mode"):
        random.bernoulli(key, 0.5, mode="mid")
