"""Batching rules of every op: pb-vmap of a one-op function vs a loop over the batch.

Each row of the spec table (test/python/op_specs) gives an example; the test
picks a batch size (1..4), an in_axes entry per operand (-1 for unbatched, any
position up to the last) and an out_axes entry per result, makes the batch
members of each batched operand (the drawn array, then arrays drawn from the
values the example holds in that dtype, so domains, index ranges, ties and
special values are kept), and compiles

    func.func @f(...)        the op
    func.func private @f_vmap(...) attributes {pb.transform = {kind = "vmap", ...}}
    func.func @main(...)     call @f_vmap

through the CPU pipeline (pb-expand-transforms runs pb-vmap). The results must
equal the op's numpy reference applied to each member and stacked at out_axes:
exactly for integers and booleans, within the op tests' tolerances for floats.
Examples are derandomized and never shrunk, as in test_ad_ops.py.
"""
from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mlir import ir
from mlir.dialects import func

from harness import op_module, reference, spec_of_array
from op_specs import all_cases
from pullback.dialects import registry
from pullback.dialects.transforms import ATTR, NOT_MAPPED, expected_signature, transform_attr
from pullback.dialects.types import TensorSpec
from pullback.runtime import compile_module

CASES = all_cases()
EXAMPLES = 4       # compiled examples per row (a compile of these small modules is ~30 ms)
DRAWS = 80         # draws tried per row to find them
# Rows whose rules have many cases (which operands are batched, where) get more examples.
MORE = {"gather": 12, "gather_scalar_index": 4, "gather_take": 6, "gather_2d": 6, "scatter_add": 12,
        "scatter_add_duplicates": 6, "dynamic_slice": 10, "dynamic_update_slice": 10, "dot_general": 10,
        "dot_general_batch_matmul": 4, "pad": 8, "concatenate": 5, "select": 5, "broadcast_in_dim": 6,
        "reshape": 5, "transpose": 5, "slice": 5, "rev": 5, "argmax": 6, "argmin": 6, "reduce_sum": 8,
        "reduce_max": 6, "cumsum": 6}


def op_of(row: str) -> str:
    return CASES[row].extra.get("op", row)


# ---- building and running a vmap request ------------------------------------

def vmap_module(name: str, in_specs, attrs, in_axes, out_axes, size: int) -> ir.Module:
    """@f (the op), its vmap request @f_vmap and @main calling the request."""
    module = op_module(name, in_specs, attrs)
    out_specs = registry.infer(name, in_specs, attrs)
    params = {"in_axes": tuple(in_axes), "out_axes": tuple(out_axes), "axis_size": size}
    ins, outs = expected_signature("vmap", list(in_specs), list(out_specs), params)
    with module.context, ir.Location.unknown():
        in_types = [ir.Type.parse(s.mlir()) for s in ins]
        out_types = [ir.Type.parse(s.mlir()) for s in outs]
        with ir.InsertionPoint(module.body):
            decl = func.FuncOp("f_vmap", (in_types, out_types), visibility="private")
            decl.attributes[ATTR] = transform_attr("vmap", "f", params)
            main = func.FuncOp("main", (in_types, out_types))
            with ir.InsertionPoint(main.add_entry_block()):
                call = func.CallOp(out_types, "f_vmap", list(main.entry_block.arguments))
                func.ReturnOp(list(call.results))
    return module, ins, outs


def members(arrays, dtypes, in_axes, size, rng):
    """Per member, the op's operands: batched ones vary, unbatched ones are shared.

    Member 0 is the drawn example; the others draw from the values the example has
    in that dtype (keeps index ranges, positive domains, ties and special values)."""
    pools = {}
    for a, d in zip(arrays, dtypes):
        pools.setdefault(d, []).append(np.asarray(a).reshape(-1))
    pools = {d: np.concatenate(v) for d, v in pools.items()}
    out = [list(arrays)]
    for _ in range(size - 1):
        member = []
        for a, d, ax in zip(arrays, dtypes, in_axes):
            a = np.asarray(a)
            if ax == NOT_MAPPED or a.size == 0:
                member.append(a)
            else:
                member.append(rng.choice(pools[d], a.shape).astype(a.dtype))
        out.append(member)
    return out


def stacked(per_member, axis):
    return np.ascontiguousarray(np.stack(per_member, axis=axis))


def assert_matches(got, want, case, what):
    assert got.shape == want.shape and got.dtype == want.dtype, (what, got.shape, got.dtype, want.shape, want.dtype)
    if got.dtype.kind in "fc":
        size = got.dtype.itemsize if got.dtype.kind == "f" else got.dtype.itemsize // 2
        tol = {2: 1e-2, 4: 2e-5, 8: 1e-12}[size]
        np.testing.assert_allclose(got, want, rtol=case.rtol or tol, atol=case.atol or tol, equal_nan=True,
                                   err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def check_vmap(name, arrays, attrs, dtypes, in_axes, out_axes, size, seed=0, case=None):
    """Compile the vmap of pb.<name> and compare with the per-member references.

    Returns False (nothing checked) when a batched signature has a size-0 dim after
    the first, which the CPU pipeline cannot pass yet (see op_specs/shape.py)."""
    case = case or CASES.get(name)
    arrays = [np.asarray(a) for a in arrays]
    in_specs = [spec_of_array(a, d) for a, d in zip(arrays, dtypes)]
    module, ins, outs = vmap_module(name, in_specs, attrs, in_axes, out_axes, size)
    if any(0 in s.shape[1:] for s in ins + outs):
        return False
    rng = np.random.default_rng(seed)
    per_member = members(arrays, [s.dtype for s in in_specs], in_axes, size, rng)
    args = [a if ax == NOT_MAPPED else stacked([m[i] for m in per_member], ax)
            for i, (a, ax) in enumerate(zip(arrays, in_axes))]
    what = (f"vmap of pb.{name} {attrs} over {size}, in_axes={in_axes} out_axes={out_axes}, "
            f"dtypes={[s.dtype for s in in_specs]}")
    got = compile_module(module, "main")(*args)
    want_members = [reference(name, m, attrs, [s.dtype for s in in_specs]) for m in per_member]
    assert len(got) == len(outs)
    for k, (g, ax) in enumerate(zip(got, out_axes)):
        want = want_members[0][k] if ax == NOT_MAPPED else stacked([w[k] for w in want_members], ax)
        assert_matches(np.asarray(g), want, case, f"{what}: result {k}")
    return True


# ---- every row ----------------------------------------------------------------

def random_axes(rng, arrays, name, attrs, dtypes):
    """(in_axes, out_axes, size): each operand unbatched about a third of the time, the last
    position favoured; outputs unbatched only when nothing is."""
    size = int(rng.integers(1, 5))
    in_axes = []
    for a in arrays:
        r = np.ndim(a)
        u = rng.uniform()
        in_axes.append(NOT_MAPPED if u < 0.3 else r if u < 0.55 else int(rng.integers(0, r + 1)))
    if arrays and all(ax == NOT_MAPPED for ax in in_axes) and rng.uniform() < 0.7:
        i = int(rng.integers(0, len(arrays)))
        in_axes[i] = int(rng.integers(0, np.ndim(arrays[i]) + 1))
    specs = [spec_of_array(np.asarray(a), d) for a, d in zip(arrays, dtypes)]
    outs = registry.infer(name, specs, attrs)
    unbatched = all(ax == NOT_MAPPED for ax in in_axes)
    out_axes = [NOT_MAPPED if unbatched and rng.uniform() < 0.5 else int(rng.integers(0, o.ndim + 1))
                for o in outs]
    return in_axes, out_axes, size


@pytest.mark.parametrize("row", sorted(CASES))
def test_op_vmap(row):
    name, case = op_of(row), CASES[row]
    want = MORE.get(row, EXAMPLES)
    done, seen = [0], set()

    @settings(max_examples=DRAWS + 4 * want, deadline=None, derandomize=True, database=None,
              phases=[Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(case.strategy, st.integers(0, 2**32 - 1))
    def run(drawn, seed):
        if done[0] >= want:
            return
        arrays, attrs, dtypes = drawn
        arrays = [np.asarray(a) for a in arrays]
        dtypes = list(dtypes or [spec_of_array(a).dtype for a in arrays])
        # Derandomized draws repeat the simplest examples: check each signature once (and one
        # with a size-0 operand, one with only 0-d operands at most), with axes that also
        # vary with the number of draws.
        specs = [spec_of_array(a, d) for a, d in zip(arrays, dtypes)]
        shapes = [s.shape for s in specs + registry.infer(name, specs, attrs)]
        key = ("empty" if any(a.size == 0 for a in arrays) else
               "0-d" if arrays and all(a.ndim == 0 for a in arrays) else repr(shapes))
        if key in seen:
            return
        rng = np.random.default_rng([seed, zlib.crc32(row.encode()), len(seen)])
        in_axes, out_axes, size = random_axes(rng, arrays, name, attrs, dtypes)
        if check_vmap(name, arrays, attrs, dtypes, in_axes, out_axes, size, seed, case):
            done[0] += 1
        seen.add(key)  # only once checked: hypothesis replays a failing example to report it

    run()
    assert done[0] > 0, f"row {row} drew no example with a callable batched signature"


def test_every_op_has_a_batching_rule():
    missing = sorted(n for n in registry.OPS if n not in registry.BATCH)
    assert not missing, f"ops without a batching rule: {', '.join(missing)}"


# ---- cases the rules single out ---------------------------------------------

def _arange(shape, dtype="float32"):
    return np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)


@pytest.mark.parametrize("in_axes", [(1, NOT_MAPPED), (NOT_MAPPED, 2), (0, 1), (2, 0)])
def test_dot_general_one_or_both_sides(in_axes):
    attrs = dict(lhs_contracting=(1,), rhs_contracting=(0,), lhs_batch=(), rhs_batch=())
    x, y = _arange((2, 3)), _arange((3, 4)) - 5
    assert check_vmap("dot_general", [x, y], attrs, ["float32"] * 2, in_axes, (1,), 3)


@pytest.mark.parametrize("dtype", ["int8", "uint32"])
def test_gather_both_batched_index_dtype_too_small_for_the_batch(dtype):
    """A batch of 200 needs iota values up to 199: int8 indices are widened first."""
    rng = np.random.default_rng(0)
    operand = rng.uniform(-1, 1, (5, 2)).astype("float32")
    idx = np.array([[4], [0], [7]], dtype)  # 7 is out of range: clamped ("clip") or filled
    for mode in ("clip", "fill"):
        attrs = dict(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,), slice_sizes=(1, 2),
                     mode=mode)
        assert check_vmap("gather", [operand, idx], attrs, ["float32", dtype], (0, 1), (2,), 200)


def test_scatter_add_both_batched_int8_indices_batch_200():
    operand = np.zeros((4, 3), "float32")
    idx = np.array([[1], [1], [3], [9]], "int8")
    updates = np.ones((4, 3), "float32")
    for mode in ("clip", "drop"):
        attrs = dict(update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,),
                     mode=mode)
        assert check_vmap("scatter_add", [operand, idx, updates], attrs, ["float32", "int8", "float32"],
                          (1, 0, 2), (0,), 200)


@pytest.mark.parametrize("in_axes", [(NOT_MAPPED, 0, 0), (1, 0, NOT_MAPPED), (0, NOT_MAPPED, 0)])
def test_dynamic_slice_batched_starts_clamp(in_axes):
    x = _arange((5, 4))
    starts = [np.array(3, "int8"), np.array(-2, "int8")]
    assert check_vmap("dynamic_slice", [x] + starts, {"slice_sizes": (3, 2)}, ["float32", "int8", "int8"],
                      in_axes, (0,), 4)


def test_dynamic_slice_batched_starts_int8_batch_200():
    x = _arange((5, 4))
    starts = [np.array(3, "int8"), np.array(100, "int8")]
    assert check_vmap("dynamic_slice", [x] + starts, {"slice_sizes": (3, 2)}, ["float32", "int8", "int8"],
                      (1, 0, 0), (2,), 200)


@pytest.mark.parametrize("in_axes", [(NOT_MAPPED, NOT_MAPPED, 0, NOT_MAPPED), (1, 0, 0, 0),
                                     (NOT_MAPPED, 2, NOT_MAPPED, 0)])
def test_dynamic_update_slice_batched_starts(in_axes):
    x = _arange((5, 4), "uint32")
    update = _arange((2, 3), "uint32") + 100
    starts = [np.array(4, "uint32"), np.array(2**32 - 1, "uint32")]  # both clamp
    assert check_vmap("dynamic_update_slice", [x, update] + starts, {}, ["uint32"] * 4, in_axes, (1,), 3)


def test_dynamic_update_slice_keeps_negative_zero_and_nan():
    """The select formulation writes the update's bits, not 0 + update."""
    x = np.full((4,), 7.0, "float32")
    update = np.array([-0.0, np.nan], "float32")
    got_ok = check_vmap("dynamic_update_slice", [x, update, np.array(1, "int32")], {},
                        ["float32", "float32", "int32"], (NOT_MAPPED, NOT_MAPPED, 0), (0,), 2)
    assert got_ok
    module, _, _ = vmap_module("dynamic_update_slice", [TensorSpec((4,), "float32"), TensorSpec((2,), "float32"),
                                                        TensorSpec((), "int32")], {},
                               (NOT_MAPPED, NOT_MAPPED, 0), (0,), 2)
    (out,) = compile_module(module, "main")(x, update, np.array([0, 2], "int32"))
    assert np.signbit(out[0, 0]) and np.signbit(out[1, 2])


@pytest.mark.parametrize("in_axes", [(NOT_MAPPED, 0), (1, 0), (0, NOT_MAPPED)])
def test_pad_batched_padding_value(in_axes):
    x = _arange((3, 2)) + 1
    attrs = dict(low=(1, -1), high=(-1, 2), interior=(1, 0))
    assert check_vmap("pad", [x, np.array(-5.0, "float32")], attrs, ["float32"] * 2, in_axes, (2,), 3)


def test_select_unbatched_predicate():
    pred = np.array([True, False, True])
    a, b = _arange((3,)), -_arange((3,))
    assert check_vmap("select", [pred, a, b], {}, ["bool", "float32", "float32"], (NOT_MAPPED, 0, 1), (1,), 4)


def test_batched_code_differentiates_again():
    """Rules emit pb ops only: the jvp and vjp of a vmap (here dynamic_slice with batched
    starts, which becomes a gather) expand like any other function."""
    from pullback.dialects import context
    text = """
    func.func @f(%x: tensor<5xf32>, %i: tensor<i32>) -> tensor<2xf32> {
      %0 = "pb.dynamic_slice"(%x, %i) {slice_sizes = array<i64: 2>} : (tensor<5xf32>, tensor<i32>) -> tensor<2xf32>
      %1 = "pb.sin"(%0) : (tensor<2xf32>) -> tensor<2xf32>
      return %1 : tensor<2xf32>
    }
    func.func private @f_vmap(tensor<5x3xf32>, tensor<3xi32>) -> tensor<3x2xf32>
        attributes {pb.transform = {kind = "vmap", callee = @f, in_axes = array<i64: 1, 0>,
                                    out_axes = array<i64: 0>, axis_size = 3 : i64}}
    func.func @g(%x: tensor<5x3xf32>, %i: tensor<3xi32>) -> tensor<3x2xf32> {
      %0 = call @f_vmap(%x, %i) : (tensor<5x3xf32>, tensor<3xi32>) -> tensor<3x2xf32>
      return %0 : tensor<3x2xf32>
    }
    func.func private @g_jvp(tensor<5x3xf32>, tensor<3xi32>, tensor<5x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>)
        attributes {pb.transform = {kind = "jvp", callee = @g, wrt = array<i64: 0>}}
    func.func private @g_vjp(tensor<5x3xf32>, tensor<3xi32>, tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<5x3xf32>)
        attributes {pb.transform = {kind = "vjp", callee = @g, wrt = array<i64: 0>}}
    func.func @fwd(%x: tensor<5x3xf32>, %i: tensor<3xi32>, %t: tensor<5x3xf32>) -> tensor<3x2xf32> {
      %y, %ty = call @g_jvp(%x, %i, %t) : (tensor<5x3xf32>, tensor<3xi32>, tensor<5x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>)
      return %ty : tensor<3x2xf32>
    }
    func.func @rev(%x: tensor<5x3xf32>, %i: tensor<3xi32>, %ct: tensor<3x2xf32>) -> tensor<5x3xf32> {
      %y, %cx = call @g_vjp(%x, %i, %ct) : (tensor<5x3xf32>, tensor<3xi32>, tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<5x3xf32>)
      return %cx : tensor<5x3xf32>
    }
    """
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (5, 3)).astype("float32")
    t = rng.uniform(-1, 1, (5, 3)).astype("float32")
    ct = rng.uniform(-1, 1, (3, 2)).astype("float32")
    i = np.array([1, 7, -2], "int32")  # clamped to 1, 3, 0
    starts = np.clip(i, 0, 3)
    want_t = np.stack([np.cos(x[s:s + 2, b]) * t[s:s + 2, b] for b, s in enumerate(starts)])
    want_ct = np.zeros_like(x)
    for b, s in enumerate(starts):
        want_ct[s:s + 2, b] += np.cos(x[s:s + 2, b]) * ct[b]
    with context():
        module = ir.Module.parse(text)
        (got_t,) = compile_module(module, "fwd")(x, i, t)
        (got_ct,) = compile_module(module, "rev")(x, i, ct)
    np.testing.assert_allclose(got_t, want_t, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(got_ct, want_ct, rtol=2e-5, atol=2e-6)
