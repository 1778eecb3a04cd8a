"""`pullback-opt --run=f --arg=...`: JIT-compile a function, call it, print its results.

An argument is an MLIR dense literal, with or without its type:

    dense<[1.0, 2.0]> : tensor<2xf32>    the full attribute (its type must match @f's)
    dense<1.0> : tensor<2x3xf32>         a splat
    [[1, 2], [3, 4]]                     a bare literal: typed by @f's parameter
    0.5                                  a bare scalar: a splat of @f's parameter type
    [(1.0, 2.0), (0.0, -1.0)]            complex elements are (re, im) pairs

Results print one per line in a FileCheck-friendly form whose value part is
again a dense literal, e.g. `result[0]: tensor<2xf32> = [2.0, 3.0]`: floats in
their shortest round-trip form for their own precision, booleans as
true/false and complex numbers as (re, im).
"""
from __future__ import annotations

import re

import numpy as np
from mlir import ir

from pullback.dialects.ir import functions, set_private, symbol_closure
from pullback.dialects.types import COMPLEX, INEXACT, REAL_OF_COMPLEX, TensorSpec, numpy_dtype, spec_of_type
from pullback.runtime import compile_module, function_signature


class ArgError(ValueError):
    """A --arg value that cannot be turned into an argument."""


def _split(text: str) -> tuple[str, str | None]:
    """'dense<BODY> : TYPE' / 'BODY : TYPE' / 'BODY' -> (BODY, TYPE or None)."""
    text = text.strip()
    if text.startswith("dense<"):
        depth = 0
        for i in range(len("dense"), len(text)):
            depth += (text[i] == "<") - (text[i] == ">")
            if depth == 0:
                break
        else:
            raise ArgError("unterminated 'dense<'")
        body, rest = text[len("dense<"):i], text[i + 1:].strip()
        if rest and not rest.startswith(":"):
            raise ArgError(f"unexpected '{rest}' after the dense literal")
        return body, (rest[1:].strip() or None) if rest else None
    body, colon, typ = text.partition(":")
    return body.strip(), (typ.strip() or None) if colon else None


# The digits of a number without a '.', before its end or its exponent (not in 1.5 or 0x1F).
_INTEGER_MANTISSA = re.compile(r"(?<![\w.+-])(-?\d+)(?=[eE][-+]?\d|(?![\w.]))")


def _mlir_message(e) -> str:
    """The messages of an MLIRError, notes in parentheses."""
    parts = []
    for d in e.error_diagnostics:
        notes = "".join(f" ({n.message})" for n in d.notes)
        parts.append(d.message + notes)
    return "; ".join(parts) or str(e)


def _parse_attr(body: str, spec: TensorSpec) -> ir.Attribute:
    """The attribute `dense<body> : spec` (in the active context)."""
    text = f"dense<{body}> : {spec.mlir()}"
    try:
        return ir.Attribute.parse(text)
    except ir.MLIRError as e:
        raise ArgError(f"invalid literal '{text}': {_mlir_message(e)}") from None
    except (TypeError, ValueError) as e:
        raise ArgError(f"invalid literal '{text}': {e}") from None


def _parse_dense(body: str, spec: TensorSpec) -> np.ndarray:
    """numpy array of `dense<body> : spec` (for element types numpy can hold directly)."""
    with ir.Context():
        return np.array(ir.DenseElementsAttr(_parse_attr(body, spec))).reshape(spec.shape)


def _bf16_bits(x: np.ndarray) -> np.ndarray:
    """float32 -> bfloat16 bits (uint16), rounding to nearest even (NaNs stay quiet NaNs)."""
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    nan = ((bits >> 16) | 0x40).astype(np.uint16)
    return np.where(np.isnan(x), nan, rounded)


def to_numpy(body: str, spec: TensorSpec) -> np.ndarray:
    """Host array (pullback's storage dtype) of a dense literal of type `spec`."""
    if spec.dtype in COMPLEX:
        # The bindings cannot read complex attributes: read (re, im) pairs as a trailing dim of 2.
        real = REAL_OF_COMPLEX[spec.dtype]
        pairs = body.replace("(", "[").replace(")", "]")
        if body.lstrip().startswith("("):  # splat
            parts = np.broadcast_to(_parse_dense(pairs, TensorSpec((2,), real)), spec.shape + (2,))
        else:
            parts = _parse_dense(pairs, TensorSpec(spec.shape + (2,), real))
        return (parts[..., 0] + 1j * parts[..., 1]).astype(numpy_dtype(spec.dtype))
    if spec.dtype == "bfloat16":
        # Validate and round at bf16 first, then read the exact values through f32.
        with ir.Context():
            exact = _split(str(_parse_attr(body, spec)))[0]
        return _bf16_bits(_parse_dense(exact, spec.with_dtype("float32"))).view(numpy_dtype("bfloat16"))
    return _parse_dense(body, spec).astype(numpy_dtype(spec.dtype))


def parse_arg(text: str, spec: TensorSpec, index: int, fn: str) -> np.ndarray:
    """The array for `--arg=text` passed as parameter `index` (of type `spec`) of @fn."""
    body, typ = _split(text)
    if not body and spec.size:
        raise ArgError(f"empty literal for a parameter of type {spec.mlir()}")
    if typ is not None:
        with ir.Context():
            try:
                given = spec_of_type(ir.Type.parse(typ))
            except (ir.MLIRError, TypeError, ValueError) as e:
                raise ArgError(f"invalid type '{typ}': {str(e).splitlines()[0]}") from None
        if given != spec:
            raise ArgError(f"@{fn} parameter {index} has type {spec.mlir()}, got {given.mlir()}")
    if not spec.size:  # `[]`, `[[], []]` or `dense<>`: nothing to read
        return np.zeros(spec.shape, numpy_dtype(spec.dtype))
    if spec.dtype in INEXACT:
        body = _INTEGER_MANTISSA.sub(r"\1.0", body)  # MLIR float literals need a '.': 2 -> 2.0, 3e1 -> 3.0e1
    return to_numpy(body, spec)


# ---- printing ---------------------------------------------------------------

def _scalar(x, dtype: str) -> str:
    if dtype == "bool":
        return "true" if x else "false"
    if dtype in COMPLEX:
        real = REAL_OF_COMPLEX[dtype]
        return f"({_scalar(x.real, real)}, {_scalar(x.imag, real)})"
    if dtype == "bfloat16":  # the shortest decimal that rounds back to the same bits
        bits = np.asarray(x, numpy_dtype("bfloat16")).view(np.uint16)
        value = float(np.array(np.uint32(bits) << np.uint32(16), dtype=np.uint32).view(np.float32))
        if not np.isfinite(value):
            return str(np.float32(value))
        return _float_literal(next(s for s in (f"{value:.{p}g}" for p in range(1, 10))
                                   if _bf16_bits(np.array([float(s)], dtype=np.float32))[0] == bits))
    if np.issubdtype(np.asarray(x).dtype, np.integer):
        return str(int(x))
    return _float_literal(str(x))  # numpy's shortest repr that round-trips at the value's own precision


def _float_literal(s: str) -> str:
    """MLIR float literals need a '.' in the mantissa: '2' -> '2.0', '1e+20' -> '1.0e+20'."""
    if s in ("nan", "inf", "-inf") or "." in s:
        return s
    mantissa, e, exponent = s.partition("e")
    return f"{mantissa}.0{e}{exponent}"


def format_value(a: np.ndarray, dtype: str) -> str:
    """A dense literal: nested [..] lists of elements, or one scalar for rank 0."""
    if a.ndim == 0:
        return _scalar(a[()], dtype)
    return "[" + ", ".join(format_value(sub, dtype) for sub in a) + "]"


def format_result(index: int, spec: TensorSpec, a: np.ndarray) -> str:
    return f"result[{index}]: {spec.mlir()} = {format_value(np.asarray(a), spec.dtype)}"


def keep_only(module: ir.Module, fn: str) -> None:
    """Erase the functions @fn does not refer to (transitively: callees, and the functions a
    custom derivative call or an unserved request names): only @fn gets compiled."""
    keep = set(symbol_closure(module, fn))
    for name, op in functions(module).items():
        if name not in keep:
            op.erase()


def run(module: ir.Module, fn: str, arg_texts: list[str]) -> list[str]:
    """Compile @fn of a pb module, call it on the --arg values, return the result lines.

    The module is modified: functions that @fn does not call are erased first.
    """
    in_specs, _ = function_signature(module, fn)
    if len(arg_texts) != len(in_specs):
        raise ArgError(f"@{fn} takes {len(in_specs)} argument(s), got {len(arg_texts)} --arg")
    args = []
    for i, (text, spec) in enumerate(zip(arg_texts, in_specs)):
        try:
            args.append(parse_arg(text, spec, i, fn))
        except ArgError as e:
            raise ArgError(f"--arg #{i} ('{text}'): {e}") from None
    keep_only(module, fn)
    entry = functions(module)[fn]
    if not entry.regions[0].blocks:
        raise ArgError(f"@{fn} is a declaration without a body: there is nothing to run")
    set_private(entry, False)  # --run makes its function the program's public entry
    exe = compile_module(module, fn)
    results = exe(*args)
    return [format_result(i, s, r) for i, (s, r) in enumerate(zip(exe.out_specs, results))]
