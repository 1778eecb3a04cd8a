"""Fuzzing (issue 12): random small jnp programs on pullback and on JAX, values and
gradients compared; random malformed IR fed to pullback-opt, which must answer with a
diagnostic, never a crash.

CI runs a short budget. A long run: PULLBACK_FUZZ_EXAMPLES=2000 pytest test/fuzz.
Every crash or mismatch found becomes a regression test in test/python.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pullback as pb
import pullback.numpy as pnp

jax = pytest.importorskip("jax")
jnp = jax.numpy

EXAMPLES = int(os.environ.get("PULLBACK_FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="PULLBACK_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Smooth where they are evaluated (inputs are kept in [0.5, 1.5] where it matters), so
# finite values and gradients are comparable; each entry builds the op from a numpy module.
UNARY = {
    "sin": lambda np_, x: np_.sin(x),
    "tanh": lambda np_, x: np_.tanh(x),
    "exp_small": lambda np_, x: np_.exp(x * 0.1),
    "log_shift": lambda np_, x: np_.log(x * x + 1.0),
    "square": lambda np_, x: x * x,
    "neg": lambda np_, x: -x,
    "sqrt_shift": lambda np_, x: np_.sqrt(x * x + 1.0),
    "logistic": lambda np_, x: 1.0 / (1.0 + np_.exp(-x)),
    "transpose": lambda np_, x: x.T,
    "flip": lambda np_, x: x[::-1],
    "cumsum": lambda np_, x: np_.cumsum(x, axis=0),
    "sum_keep": lambda np_, x: np_.sum(x, axis=0, keepdims=True) + x,
    "max_keep": lambda np_, x: np_.max(x, axis=-1, keepdims=True) * x,
    "reshape": lambda np_, x: x.reshape(x.shape[::-1]),
    "where": lambda np_, x: np_.where(x > 0, x, 0.5 * x),
}
BINARY = {
    "add": lambda np_, x, y: x + y,
    "sub": lambda np_, x, y: x - y,
    "mul": lambda np_, x, y: x * y,
    "div_safe": lambda np_, x, y: x / (y * y + 1.0),
    "maximum": lambda np_, x, y: np_.maximum(x, y),
    "matmul_t": lambda np_, x, y: x @ y.T,
    "concat_half": lambda np_, x, y: np_.concatenate([x, y], axis=0)[: x.shape[0]],
}


@st.composite
def programs(draw):
    """A random expression over two (m, n) inputs: a list of steps, each (op, operand indices)."""
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    steps = []
    live = 2
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(UNARY)))
            steps.append((name, (draw(st.integers(0, live - 1)),)))
        else:
            name = draw(st.sampled_from(sorted(BINARY)))
            steps.append((name, (draw(st.integers(0, live - 1)), draw(st.integers(0, live - 1)))))
        live += 1
    return m, n, steps


def build(np_, steps):
    def f(x, y):
        values = [x, y]
        for name, args in steps:
            ops = [values[i] for i in args]
            if any(v.shape != ops[0].shape for v in ops):  # shape-changing ops: keep the op total
                ops = [ops[0]] * len(ops)
            fn = UNARY.get(name) or BINARY[name]
            values.append(fn(np_, *ops))
        return np_.sum(values[-1] ** 2) * 0.1
    return f


def close(a, b, what):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-3, atol=2e-3, err_msg=what)


@FUZZ
@given(programs(), st.integers(0, 2**31 - 1))
def test_random_programs_match_jax(program, seed):
    m, n, steps = program
    rng = np.random.default_rng(seed)
    x = (rng.uniform(0.5, 1.5, (m, n)) * rng.choice([-1, 1], (m, n))).astype(np.float32)
    y = rng.uniform(0.5, 1.5, (m, n)).astype(np.float32)
    ours, theirs = build(pnp, steps), build(jnp, steps)
    want = theirs(x, y)
    close(ours(x, y), want, f"eager {steps}")
    close(pb.jit(ours)(x, y), want, f"jit {steps}")
    gx, gy = jax.grad(theirs, argnums=(0, 1))(x, y)
    ox, oy = pb.jit(pb.grad(ours, argnums=(0, 1)))(x, y)
    close(ox, gx, f"grad x {steps}")
    close(oy, gy, f"grad y {steps}")
    tangent = np.ones_like(x)
    close(pb.jvp(lambda a: ours(a, y), (x,), (tangent,))[1], jax.jvp(lambda a: theirs(a, y), (x,), (tangent,))[1],
          f"jvp {steps}")
    batch = np.stack([x, -x])
    close(pb.vmap(ours, in_axes=(0, None))(batch, y), jax.vmap(theirs, in_axes=(0, None))(batch, y), f"vmap {steps}")


# -- malformed IR ------------------------------------------------------------------------

VALID = """\
func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "pb.add"(%a, %b) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "pb.mul"(%0, %a) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = "pb.reduce_sum"(%1) {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  %3 = "pb.broadcast_in_dim"(%2) {shape = array<i64: 2, 3>, broadcast_dimensions = array<i64: 0>} : (tensor<2xf32>) -> tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}
"""
REPLACEMENTS = ["tensor<2x3xf32>", "tensor<3x2xf32>", "tensor<2x3xi32>", "tensor<?x3xf32>", "tensor<0x3xf32>",
                "f32", "tensor<2x3xf32, \"e\">", "array<i64: 7>", "array<i64: 0, 0>", "\"pb.nope\"", "\"pb.add\"",
                "%a", "%9", "", "{", "}", "(", ")", "tensor<2x3xcomplex<f32>>", "tensor<4294967296x3xf32>"]


@st.composite
def mutated_ir(draw):
    tokens = VALID.replace("(", " ( ").replace(")", " ) ").split(" ")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(tokens) - 1))
        tokens[i] = draw(st.sampled_from(REPLACEMENTS))
    return " ".join(tokens)


@FUZZ
@given(mutated_ir(), st.sampled_from([[], ["-pb-jvp"], ["-pb-vmap"], ["-pb-to-linalg"], ["--run=f"]]))
def test_malformed_ir_never_crashes_pullback_opt(text, flags):
    args = list(flags)
    if flags == ["--run=f"]:
        args += ["--arg=[[1, 2, 3], [4, 5, 6]]"] * 2
    res = subprocess.run([sys.executable, "-m", "pullback.tools.opt", "-", *args], input=text,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode in (0, 1, 2), (res.returncode, text, res.stderr[-2000:])
    assert "internal error" not in res.stderr and "Traceback" not in res.stderr, (text, res.stderr[-2000:])
