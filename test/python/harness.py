"""Build a one-op pb function, compile it, and compare with the op's numpy reference."""
from __future__ import annotations

import threading

import numpy as np
from mlir import ir

from pullback.dialects import context, registry
from pullback.dialects.emit import emit
from pullback.dialects.lowering import tensor_type  # noqa: F401
from pullback.dialects.types import TensorSpec, dtype_name, numpy_dtype
from pullback.runtime import compile_module


def spec_of_array(a: np.ndarray, dtype: str | None = None) -> TensorSpec:
    return TensorSpec(tuple(a.shape), dtype or dtype_name(a.dtype))


def op_module(name: str, in_specs, attrs) -> ir.Module:
    """module { func.func @f(operands) -> results { pb.<name> } }"""
    ctx = context()
    with ctx, ir.Location.unknown():
        module = ir.Module.create()
        from mlir.dialects import func
        with ir.InsertionPoint(module.body):
            arg_types = [ir.Type.parse(s.mlir()) for s in in_specs]
            out_specs = registry.infer(name, in_specs, attrs)
            res_types = [ir.Type.parse(s.mlir()) for s in out_specs]
            f = func.FuncOp("f", (arg_types, res_types))
            block = f.add_entry_block()
            with ir.InsertionPoint(block):
                results = emit(name, list(block.arguments), attrs)
                func.ReturnOp(results)
    return module


def run_op(name: str, arrays, attrs=None, dtypes=None):
    """Compiled results of one op on host arrays."""
    attrs = attrs or {}
    arrays = [np.asarray(a) for a in arrays]
    specs = [spec_of_array(a, d) for a, d in zip(arrays, dtypes or [None] * len(arrays))]
    module = op_module(name, specs, attrs)
    return compile_module(module, "f")(*arrays)


def reference(name: str, arrays, attrs=None, dtypes=None):
    attrs = attrs or {}
    arrays = [np.asarray(a) for a in arrays]
    specs = [spec_of_array(a, d) for a, d in zip(arrays, dtypes or [None] * len(arrays))]
    out_specs = registry.infer(name, specs, attrs)
    res = registry.REFERENCE[name](*arrays, **attrs)
    if not isinstance(res, (tuple, list)):
        res = [res]
    return [np.asarray(r).astype(numpy_dtype(s.dtype), copy=False).reshape(s.shape)
            for r, s in zip(res, out_specs)]


def assert_op_matches(name: str, arrays, attrs=None, dtypes=None, rtol=None, atol=None):
    got = run_op(name, arrays, attrs, dtypes)
    want = reference(name, arrays, attrs, dtypes)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
        if g.dtype.name == "bfloat16":  # ml_dtypes' kind is "V": numpy's NaN-aware paths skip it
            g, w = g.astype(np.float32), w.astype(np.float32)
            np.testing.assert_allclose(g, w, rtol=rtol or 0, atol=atol or 0, equal_nan=True)  # exact, as before
        elif g.dtype.kind in "fc":
            tol = {2: 1e-2, 4: 2e-5, 8: 1e-12, 16: 1e-12}[np.dtype(g.dtype).itemsize if g.dtype.kind == "f"
                                                             else np.dtype(g.dtype).itemsize // 2]
            np.testing.assert_allclose(g, w, rtol=rtol or tol, atol=atol or tol, equal_nan=True)
        else:
            np.testing.assert_array_equal(g, w)


def random_array(shape, dtype, seed=0) -> np.ndarray:
    """Standard normal entries of `dtype` (complex ones get a normal imaginary part too)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.normal(size=shape)
    return x.astype(dtype)


def plain_leaves(x) -> list:
    """Leaves of nested lists, tuples (named ones too) and dicts, in order: for comparing
    pullback's outputs with JAX's without either library's pytree registry."""
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in plain_leaves(item)]
    if isinstance(x, dict):
        return [leaf for key in sorted(x) for leaf in plain_leaves(x[key])]
    return [x]


def assert_same_as_jax(got, want, what: str, rtol: float = 2e-5, atol: float = 2e-6) -> None:
    """Same structure, shapes and dtypes as JAX's result, and values close."""
    got_l, want_l = plain_leaves(got), plain_leaves(want)
    assert len(got_l) == len(want_l), what
    for g, w in zip(got_l, want_l):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"{what}: shape {g.shape} != JAX's {w.shape}"
        assert g.dtype == w.dtype, f"{what}: dtype {g.dtype} != JAX's {w.dtype}"
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=what)


# Generators of random arguments, (rng, shape) -> float64 array, for tests that compare with JAX.
def uniform_draws(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def int_draws(lo, hi):
    """Whole numbers in [lo, hi] as floats (counts of the discrete distributions)."""
    return lambda rng, shape: rng.integers(lo, hi + 1, shape).astype(np.float64)


def normal_draws(scale):
    return lambda rng, shape: rng.normal(0, scale, shape)


def with_specials(gen, *specials):
    """gen's draws with some entries replaced by special values (edges, invalid parameters)."""
    def draw(rng, shape):
        out = gen(rng, shape)
        flat = out.reshape(-1)
        for i, v in enumerate(specials):
            flat[(3 * i + 1) % flat.size] = v
        return out
    return draw


def draw_args(gens, dtype, seed, shape=(6, 8)):
    """One draw of each generator: the first (the points) of `shape`, the rest (parameters) of its
    last axis, so they broadcast against the points."""
    rng = np.random.default_rng(seed)
    return tuple(g(rng, shape if i == 0 else shape[-1:]).astype(dtype) for i, g in enumerate(gens))


def run_in_threads(work, count: int) -> None:
    """Run `work(i)` for i < count on as many threads at once; the first exception any of
    them raised is raised here."""
    errors = []

    def guarded(i):
        try:
            work(i)
        except BaseException as e:  # noqa: BLE001  (raised below, on the test's thread; pytest.fail too)
            errors.append(e)
    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
