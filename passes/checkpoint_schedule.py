"""The binomial checkpoint schedule (Griewank and Walther's revolve) of a bounded loop.

Reverse mode through n steps of a loop (`while_loop(..., max_steps=n, checkpoints=k)`)
with k snapshots, a snapshot being one stored carry (the loop's initial carry counts as
one), is built from remat'ed segments:

    segment(1, k)  = one step, its residuals stored
    segment(n, k)  = remat(segment(m, k)) then segment(n - m, k - 1)

The remat stores its input carry (one snapshot) and no residuals; the steps after it are
reversed first, with the k - 1 snapshots left; then the remat recomputes its m steps from
the stored carry, reversing them with all k again. So at most k carries and one step's
residuals are live at once, and with k = 1 step i is run n - i + 1 times (quadratic).

With r repetitions (each step run at most r + 1 times) and k snapshots, at most
beta(k, r) = C(k + r, k) steps can be reversed, and n steps need at least
r * n - C(k + r, k + 1) recomputed steps, r the least with beta(k, r) >= n (revolve's
bound; convex and piecewise linear in n). `split` picks the m that minimises the
recursion's cost, m + cost(m, k) + cost(n - m, k - 1), on that closed form (a binary
search: the sum is convex in m), so the schedule meets the bound (the tests check it
against an exhaustive search).
"""
from __future__ import annotations

from functools import lru_cache
from math import comb


def beta(k: int, r: int) -> int:
    """How many steps k snapshots reverse with r repetitions."""
    return comb(k + r, k) if r >= 0 else 0


def repetitions(n: int, k: int) -> int:
    """The least r with beta(k, r) >= n: how often the most recomputed step is rerun."""
    if k < 1 and n > 1:
        raise ValueError(f"{n} steps need at least one snapshot")
    r = 0
    while beta(k, r) < n:
        r += 1
    return r


def split(n: int, k: int) -> int:
    """How many steps segment(n, k) recomputes from its input carry (module doc), n >= 2:
    the least m minimising m + cost(m, k) + cost(n - m, k - 1)."""
    if k == 1:
        return n - 1  # the step left needs no snapshot; a longer rest would need one

    def cost(m: int) -> int:
        return 2 * m + recomputations(m, k) + (n - m) + recomputations(n - m, k - 1)

    lo, hi = 1, n - 1  # the least m in [lo, hi] from which cost stops decreasing
    while lo < hi:
        mid = (lo + hi) // 2
        if cost(mid + 1) >= cost(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


@lru_cache(maxsize=None)
def evaluations(n: int, k: int) -> int:
    """How many times reverse mode runs a step in segment(n, k): n in the forward pass plus
    the recomputations (m forward in the remat, then the remat's own schedule again)."""
    if n <= 1:
        return n
    m = split(n, k)
    return m + evaluations(m, k) + evaluations(n - m, k - 1)


def recomputations(n: int, k: int) -> int:
    """Revolve's minimum number of recomputed steps for n steps and k snapshots."""
    if n <= 1:
        return 0
    r = repetitions(n, k)
    return r * n - comb(k + r, k + 1)


__all__ = ["beta", "evaluations", "recomputations", "repetitions", "split"]
