"""JAX conformance of edge cases found by outside tests (issue 12): error classes, integer
division by zero, narrow integer dtypes, zero-size arrays, and the errors JAX raises.
Each expectation is JAX's, checked against JAX itself where it is installed."""
import inspect
import os
import subprocess
import sys

import numpy as np
import pytest

import pullback as pb
import pullback.numpy as pnp
from pullback import errors

jax = pytest.importorskip("jax")
jnp = jax.numpy


# -- pullback.errors mirrors jax.errors ------------------------------------------------

ERROR_NAMES = ["ConcretizationTypeError", "TracerBoolConversionError", "TracerIntegerConversionError",
               "TracerArrayConversionError", "UnexpectedTracerError", "NonConcreteBooleanIndexError",
               "JAXTypeError", "JAXIndexError", "JaxRuntimeError"]


@pytest.mark.parametrize("name", ERROR_NAMES)
def test_error_classes_have_jax_bases(name):
    ours, theirs = getattr(errors, name), getattr(jax.errors, name)
    builtin = [b.__name__ for b in theirs.__mro__ if b.__module__ == "builtins"]
    assert [b.__name__ for b in ours.__mro__ if b.__module__ == "builtins"] == builtin
    for base in theirs.__mro__[1:]:
        if base.__name__ in ERROR_NAMES:
            assert issubclass(ours, getattr(errors, base.__name__))


@pytest.mark.parametrize("conversion,error", [
    (bool, errors.TracerBoolConversionError),
    (int, errors.TracerIntegerConversionError),
    (np.asarray, errors.TracerArrayConversionError),
    (lambda t: t.item(), errors.ConcretizationTypeError),
    (lambda t: range(t), errors.TracerIntegerConversionError),
])
def test_tracer_conversions_raise_jax_errors(conversion, error):
    with pytest.raises(error, match="test_conformance.py"):
        pb.jit(lambda x: conversion(x))(pnp.array(3))


def test_concrete_item_and_tolist():
    assert pnp.array(3.5).item() == 3.5
    assert pnp.arange(3).tolist() == [0, 1, 2]


# -- integer arithmetic ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "uint8", "uint16", "uint32"])
@pytest.mark.parametrize("jit", [False, True])
def test_integer_division_and_remainder_match_jax_including_by_zero(dtype, jit):
    info = np.iinfo(dtype)
    x = np.array([7, -7, 0, 1, -1, 5, info.max, info.min], np.int64).clip(info.min, info.max).astype(dtype)
    y = np.array([0, 0, 0, 3, -3, 2, 7, -1], np.int64).clip(info.min, info.max).astype(dtype)

    def f(np_):
        return lambda a, b: (a // b, a % b, np_.divmod(a, b)[0])
    ours = (pb.jit(f(pnp)) if jit else f(pnp))(pnp.asarray(x), pnp.asarray(y))
    theirs = f(jnp)(jnp.asarray(x), jnp.asarray(y))
    for o, t in zip(ours, theirs):
        assert o.dtype == t.dtype
        np.testing.assert_array_equal(np.asarray(o), np.asarray(t))


@pytest.mark.parametrize("dtype", ["int8", "int16", "uint8", "uint16"])
def test_narrow_integers_keep_their_dtype(dtype):
    def f(np_):
        x = np_.arange(5, dtype=dtype)
        y = np_.array([3, 1, 2, 7, 1], dtype=dtype)
        return [x + y, x * y, x - y, np_.maximum(x, y), x >> 1, x << 2, np_.sum(x), np_.cumsum(x),
                x[np_.array([1, 3])], x.astype(np_.float32)]
    for o, t in zip(f(pnp), f(jnp)):
        assert o.dtype == t.dtype, (o.dtype, t.dtype)
        np.testing.assert_array_equal(np.asarray(o), np.asarray(t))


def test_explicit_64_bit_dtypes_are_canonicalized_without_x64():
    for make in (lambda np_: np_.arange(3, dtype="int64"), lambda np_: np_.zeros(2, np_.int64),
                 lambda np_: np_.ones(2).astype("float64"), lambda np_: np_.array([1, 2], dtype="uint64")):
        assert make(pnp).dtype == make(jnp).dtype


# -- errors JAX raises ----------------------------------------------------------------

def test_binary_op_shape_mismatch_is_a_type_error():
    with pytest.raises(TypeError, match="incompatible shapes for broadcasting"):
        pnp.ones(3) + pnp.ones(4)
    with pytest.raises(ValueError, match="Incompatible shapes"):
        pnp.broadcast_shapes((3,), (4,))
    assert pnp.broadcast_shapes((3, 1), (4,)) == jnp.broadcast_shapes((3, 1), (4,))


def test_jacobians_of_complex_functions_need_holomorphic():
    with pytest.raises(TypeError, match="jacfwd requires real-valued inputs"):
        pb.jacfwd(lambda z: z * z)(1 + 1j)
    with pytest.raises(TypeError, match="jacrev requires real-valued outputs"):
        pb.jacrev(lambda x: x * (1 + 1j))(1.0)
    with pytest.raises(TypeError, match="holomorphic=True requires outputs with complex dtype"):
        pb.jacrev(lambda z: pnp.real(z), holomorphic=True)(1 + 1j)
    assert complex(pb.jacfwd(lambda z: z * z, holomorphic=True)(1 + 1j)) == 2 + 2j
    assert complex(pb.jacrev(lambda z: z * z, holomorphic=True)(1 + 1j)) == 2 + 2j


def test_vmap_out_axes_none_on_a_batched_output_is_a_value_error():
    with pytest.raises(ValueError, match="out_axes"):
        pb.vmap(lambda x: x, out_axes=None)(pnp.ones(3))


def test_static_argnums_out_of_range():
    with pytest.raises(ValueError, match="static_argnums=\\(3,\\), but only accepts 1 positional"):
        pb.jit(lambda x: x, static_argnums=3)
    pb.jit(lambda *xs: xs[0], static_argnums=3)  # *args: any position may come


def test_transformed_functions_keep_the_signature():
    def f(x, y, *, scale=1.0):
        return x * y * scale
    for t in (pb.grad, pb.jacfwd, pb.jacrev, pb.hessian, pb.jit, pb.vmap):
        assert inspect.signature(t(f)) == inspect.signature(f)


@pytest.mark.parametrize("reduction", ["max", "min"])
def test_reductions_without_identity_of_empty_arrays(reduction):
    with pytest.raises(ValueError, match="zero-size array to reduction operation"):
        getattr(pnp, reduction)(pnp.ones((0, 3)))
    with pytest.raises(ValueError, match="empty sequence"):
        pnp.argmax(pnp.ones((0,)))
    np.testing.assert_array_equal(getattr(pnp, reduction)(pnp.ones((0, 3)), axis=1), np.ones((0,)))
    assert float(getattr(pnp, reduction)(pnp.ones((0, 3)), initial=2.0)) == 2.0
    assert bool(pnp.all(pnp.ones((0, 3)))) and not bool(pnp.any(pnp.ones((0, 3))))


# -- zero-size arrays -----------------------------------------------------------------

ZERO_SIZE_PROGRAMS = {
    "double": lambda np_, x: x * 2,
    "row_sums": lambda np_, x: np_.sum(np_.sin(x), axis=1),
    "total": lambda np_, x: np_.sum(x),
    "transpose": lambda np_, x: x.T + 1,
    "concatenate": lambda np_, x: np_.concatenate([x, np_.ones((x.shape[0], 2))], axis=1),
    "matmul": lambda np_, x: x @ np_.ones((x.shape[1], 4)),
    "mean_rows": lambda np_, x: np_.mean(x, axis=0),
}


@pytest.mark.parametrize("shape", [(2, 0), (0, 3)])
@pytest.mark.parametrize("name", sorted(ZERO_SIZE_PROGRAMS))
def test_zero_size_arrays_under_jit_grad_and_vmap(name, shape):
    f = ZERO_SIZE_PROGRAMS[name]
    x = np.ones(shape, np.float32)
    ours, theirs = pb.jit(lambda a: f(pnp, a))(x), f(jnp, jnp.asarray(x))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs))
    g = pb.grad(lambda a: pnp.sum(f(pnp, a)))(x)
    assert g.shape == shape
    v = pb.vmap(lambda a: f(pnp, a))(np.ones((3,) + shape, np.float32))
    assert v.shape == (3,) + theirs.shape


# -- failed allocations ----------------------------------------------------------------

OOM_SCRIPT = """
import pullback as jax, pullback.numpy as jnp
f = jax.jit(lambda x: jnp.sum(jnp.outer(x, x) @ x))
for _ in range(2):
    try:
        f(jnp.ones(2_000_000))  # a 16 TB intermediate
        print("no error")
    except MemoryError as e:
        print(type(e).__name__, isinstance(e, jax.errors.JaxRuntimeError), str(e).split(":")[0])
print(float(f(jnp.ones(10))))
"""


def test_failed_allocation_raises_and_the_process_stays_usable(tmp_path):
    if open("/proc/sys/vm/overcommit_memory").read().strip() == "1":
        pytest.skip("with overcommit_memory=1 malloc never fails: the kernel kills the process instead")
    res = subprocess.run([sys.executable, "-c", OOM_SCRIPT], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PULLBACK_CACHE_DIR": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    assert res.stdout.split("\n")[:3] == ["ResourceExhaustedError True RESOURCE_EXHAUSTED"] * 2 + ["100.0"]
