"""The 1-D FFT kernels pb.fft lowers to, written in MLIR (scf / arith / memref).

No FFT library with a C ABI ships on PyPI under a licence we can depend on, so the
transform is generated here. Each kernel is one private func.func per (float type, length),
shared by every use in a module, computing the forward DFT y = F x of split real/imaginary
buffers (memref<n x f32|f64>, static, so the bare-pointer calling convention holds):

  * lengths whose prime factors are all <= MAX_RADIX: a mixed-radix Stockham autosort FFT
    (Govindaraju et al., 2008): radix 4 first, then 2, 3, 5, 7, 11, 13, each stage one
    straight-line butterfly (radix 2 and 4 by additions only, the others an unrolled DFT with
    constant roots) over two nested loops, ping-ponging between x and y; twiddles come from
    one table of the n-th roots of unity, a constant (memref.global) computed in float64;
  * other lengths: Bluestein's chirp-z, x_k w_k convolved with conj(w) through a power-of-two
    kernel of length m >= 2n - 1 (the chirp's transform, scaled by 1/m, is a constant).

The inverse is the same kernel on swapped parts: ifft(X) = swap(fft(swap(X))) / n with
swap(a + ib) = b + ia, so one kernel serves both directions (dialects/ops/fft.py).
x is clobbered; the result is in y.

Batches of rows run `lanes` rows at a time: the buffers are then memref<n x lanes x f>, each
butterfly value a vector<lanes x f> (one row per lane), so the same straight-line stage code is
SIMD across rows; one row (lanes = 1) keeps scalars.
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, func, memref, scf, vector

from .ir import functions, module_body

MAX_RADIX = 13
_PRIMES = (2, 3, 5, 7, 11, 13)


def radices(n: int) -> list[int] | None:
    """Stockham stage radices of n (4s first), or None when n has a prime factor > MAX_RADIX."""
    out, m = [], n
    while m % 4 == 0:
        out.append(4)
        m //= 4
    for p in _PRIMES:
        while m % p == 0:
            out.append(p)
            m //= p
    return out if m == 1 else None


def bluestein_length(n: int) -> int:
    return 1 << max(0, (2 * n - 2).bit_length())


def _index(v: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), int(v)).result


def roots_of_unity(count: int, n: int) -> np.ndarray:
    """exp(-2 pi i k / n) for k < count, in float64, exact (0, +-1) at the quarter turns."""
    w = np.exp(-2j * np.pi * np.arange(count) / n)
    return np.where(np.abs(w.real) < 1e-12, 0, w.real) + 1j * np.where(np.abs(w.imag) < 1e-12, 0, w.imag)


def _fconst(ftype, v: float) -> ir.Value:
    return arith.ConstantOp(ftype, ir.FloatAttr.get(ftype, float(v))).result


def _global(module, name: str, values: np.ndarray, ftype) -> str:
    """A private constant memref.global holding `values` (created once per module)."""
    if not any(getattr(op, "sym_name", None) is not None and ir.StringAttr(op.sym_name).value == name
               for op in module_body(module).operations if op.operation.name == "memref.global"):
        t = ir.MemRefType.get([values.size], ftype)
        with ir.InsertionPoint.at_block_begin(module_body(module)), ir.Location.unknown():
            memref.GlobalOp(name, ir.TypeAttr.get(t), sym_visibility="private", constant=True,
                            initial_value=ir.DenseElementsAttr.get(np.ascontiguousarray(values)))
    return name


def _get_global(module, name, values, ftype) -> ir.Value:
    _global(module, name, values, ftype)
    return memref.GetGlobalOp(ir.MemRefType.get([values.size], ftype), name).result


class _Lanes:
    """Loads, stores and constants of butterfly values: scalars (lanes = 1) or vector<lanes x f>."""

    def __init__(self, ftype, lanes: int):
        self.ftype, self.lanes = ftype, lanes
        self.vtype = ir.VectorType.get([lanes], ftype) if lanes > 1 else ftype

    def buffer_type(self, n: int) -> ir.MemRefType:
        return ir.MemRefType.get([n, self.lanes] if self.lanes > 1 else [n], self.ftype)

    def load(self, buf, i):
        if self.lanes == 1:
            return memref.load(buf, [i])
        return vector.load(self.vtype, buf, [i, _index(0)])

    def store(self, value, buf, i):
        if self.lanes == 1:
            memref.store(value, buf, [i])
        else:
            vector.store(value, buf, [i, _index(0)])

    def const(self, v: float):
        if self.lanes == 1:
            return _fconst(self.ftype, v)
        return arith.ConstantOp(self.vtype, ir.DenseElementsAttr.get_splat(
            self.vtype, ir.FloatAttr.get(self.ftype, float(v)))).result

    def splat(self, scalar):
        """A scalar (a table entry) for every lane."""
        return scalar if self.lanes == 1 else vector.broadcast(self.vtype, scalar)


class _C:
    """A complex scalar as two float values, with the arithmetic butterflies need."""

    def __init__(self, re, im):
        self.re, self.im = re, im

    def __add__(self, o):
        return _C(arith.addf(self.re, o.re), arith.addf(self.im, o.im))

    def __sub__(self, o):
        return _C(arith.subf(self.re, o.re), arith.subf(self.im, o.im))

    def mul(self, o):
        return _C(arith.subf(arith.mulf(self.re, o.re), arith.mulf(self.im, o.im)),
                  arith.addf(arith.mulf(self.re, o.im), arith.mulf(self.im, o.re)))

    def times_minus_i(self):
        return _C(self.im, arith.negf(self.re))


def _butterfly(v: list, radix: int, ln: "_Lanes") -> list:
    """The forward DFT of `radix` complex values, unrolled."""
    if radix == 2:
        return [v[0] + v[1], v[0] - v[1]]
    if radix == 4:
        a, b = v[0] + v[2], v[0] - v[2]
        c, d = v[1] + v[3], (v[1] - v[3]).times_minus_i()
        return [a + c, b + d, a - c, b - d]
    out = []
    for s in range(radix):
        acc = v[0]
        for r in range(1, radix):
            t = (r * s) % radix
            if t == 0:
                acc = acc + v[r]
                continue
            w = np.exp(-2j * np.pi * t / radix)
            acc = acc + v[r].mul(_C(ln.const(w.real), ln.const(w.imag)))
        out.append(acc)
    return out


def _loop(n: int):
    loop = scf.ForOp(_index(0), _index(n), _index(1))
    return loop, loop.induction_variable


def _copy(src, dst):
    memref.CopyOp(src, dst)


def _stockham_body(module, args, n: int, ln: _Lanes, tag: str) -> None:
    x_re, x_im, y_re, y_im = args
    rs = radices(n)
    if not rs:
        _copy(x_re, y_re)
        _copy(x_im, y_im)
        return
    if len(rs) > 1:  # one stage has no twiddles
        roots = roots_of_unity(n, n)
        dtype = np.float32 if tag == "f32" else np.float64
        tw_re = _get_global(module, f"__pb_fft_twiddle_re_{tag}_{n}", roots.real.astype(dtype), ln.ftype)
        tw_im = _get_global(module, f"__pb_fft_twiddle_im_{tag}_{n}", roots.imag.astype(dtype), ln.ftype)
    src, dst = (x_re, x_im), (y_re, y_im)
    ns = 1
    for radix in rs:
        m = n // radix
        outer, q = _loop(n // (radix * ns))
        with ir.InsertionPoint(outer.body):
            inner, k = _loop(ns)
            with ir.InsertionPoint(inner.body):
                j = arith.addi(arith.muli(q, _index(ns)), k)
                v = []
                for r in range(radix):
                    at = arith.addi(j, _index(r * m))
                    v.append(_C(ln.load(src[0], at), ln.load(src[1], at)))
                if ns > 1:
                    step = arith.muli(k, _index(n // (ns * radix)))
                    for r in range(1, radix):
                        t = [arith.muli(step, _index(r))]
                        v[r] = v[r].mul(_C(ln.splat(memref.load(tw_re, t)), ln.splat(memref.load(tw_im, t))))
                out = _butterfly(v, radix, ln)
                base = arith.addi(arith.muli(q, _index(ns * radix)), k)
                for s in range(radix):
                    at = arith.addi(base, _index(s * ns))
                    ln.store(out[s].re, dst[0], at)
                    ln.store(out[s].im, dst[1], at)
                scf.YieldOp([])
            scf.YieldOp([])
        src, dst = dst, src
        ns *= radix
    if src[0] is x_re:  # an even number of stages ends in x
        _copy(x_re, y_re)
        _copy(x_im, y_im)


def _bluestein_body(module, args, n: int, ln: _Lanes, tag: str) -> None:
    """y = chirp * IFFT_m(FFT_m(pad(x * chirp)) * B), B = FFT_m(conj chirp, wrapped) / m."""
    x_re, x_im, y_re, y_im = args
    m = bluestein_length(n)
    dtype = np.float32 if tag == "f32" else np.float64
    k = np.arange(n)
    chirp = np.exp(-1j * np.pi * ((k * k) % (2 * n)) / n)
    b = np.zeros(m, np.complex128)
    b[:n] = np.conj(chirp)
    b[m - n + 1:] = np.conj(chirp[1:][::-1])
    big = np.fft.fft(b) / m
    tables = {}
    for part, values in (("chirp", chirp), ("bluestein", big)):
        for name, v in (("re", values.real), ("im", values.imag)):
            tables[part, name] = _get_global(module, f"__pb_fft_{part}_{name}_{tag}_{n}", v.astype(dtype), ln.ftype)

    def table(part, i):
        return _C(ln.splat(memref.load(tables[part, "re"], [i])), ln.splat(memref.load(tables[part, "im"], [i])))

    # scratch: freed by the deallocation pipeline (it requires inputs without memref.dealloc)
    a_re, a_im, f_re, f_im = (memref.AllocOp(ln.buffer_type(m), [], []).result for _ in range(4))
    kernel = ensure_kernel(module, m, ln.ftype, ln.lanes)
    loop, i = _loop(n)
    with ir.InsertionPoint(loop.body):
        prod = _C(ln.load(x_re, i), ln.load(x_im, i)).mul(table("chirp", i))
        ln.store(prod.re, a_re, i)
        ln.store(prod.im, a_im, i)
        scf.YieldOp([])
    zero = ln.const(0.0)
    loop = scf.ForOp(_index(n), _index(m), _index(1))
    with ir.InsertionPoint(loop.body):
        ln.store(zero, a_re, loop.induction_variable)
        ln.store(zero, a_im, loop.induction_variable)
        scf.YieldOp([])
    func.CallOp([], kernel, [a_re, a_im, f_re, f_im])
    loop, i = _loop(m)  # spectrum times B, stored swapped for the inverse transform
    with ir.InsertionPoint(loop.body):
        p = _C(ln.load(f_re, i), ln.load(f_im, i)).mul(table("bluestein", i))
        ln.store(p.im, a_re, i)
        ln.store(p.re, a_im, i)
        scf.YieldOp([])
    func.CallOp([], kernel, [a_re, a_im, f_re, f_im])
    loop, i = _loop(n)
    with ir.InsertionPoint(loop.body):
        y = _C(ln.load(f_im, i), ln.load(f_re, i)).mul(table("chirp", i))  # swapped back
        ln.store(y.re, y_re, i)
        ln.store(y.im, y_im, i)
        scf.YieldOp([])


def ensure_kernel(module, n: int, ftype, lanes: int = 1) -> str:
    """The name of the module's forward FFT kernel of length n over `ftype`, `lanes` rows at a
    time (buffers memref<n x f>, or memref<n x lanes x f>), emitting it once."""
    tag = "f32" if str(ftype) == "f32" else "f64"
    name = f"__pb_fft_{tag}_{n}" + (f"_x{lanes}" if lanes > 1 else "")
    if name in functions(module):
        return name
    ln = _Lanes(ftype, lanes)
    t = ln.buffer_type(n)
    with ir.InsertionPoint(module_body(module)), ir.Location.unknown():
        fn = func.FuncOp(name, ([t] * 4, []))
        fn.attributes["sym_visibility"] = ir.StringAttr.get("private")
        entry = fn.add_entry_block()
        with ir.InsertionPoint(entry):
            if radices(n) is not None:
                _stockham_body(module, list(entry.arguments), n, ln, tag)
            else:
                _bluestein_body(module, list(entry.arguments), n, ln, tag)
            func.ReturnOp([])
    return name
