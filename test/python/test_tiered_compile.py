"""Tiered compilation (runtime/tier_up.py, runtime/native_jit.py, passes/estimate_work.py):
cheap kernels run unoptimized until a program's second call has them optimized in the
background; both tiers must compute the same bits, and expensive kernels are optimized at once."""
from __future__ import annotations

import ctypes
import warnings

import numpy as np
import pytest

import pullback as jax
import pullback.numpy as jnp
from pullback.runtime import flush_disk_cache, native_jit, tier_up

from harness import run_in_threads

pytestmark = pytest.mark.skipif(not native_jit.available(), reason="LLVM C API not exposed by this MLIR wheel")


@pytest.fixture(autouse=True)
def no_disk_cache(monkeypatch):
    monkeypatch.setenv("PULLBACK_CACHE", "0")  # with the cache on, tier-up starts at once
    monkeypatch.delenv(tier_up.TIERED_ENV, raising=False)


def compiled(fn, *args):
    """(Executable, NativeProgram) of a fresh compile of jit(fn) at these arguments."""
    jax.clear_caches()
    exe = jax.jit(fn).lower(*args).compile()
    return exe, exe.entry._owner


def mlp_grad(w1, b1, w2, x):
    def loss(w1, b1, w2):
        h = jnp.tanh(x @ w1 + b1)
        return jnp.sum(jnp.tanh(h @ w2) ** 2)
    return jax.grad(loss, argnums=(0, 1, 2))(w1, b1, w2)


def mlp_args():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((64, 64)).astype(np.float32) * 0.1, rng.standard_normal(64).astype(np.float32),
            rng.standard_normal((64, 64)).astype(np.float32) * 0.1, rng.standard_normal((32, 64)).astype(np.float32))


def cell_targets(program):
    return {name: ctypes.c_uint64.from_address(program.lookup(name + native_jit.TIER_CELL)).value
            for name in program.deferred}


def test_cheap_kernels_run_unoptimized_until_the_second_call():
    args = mlp_args()
    exe, program = compiled(mlp_grad, *args)
    assert program.deferred and program.tier_up is not None
    tier0 = {name: program.lookup(name + native_jit.TIER0_BODY) for name in program.deferred}
    first = exe(*args)
    assert not program.tier_up.started  # called once: nothing more to compile
    assert cell_targets(program) == tier0
    second = exe(*args)
    assert program.tier_up.started
    assert program.wait_optimized(timeout=60)
    optimized = cell_targets(program)
    assert all(optimized[name] == program._optimized.lookup(name) != tier0[name] for name in program.deferred)
    third = exe(*args)
    for a, b, c in zip(first, second, third):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


def test_programs_called_once_hold_no_background_work():
    args = mlp_args()
    exe, program = compiled(mlp_grad, *args)
    exe(*args)
    assert tier_up.wait_all(timeout=60)
    assert not program.tier_up.started and program._optimized is None


# Programs whose kernels both tiers must compute bit for bit: transcendental polynomials,
# reductions in a fixed order, integer arithmetic, gathers and scatters, float64. (Sorts are
# while loops: never deferred.)
def _softmax_xent(x, y):
    return jnp.sum(jax.nn.log_softmax(x) * y, axis=-1)


def _specials(x):
    return jax.scipy.special.erf(x) + jax.scipy.special.gammaln(jnp.abs(x) + 1) + jnp.sinh(x) * jnp.exp(-x * x)


def _reductions(x):
    return jnp.cumsum(x, axis=0), jnp.max(x, axis=1), jnp.argmax(x, axis=0), jax.nn.logsumexp(x, axis=1)


def _integers(i, x):
    return ((i * 7 + 3) // 5 % 11).astype(jnp.float32) * x, jnp.where(i ^ (i >> 2) > 20, x, -x)


def _gather_scatter(x, i):
    return jnp.take(x, i, axis=0), jnp.zeros_like(x).at[i].add(x[: i.shape[0]])


_rng = np.random.default_rng(1)
_x = _rng.standard_normal((48, 40)).astype(np.float32)
_i = _rng.integers(0, 48, (48, 40)).astype(np.int32)
PROGRAMS = {
    "mlp grad": (mlp_grad, mlp_args()),
    "softmax cross-entropy": (_softmax_xent, (_x, np.abs(_x))),
    "special functions": (_specials, (_x,)),
    "reductions": (_reductions, (_x,)),
    "integers": (_integers, (_i, _x)),
    "gather and scatter": (_gather_scatter, (_x, _i[:, 0])),
    "float64 via the vjp of sin": (lambda x: jax.vjp(jnp.sin, x)[1](x), (_x.astype(np.float64),)),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_both_tiers_compute_the_same_bits(monkeypatch, name):
    fn, args = PROGRAMS[name]
    with jax.enable_x64(any(a.dtype == np.float64 for a in args)):
        monkeypatch.setenv(tier_up.TIERED_ENV, "tier0")  # stays on tier 0
        exe, program = compiled(fn, *args)
        assert program.deferred, "nothing ran unoptimized: the comparison would be vacuous"
        unoptimized = exe(*args)
        monkeypatch.setenv(tier_up.TIERED_ENV, "0")  # everything optimized before the first call
        exe, program = compiled(fn, *args)
        assert not program.deferred
        optimized = exe(*args)
    assert len(unoptimized) == len(optimized)
    for a, b in zip(unoptimized, optimized):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes()


def test_loops_of_matmuls_are_optimized_at_once(monkeypatch):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((128, 128)).astype(np.float32) * 0.05
    xs = rng.standard_normal((50, 16, 128)).astype(np.float32)
    seen = []
    classify = native_jit._kernels
    monkeypatch.setattr(native_jit, "_kernels", lambda module: seen.append(classify(module)) or seen[-1])

    def rnn(w, xs):
        h, _ = jax.lax.scan(lambda h, x: (jnp.tanh(h @ w + x), None), jnp.zeros((16, 128), jnp.float32), xs)
        return h
    exe, program = compiled(rnn, w, xs)
    expected = np.zeros((16, 128), np.float32)
    for x in xs:
        expected = np.tanh(expected @ w + x)
    np.testing.assert_allclose(exe(w, xs)[0], expected, rtol=1e-4, atol=1e-5)
    _, kernels = seen[-1]
    scan = [name for _, work, name in kernels if work is not None and work > tier_up.DEFERRED_WORK_BUDGET]
    assert scan and not set(scan) & program.deferred  # 50 steps of a 16x128x128 matmul: optimized now


def test_the_budget_takes_the_cheapest_kernels_first():
    kernels = [(5, 30, "c"), (5, 10, "a"), (5, None, "unannotated"), (5, 20, "b")]
    assert native_jit._deferrable(kernels, 30) == {"a", "b"}
    assert native_jit._deferrable(kernels, 9) == set()
    assert native_jit._deferrable(kernels, 60) == {"a", "b", "c"}


def test_a_failed_tier_up_warns_and_keeps_tier0_code(monkeypatch):
    args = mlp_args()
    exe, program = compiled(mlp_grad, *args)
    expected = exe(*args)

    def fail(unit):
        raise native_jit.llvm_c.LLVMError("injected")
    monkeypatch.setattr(native_jit._Unit, "compile", fail)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exe(*args)  # the second call starts the tier-up, which fails
        assert program.tier_up.wait(timeout=60)
    assert any("keeps running unoptimized code" in str(w.message) and "injected" in str(w.message) for w in caught)
    assert not program.wait_optimized(timeout=0)
    for a, b in zip(expected, exe(*args)):
        np.testing.assert_array_equal(a, b)


def test_calls_from_threads_across_the_switch():
    args = mlp_args()
    exe, program = compiled(mlp_grad, *args)
    expected = exe(*args)
    results = []

    def work(i):
        for _ in range(20):
            results.append(exe(*args))
    run_in_threads(work, 3)
    assert program.wait_optimized(timeout=60)
    for out in results:
        for a, b in zip(expected, out):
            np.testing.assert_array_equal(a, b)


def test_with_the_disk_cache_the_optimized_program_is_written(monkeypatch, tmp_path):
    from pullback.runtime import disk_cache
    if disk_cache.find_compiler() is None:
        pytest.skip("no C compiler")
    monkeypatch.setenv("PULLBACK_CACHE", "1")
    monkeypatch.setenv("PULLBACK_CACHE_DIR", str(tmp_path))
    args = mlp_args()
    exe, program = compiled(mlp_grad, *args)
    exe(*args)
    assert program.tier_up.started  # at once: the cache wants the optimized program
    flush_disk_cache()
    objects = program.tier_up.final_objects
    assert objects and not any(native_jit.TIER0_BODY.encode() in o or native_jit.TIER_CELL.encode() in o
                               for o in objects)
    assert len(list(tmp_path.glob("*.so"))) == 1
