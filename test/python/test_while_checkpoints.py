"""Reverse mode through `while_loop(..., max_steps=N, checkpoints=K)`: the binomial (revolve)
checkpoint schedule of passes/checkpoint_schedule.py, built by passes/control_partial_eval.py.

JAX has no bounded while loop: its oracle is the same loop written as the lax.scan of N
guarded steps it equals (a step runs the body while the predicate holds and passes the carry
through after). Besides values and gradients, the tests count the steps reverse mode runs
(a host callback in the body) against revolve's minimum, and measure the peak memory of
grad (fresh processes, peak RSS) against K and N and the uniform two-level schedule."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback import lax as plax
from pullback.passes.checkpoint_schedule import beta, evaluations, recomputations, repetitions, split
from pullback.test_util import check_grads


def close(a, b, tol=2e-4):
    for u, v in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=tol, atol=tol)


def bounded_while(lib, cond, body, init, n, k):
    """while_loop with max_steps = n in pullback; in JAX the scan of n guarded steps."""
    if lib is pb:
        return plax.while_loop(cond, body, init, max_steps=n, checkpoints=k)
    step = lambda c, _: (jax.lax.cond(cond(c), body, lambda c: c, c), None)  # noqa: E731
    return jax.lax.scan(step, init, None, length=n)[0]


# ---------------------------------------------------------------- the schedule

@lru_cache(maxsize=None)
def cheapest(n: int, k: int) -> float:
    """Step runs of the best schedule of remats, by exhaustive search over every split."""
    if n <= 1:
        return n
    if k < 1:
        return float("inf")
    return min(m + cheapest(m, k) + cheapest(n - m, k - 1) for m in range(1, n))


def snapshots(n: int, k: int) -> int:
    """Carries the schedule stores at once: a remat's input while the steps after it are
    reversed, then what the remat's own schedule stores."""
    if n <= 1:
        return 0
    m = split(n, k)
    return max(1 + snapshots(n - m, k - 1), snapshots(m, k))


def runs_per_step(n: int, k: int) -> list:
    """How often reverse mode runs each of the n steps: the first `split` once more than
    their own schedule says (the forward pass before the remat recomputes them)."""
    if n <= 1:
        return [1] * n
    m = split(n, k)
    return [1 + r for r in runs_per_step(m, k)] + runs_per_step(n - m, k - 1)


def test_schedule_is_revolves_optimum():
    for n in range(1, 90):
        for k in range(1, 8):
            assert evaluations(n, k) == cheapest(n, k) == n + recomputations(n, k), (n, k)
            assert snapshots(n, k) <= k
            r = repetitions(n, k)
            assert beta(k, r - 1) < n <= beta(k, r)
            assert max(runs_per_step(n, k)) <= r + 1  # r repetitions: no step runs more often
            assert sum(runs_per_step(n, k)) == evaluations(n, k)
    assert [evaluations(n, 1) for n in range(1, 6)] == [1, 3, 6, 10, 15]  # one snapshot: quadratic
    assert evaluations(10, 9) == 19  # a snapshot per step: each step once more, the last not


# ---------------------------------------------------------------- gradients against JAX

def rnn(lib, np_, n, k, stop):
    """A pytree carry (counter, vector, scalar) stepped `stop` times or N, whichever is less."""
    w = np.array([[0.5, -0.3, 0.2], [0.1, 0.4, -0.6], [-0.2, 0.3, 0.5]], np.float32)

    def f(a, x):
        def cond(c):
            return c["i"] < stop

        def body(c):
            h = np_.tanh(w @ c["h"] * a + x)
            return {"i": c["i"] + 1, "h": h, "s": c["s"] + np_.sum(h * h) * a}
        c = bounded_while(lib, cond, body, {"i": 0, "h": x * 0.5, "s": a * 0.0}, n, k)
        return c["s"] + np_.sum(c["h"] * np_.arange(3.0))
    return f


X = np.array([0.3, -0.7, 0.4], np.float32)
CASES = [(1, 1, 5), (6, 1, 9), (9, 2, 9), (9, 2, 4), (16, 3, 16), (16, 3, 11), (20, 5, 20), (20, 5, 2), (8, 8, 8),
         (5, 9, 3)]  # (N, K, steps the predicate allows): by the bound, finished early; K >= N stores every step


@pytest.mark.parametrize("n,k,stop", CASES)
def test_grad_matches_scan(n, k, stop):
    f, g = rnn(pb, pnp, n, k, stop), rnn(jax, jnp, n, k, stop)
    close(f(0.8, X), g(0.8, X))
    close(pb.grad(f, (0, 1))(0.8, X), jax.grad(g, (0, 1))(0.8, X))
    close(pb.jit(pb.grad(f, (0, 1)))(1.3, X), jax.grad(g, (0, 1))(1.3, X))


@pytest.mark.parametrize("n,k,stop", [(9, 2, 9), (16, 3, 11)])
def test_check_grads(n, k, stop):
    check_grads(rnn(pb, pnp, n, k, stop), (0.8, X), order=1, modes=("rev",), atol=2e-2, rtol=2e-2)


def cube_root(lib, np_, n, k):
    """Newton's iteration for a ** (1/3) from x0, stopped at a tolerance (value-dependent) or after n steps."""
    def f(a, x0):
        def cond(c):
            return np_.abs(c[1] ** 3 - a) > 1e-4

        def body(c):
            i, x = c
            return i + 1, x - (x ** 3 - a) / (3.0 * x * x)
        return bounded_while(lib, cond, body, (0, x0), n, k)[1]
    return f


@pytest.mark.parametrize("n,k", [(12, 2), (12, 3), (4, 2)])  # converges in about 6 steps: early; stopped at 4
def test_newton_grad_hessian_and_vmap(n, k):
    f, g = cube_root(pb, pnp, n, k), cube_root(jax, jnp, n, k)
    for a, x0 in [(2.0, 1.0), (8.0, 3.0)]:
        close(f(a, x0), g(a, x0))
        close(pb.grad(f, (0, 1))(a, x0), jax.grad(g, (0, 1))(a, x0))
        close(pb.hessian(f)(a, x0), jax.hessian(g)(a, x0), tol=1e-3)
    a = np.array([2.0, 8.0, 27.0, 0.5], np.float32)  # lanes finish after different numbers of steps
    close(pb.vmap(pb.grad(f), (0, None))(a, 1.5), jax.vmap(jax.grad(g), (0, None))(a, 1.5))
    close(pb.jit(pb.vmap(pb.grad(f, (0, 1))))(a, a), jax.vmap(jax.grad(g, (0, 1)))(a, a))


def test_finished_steps_get_no_derivative():
    """The guarded step runs no body after the predicate fails, so the infinite derivative of
    sqrt at 0 never reaches the result as 0 * inf, in recomputed segments either."""
    def f(x):
        return plax.while_loop(lambda y: y > 0.0, lambda y: pnp.sqrt(y) - 1.0, x, max_steps=9, checkpoints=2)
    np.testing.assert_allclose(pb.grad(f)(0.25), 1.0)


# ---------------------------------------------------------------- recomputation

@pytest.mark.parametrize("n,k,stop", [(10, 2, 10), (16, 3, 16), (7, 1, 7), (16, 3, 9), (6, 6, 6), (6, 9, 6)])
def test_recomputation_is_revolves(n, k, stop):
    """A host callback in the body counts the steps jit(grad) runs: revolve's minimum,
    n + r * n - C(k + r, k + 1); only the steps the predicate allows when it finishes early."""
    runs = []

    def f(x):
        def body(c):
            pb.debug.callback(lambda i: runs.append(int(i)), c[0])
            return c[0] + 1, pnp.sin(c[1]) * 0.9 + 0.1
        return pnp.sum(plax.while_loop(lambda c: c[0] < stop, body, (0, x), max_steps=n, checkpoints=k)[1])
    g = pb.jit(pb.grad(f))
    x = np.linspace(0.0, 1.0, 4, dtype=np.float32)
    g(x)
    runs.clear()
    close(g(x), jax.grad(lambda x: jnp.sum(bounded_while(jax, lambda c: c[0] < stop,
                                                           lambda c: (c[0] + 1, jnp.sin(c[1]) * 0.9 + 0.1),
                                                           (0, x), n, k)[1]))(x))
    if k >= n:  # every step stored: no recomputation
        assert sorted(runs) == list(range(n))
        return
    per_step = runs_per_step(n, k)
    assert [runs.count(i) for i in range(n)] == per_step[:stop] + [0] * (n - stop)
    assert len(runs) <= evaluations(n, k) == n + recomputations(n, k)


# ---------------------------------------------------------------- memory

CHILD = r"""
import json, re, sys
import numpy as np
import pullback as pb, pullback.numpy as pnp
from pullback import lax as plax

SIZE = 1 << 20  # one carry: 4 MiB of float32
schedule, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def cond(c):
    return c[0] < 1000

def body(c):
    return c[0] + 1, pnp.sin(c[1]) * 0.9 + 0.1

def guarded(c):
    return plax.cond(cond(c), body, lambda c: c, c)

def run(c, length):
    return plax.scan(lambda c, _: (guarded(c), None), c, None, length=length)[0]

def f(x):
    if schedule == "uniform":  # the two-level schedule: k remat'ed segments of ceil(n / k) steps
        s = -(-n // k)
        c = plax.scan(lambda c, _: (pb.checkpoint(lambda c: run(c, s))(c), None), (0, x), None, length=n // s)[0]
        c = run(c, n % s) if n % s else c
    else:
        c = plax.while_loop(cond, body, (0, x), max_steps=n, checkpoints=k or None)
    return pnp.sum(c[1])

def kib(field):
    return int(re.search(field + r":\s+(\d+) kB", open("/proc/self/status").read()).group(1))

g = pb.jit(pb.grad(f))
x = np.linspace(0.0, 1.0, SIZE, dtype=np.float32)
np.asarray(g(x))  # compiled, and run once
before = kib("VmRSS")
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # the peak (VmHWM) restarts from the current RSS
np.asarray(g(x))
print(json.dumps((kib("VmHWM") - before) * 1024 / (SIZE * 4)))
"""


def peak_carries(schedule: str, n: int, k: int) -> float:
    """Growth of the peak RSS over one call of jit(grad), in carries (4 MiB each). A fixed
    mmap threshold makes every buffer its own mapping, returned to the kernel when freed."""
    env = dict(os.environ, PULLBACK_MALLOC_TRIM_THRESHOLD=str(64 << 10), OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", CHILD, schedule, str(n), str(k)], capture_output=True, text=True,
                         env=env, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="needs Linux's resettable peak RSS")
def test_peak_memory_grows_with_k_not_n():
    # median of three runs: on a host under memory pressure the kernel's proactive reclaim can
    # move one process's RSS by a carry or so
    peak = {(n, k): statistics.median(peak_carries("binomial", n, k) for _ in range(3))
            for n, k in [(12, 2), (24, 2), (24, 4)]}
    uniform, everything = peak_carries("uniform", 24, 4), peak_carries("binomial", 24, 0)
    # twice the steps, the same memory; two more snapshots, about two more carries
    assert abs(peak[(24, 2)] - peak[(12, 2)]) < 0.5, peak
    assert 1.5 < peak[(24, 4)] - peak[(24, 2)] < 2.5, peak
    # K carries and one step's residuals, plus the gradient, the cotangent, a step's
    # temporaries and the copy a scan of remat'ed steps makes of its stacked snapshots
    assert peak[(24, 4)] <= 4 + 6, peak
    # the uniform schedule keeps its 4 segment carries and a whole segment's residuals (6 steps)
    assert peak[(24, 4)] < uniform / 2, (peak, uniform)
    assert uniform < everything / 2, (uniform, everything)  # every step's residuals: 2 carries a step
