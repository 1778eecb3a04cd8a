"""Comparison, selection, bitwise, shift and conversion ops (lax semantics).

Everything here is elementwise, so every op batches by aligning its operands on
one batch dimension (select's predicate has the operands' shape and batches
like them). Only select (linear in its two branches) and convert_element_type
(between inexact dtypes) carry derivatives. The lowerings never rely on LLVM's
poison cases: out-of-range shift amounts and float-to-int overflow are given
XLA's defined results with explicit selects.
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, math
from mlir.dialects import complex as cplx

from ..ad import JVP, deflinear, defnondiff, deftranspose, primal
from ..batching import defelementwise_batch
from ..pb import pb, spec
from ..registry import STRING, defop
from ..types import (ALL, BFLOAT16, BITWIDTH, BOOL, COMPLEX, FLOATS, INEXACT, INTEGERS, REAL_OF_COMPLEX, SIGNED,
                     UNSIGNED, numpy_dtype)
from .common import defelementwise, numpy_ref, require, require_dtypes, same_specs

F32 = "float32"


# ---- bfloat16 on the host ------------------------------------------------------
# Host bfloat16 arrays are ml_dtypes' (types.numpy_dtype); the references compute on
# their exact float32 values and round once, as the lowerings do.

BF16_MAX = (2 - 2.0**-7) * 2.0**127


def _to_bf16(v: np.ndarray) -> np.ndarray:
    """bfloat16 of real values, rounded to nearest even once (from float64 too, where
    ml_dtypes' astype goes through float32 and rounds twice); NaNs stay NaN (quieted)."""
    f = np.asarray(v, np.float64)
    _, e = np.frexp(f)
    step = np.ldexp(1.0, np.maximum(e, -125) - 8)  # spacing of bfloat16 values near f
    r = np.round(f / step) * step                   # np.round rounds half to even; exact here
    r = np.where(np.abs(r) > BF16_MAX, np.copysign(np.inf, f), r).astype(np.float32)
    upper = (np.asarray(f, np.float32).view(np.uint32) >> 16).astype(np.uint16)
    bits = np.where(np.isnan(f), upper | 0x40, (r.view(np.uint32) >> 16).astype(np.uint16))
    return bits.view(BFLOAT16)


def _values(x: np.ndarray) -> np.ndarray:
    """Host array as numbers numpy computes with: bfloat16 becomes float32 (exact)."""
    x = np.asarray(x)
    return x.astype(np.float32) if x.dtype == BFLOAT16 else x


def _kind(dtype: str) -> str:
    return "c" if dtype in COMPLEX else "f" if dtype in FLOATS else "i" if dtype in SIGNED else "u"


# ---- compare ---------------------------------------------------------------------

DIRECTIONS = ("EQ", "NE", "LT", "LE", "GT", "GE")
# Floats: ordered predicates except NE, which is unordered (NaN != NaN), as in XLA.
_CMPF = dict(zip(DIRECTIONS, ("OEQ", "UNE", "OLT", "OLE", "OGT", "OGE")))
_CMPI = {"i": dict(zip(DIRECTIONS, ("eq", "ne", "slt", "sle", "sgt", "sge"))),
         "u": dict(zip(DIRECTIONS, ("eq", "ne", "ult", "ule", "ugt", "uge")))}  # bool compares unsigned
_NP_CMP = dict(zip(DIRECTIONS, (np.equal, np.not_equal, np.less, np.less_equal, np.greater,
                                np.greater_equal)))


def _lower_compare(low, dt, a, b, direction):
    k = _kind(dt)
    if k == "c":
        return cplx.eq(a, b) if direction == "EQ" else cplx.neq(a, b)
    if k == "f":
        return arith.cmpf(getattr(arith.CmpFPredicate, _CMPF[direction]), a, b)
    return arith.cmpi(getattr(arith.CmpIPredicate, _CMPI[k][direction]), a, b)


def _check_compare(specs, attrs):
    require(specs[0].dtype not in COMPLEX or attrs["direction"] in ("EQ", "NE"),
            f"pb.compare direction {attrs['direction']} is not defined for {specs[0].dtype} "
            "operands (complex values only compare with EQ and NE)")


defelementwise("compare", 2, ALL,
               lambda a, b, direction: _NP_CMP[direction](_values(a), _values(b)),
               _lower_compare, result_dtype=lambda dt: "bool", attrs={"direction": STRING},
               enums={"direction": set(DIRECTIONS)}, check=_check_compare, family="logical",
               differentiable=False)


# ---- select ----------------------------------------------------------------------

def _infer_select(specs, attrs):
    pred, on_true, on_false = specs
    require(pred.dtype == "bool", f"pb.select predicate must be bool, got {pred.dtype}")
    require(pred.shape == on_true.shape,
            f"pb.select predicate shape {list(pred.shape)} does not match the operand shape "
            f"{list(on_true.shape)}")
    return [same_specs("select", [on_true, on_false])]


defop("select", ("pred", "on_true", "on_false"), infer=_infer_select,
      reference=lambda pred, on_true, on_false: np.where(pred, on_true, on_false),
      lower=lambda low, operands, in_specs, out_specs, attrs: [
          low.map(operands, out_specs[0], lambda p, t, f: arith.select(p, t, f))],
      same_type=[("on_true", "on_false", "out")], family="logical")
deflinear("select", linear_in=(1, 2), transpose=lambda cts, ops, lin: [
    None,
    pb.select(ops[0], cts[0], pb.zeros_like(cts[0])) if lin[1] else None,
    pb.select(ops[0], pb.zeros_like(cts[0]), cts[0]) if lin[2] else None])
defelementwise_batch("select")


# ---- bitwise ---------------------------------------------------------------------

BITWISE = BOOL | INTEGERS
for _name, _np_fn, _arith_fn in (("and", np.bitwise_and, arith.andi), ("or", np.bitwise_or, arith.ori),
                                 ("xor", np.bitwise_xor, arith.xori)):
    defelementwise(_name, 2, BITWISE, _np_fn, lambda low, dt, a, b, f=_arith_fn: f(a, b),
                   family="logical", differentiable=False)

# not x = x xor all-ones (true for bool, -1 for integers).
defelementwise("not", 1, BITWISE, np.invert,
               lambda low, dt, x: arith.xori(x, low.constant(1 if dt == "bool" else -1, dt)),
               family="logical", differentiable=False)


# ---- shifts ----------------------------------------------------------------------
# XLA: the amount is read as unsigned; amounts >= the bit width give 0 (left,
# logical) or the sign fill (arithmetic). LLVM would give poison there, so the
# amount is clamped before shifting and the result selected afterwards.

def _lower_shift(kind):
    def lower(low, dt, x, y):
        bits = BITWIDTH[dt]
        in_range = arith.cmpi(arith.CmpIPredicate.ult, y, low.constant(bits, dt))
        if kind == "arithmetic":  # shifting by bits-1 is the sign fill
            return arith.shrsi(x, arith.select(in_range, y, low.constant(bits - 1, dt)))
        amount = arith.select(in_range, y, low.constant(0, dt))
        shifted = arith.shli(x, amount) if kind == "left" else arith.shrui(x, amount)
        return arith.select(in_range, shifted, low.constant(0, dt))
    return lower


def _np_shift(kind):
    def ref(x, y):
        bits = x.dtype.itemsize * 8
        ux, sx = np.dtype(f"uint{bits}"), np.dtype(f"int{bits}")
        amount = np.asarray(y).view(ux)  # negative amounts read as unsigned: huge
        in_range = amount < bits
        if kind == "arithmetic":
            out = x.view(sx) >> np.where(in_range, amount, bits - 1).astype(sx)
        else:
            safe = np.where(in_range, amount, 0).astype(ux)
            u = x.view(ux)
            out = np.where(in_range, u << safe if kind == "left" else u >> safe, 0).astype(ux)
        return np.ascontiguousarray(out).view(x.dtype)
    return ref


for _kind_name in ("left", "right_arithmetic", "right_logical"):
    _k = _kind_name.replace("right_", "")
    defelementwise(f"shift_{_kind_name}", 2, INTEGERS, _np_shift(_k), _lower_shift(_k),
                   family="logical", differentiable=False)


# ---- bit counts ------------------------------------------------------------------
# XLA's population_count and clz (count leading zeros): LLVM's ctpop/ctlz intrinsics,
# through the math dialect. clz of 0 is the bit width.

def _np_popcount(x):
    # numpy counts the bits of |x| for signed types; XLA those of the two's complement
    unsigned = np.ascontiguousarray(x).view(np.dtype(f"uint{x.dtype.itemsize * 8}"))
    return np.bitwise_count(unsigned).astype(x.dtype)


def _np_clz(x):
    bits = x.dtype.itemsize * 8
    u = np.ascontiguousarray(x).view(np.dtype(f"uint{bits}")).astype(np.uint64)
    width = np.zeros(u.shape, np.int64)  # bits of the highest set bit
    for shift in (32, 16, 8, 4, 2, 1):
        high = u >= (np.uint64(1) << np.uint64(shift))
        width += np.where(high, shift, 0)
        u = np.where(high, u >> np.uint64(shift), u)
    width += (u > 0).astype(np.int64)  # the bit left at position 0
    return (bits - width).astype(x.dtype)


defelementwise("population_count", 1, INTEGERS, _np_popcount, lambda low, dt, x: math.ctpop(x),
               family="logical", differentiable=False)
defelementwise("clz", 1, INTEGERS, _np_clz, lambda low, dt, x: math.ctlz(x),
               family="logical", differentiable=False)


# ---- convert_element_type --------------------------------------------------------

def _float_to_int(low, x, src, dst):
    """Saturating float -> int, as XLA CPU converts: NaN -> 0, out of range -> min/max."""
    if src != "float64" and src != F32:  # f16/bf16 widen exactly, so the bounds below are exact
        x, src = arith.extf(low.scalar_type(F32), x), F32
    bits = BITWIDTH[dst]
    lo, hi = (0, 2 ** bits) if dst in UNSIGNED else (-2 ** (bits - 1), 2 ** (bits - 1))
    lo_c, hi_c = low.constant(float(lo), src), low.constant(float(hi), src)
    below = arith.cmpf(arith.CmpFPredicate.OLE, x, lo_c)
    above = arith.cmpf(arith.CmpFPredicate.OGE, x, hi_c)
    inside = arith.andi(arith.cmpf(arith.CmpFPredicate.OGT, x, lo_c),
                        arith.cmpf(arith.CmpFPredicate.OLT, x, hi_c))  # false for NaN
    safe = arith.select(inside, x, low.constant(0, src))  # fpto[su]i only sees values in range
    t = low.scalar_type(dst)
    r = arith.fptoui(t, safe) if dst in UNSIGNED else arith.fptosi(t, safe)
    r = arith.select(above, low.constant(hi - 1, dst), r)
    return arith.select(below, low.constant(lo, dst), r)


def _int_const(low, value, width):
    t = ir.IntegerType.get_signless(width)
    return arith.constant(t, ir.IntegerAttr.get(t, value))


def _truncf_bf16(low, x):
    """float32 -> bfloat16, round to nearest even, in integer arithmetic.

    LLVM's fptrunc picks the host's conversion instruction, and AVX512-BF16's
    flushes subnormals; the bit recipe gives the same bits on every CPU.
    """
    i32 = ir.IntegerType.get_signless(32)
    bits = arith.bitcast(i32, x)
    upper = arith.shrui(bits, _int_const(low, 16, 32))
    odd = arith.andi(upper, _int_const(low, 1, 32))
    rounded = arith.shrui(arith.addi(bits, arith.addi(_int_const(low, 0x7FFF, 32), odd)),
                          _int_const(low, 16, 32))
    quiet_nan = arith.ori(upper, _int_const(low, 0x40, 32))
    is_nan = arith.cmpf(arith.CmpFPredicate.UNO, x, x)
    out = arith.trunci(ir.IntegerType.get_signless(16), arith.select(is_nan, quiet_nan, rounded))
    return arith.bitcast(low.scalar_type("bfloat16"), out)


def _round_to_odd_f32(low, x):
    """float64 -> float32 rounding to odd: truncate, then set the last bit if inexact.

    Rounding to odd first and to nearest even after rounds correctly (once) to
    any format with at least 2 fewer significand bits than float32 (float16,
    bfloat16); plain truncf twice would round some values twice.
    """
    f32, i32 = low.scalar_type(F32), ir.IntegerType.get_signless(32)
    t = arith.truncf(f32, x)
    back = arith.extf(low.scalar_type("float64"), t)
    bits = arith.bitcast(i32, t)
    # |t| > |x|: step one ulp toward zero, i.e. truncate instead of rounding
    overshoot = arith.cmpf(arith.CmpFPredicate.OGT, math.absf(back), math.absf(x))
    bits = arith.select(overshoot, arith.subi(bits, _int_const(low, 1, 32)), bits)
    inexact = arith.cmpf(arith.CmpFPredicate.ONE, back, x)
    return arith.bitcast(f32, arith.select(inexact, arith.ori(bits, _int_const(low, 1, 32)), bits))


def _convert(low, x, src, dst):
    """Scalar conversion between pb dtypes, following XLA's convert."""
    t = low.scalar_type(dst)
    if src == dst:
        return x
    if src in COMPLEX and dst in COMPLEX:
        s, d = REAL_OF_COMPLEX[src], REAL_OF_COMPLEX[dst]
        return cplx.create_(t, _convert(low, cplx.re(x), s, d), _convert(low, cplx.im(x), s, d))
    if src in COMPLEX:  # JAX drops the imaginary part, then converts the real part
        return _convert(low, cplx.re(x), REAL_OF_COMPLEX[src], dst)
    if dst in COMPLEX:
        part = REAL_OF_COMPLEX[dst]
        return cplx.create_(t, _convert(low, x, src, part), low.constant(0, part))
    if dst == "bool":  # x != 0; NaN is true
        zero = low.constant(0, src)
        if src in FLOATS:
            return arith.cmpf(arith.CmpFPredicate.UNE, x, zero)
        return arith.cmpi(arith.CmpIPredicate.ne, x, zero)
    if src == "bfloat16":  # bfloat16 goes through float32, as in XLA
        return _convert(low, arith.extf(low.scalar_type(F32), x), F32, dst)
    if src == "float64" and dst in ("float16", "bfloat16"):
        x, src = _round_to_odd_f32(low, x), F32  # no __truncdfhf2 in the JIT; one rounding
    if dst == "bfloat16":  # integers go through float32 (two roundings), as LLVM does
        return _truncf_bf16(low, _convert(low, x, src, F32))
    if dst in FLOATS:
        if src in FLOATS:
            return arith.extf(t, x) if BITWIDTH[dst] > BITWIDTH[src] else arith.truncf(t, x)
        return arith.sitofp(t, x) if src in SIGNED else arith.uitofp(t, x)  # bool is 0/1
    if src in FLOATS:
        return _float_to_int(low, x, src, dst)
    # integer or bool -> integer: extend by the source's signedness, or wrap
    sw, dw = BITWIDTH[src], BITWIDTH[dst]
    if dw > sw:
        return arith.extsi(t, x) if src in SIGNED else arith.extui(t, x)
    return arith.trunci(t, x) if dw < sw else x


def _np_float_to_int(v, dtype):
    """Truncate toward zero, clamp to the integer range, NaN -> 0."""
    info = np.iinfo(dtype)
    f = v.astype(np.float64)
    lo, hi = float(info.min), float(info.max) + 1  # both powers of two (or 0): exact
    inside = (f > lo) & (f < hi)
    r = np.trunc(np.where(inside, f, 0)).astype(dtype)
    r = np.where(f >= hi, info.max, r)
    return np.where(f <= lo, info.min, r).astype(dtype)


def _np_convert(x, new_dtype):
    v = _values(x)
    if v.dtype.kind == "c" and new_dtype not in COMPLEX:
        v = v.real
    if new_dtype == "bool":
        return v != 0
    if new_dtype in INTEGERS:
        return _np_float_to_int(v, new_dtype) if v.dtype.kind == "f" else v.astype(new_dtype)
    if new_dtype == "bfloat16":  # integers and bools round to float32 first, as LLVM does
        return _to_bf16(v.astype(np.float32) if v.dtype.kind in "iub" else v)
    return v.astype(new_dtype)


def _infer_convert(specs, attrs):
    require_dtypes("convert_element_type", specs[0], ALL)
    return [specs[0].with_dtype(attrs["new_dtype"])]


defop("convert_element_type", ("x",), {"new_dtype": STRING}, infer=_infer_convert,
      reference=numpy_ref(_np_convert),
      lower=lambda low, operands, in_specs, out_specs, attrs: [low.map(
          operands, out_specs[0], lambda x: _convert(low, x, in_specs[0].dtype, out_specs[0].dtype))],
      enums={"new_dtype": set(ALL)}, family="logical")


def _convert_jvp(primals, tangents, new_dtype):
    (ans,) = primal("convert_element_type", primals, {"new_dtype": new_dtype})
    (x,), (t,) = primals, tangents
    if t is None or new_dtype not in INEXACT or spec(x).dtype not in INEXACT:
        return [ans], [None]  # to or from integers the derivative is zero, as in JAX
    return [ans], [pb.convert_element_type(t, new_dtype=new_dtype)]


JVP["convert_element_type"] = _convert_jvp
deftranspose("convert_element_type", lambda cts, ops, lin, new_dtype: [
    pb.convert_element_type(cts[0], new_dtype=spec(ops[0]).dtype)])
defelementwise_batch("convert_element_type")


# ---- bitcast ---------------------------------------------------------------------

BITCASTABLE = INTEGERS | FLOATS  # arith.bitcast has no complex form; bool has no byte-sized bits


def _infer_bitcast(specs, attrs):
    x, new = specs[0], attrs["new_dtype"]
    require_dtypes("bitcast", x, BITCASTABLE)
    require(new in BITCASTABLE, f"pb.bitcast cannot produce dtype {new} "
                                f"(allowed: {', '.join(sorted(BITCASTABLE))})")
    require(BITWIDTH[new] == BITWIDTH[x.dtype],
            f"pb.bitcast needs equal bit widths, got {x.dtype} ({BITWIDTH[x.dtype]} bits) "
            f"and {new} ({BITWIDTH[new]} bits)")
    return [x.with_dtype(new)]


def _lower_bitcast(low, operands, in_specs, out_specs, attrs):
    t = low.scalar_type(out_specs[0].dtype)
    return [low.map(operands, out_specs[0],
                    lambda x: x if x.type == t else arith.bitcast(t, x))]  # intN <-> uintN share iN


defop("bitcast", ("x",), {"new_dtype": STRING}, infer=_infer_bitcast,
      reference=lambda x, new_dtype: np.ascontiguousarray(x).view(numpy_dtype(new_dtype)),
      lower=_lower_bitcast, enums={"new_dtype": set(ALL)}, family="logical")
defnondiff("bitcast")
defelementwise_batch("bitcast")
