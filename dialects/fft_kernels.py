"""The 1-D FFT kernels pb.fft lowers to, written in MLIR (scf / arith / memref).

No FFT library with a C ABI ships on PyPI under a licence we can depend on, so the
transform is generated here. Each kernel is one private func.func per (float type, length),
shared by every use in a module, computing the forward DFT y = F x of split real/imaginary
buffers (memref<n x f32|f64>, static, so the bare-pointer calling convention holds):

  * lengths whose prime factors are all <= MAX_RADIX: a mixed-radix Stockham autosort FFT
    (Govindaraju et al., 2008): radix 4 first, then 2, 3, 5, 7, 11, 13, each stage one
    straight-line butterfly (radix 2 and 4 by additions only, the others an unrolled DFT with
    constant roots) over two nested loops, ping-ponging between x and y; twiddles come from
    a constant (memref.global) computed in float64, laid out per stage so consecutive k read
    consecutive entries;
  * other lengths: Bluestein's chirp-z, x_k w_k convolved with conj(w) through a power-of-two
    kernel of length m >= 2n - 1 (the chirp's transform, scaled by 1/m, is a constant).

The inverse is the same kernel on swapped parts: ifft(X) = swap(fft(swap(X))) / n with
swap(a + ib) = b + ia, so one kernel serves both directions (dialects/ops/fft.py).
x is clobbered; the result is in y.

Batches of rows run `lanes` rows at a time: the buffers are then memref<n x lanes x f>, each
butterfly value a vector<lanes x f> (one row per lane), so the same straight-line stage code is
SIMD across rows. One row (lanes = 1) is SIMD along the row instead (measured: fft of 2^16
points ~560 -> ~300 us): a stage with ns >= the vector width runs each butterfly on `width`
consecutive k (contiguous loads and stores, twiddles vector-loaded); the first stages (ns
below the width, radix 2 or 4) on `width` consecutive j, which several q share, with constant
twiddles and shuffles interleaving the outputs into their contiguous block; other stages
(odd radices there, short lengths) stay scalar.
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, func, memref, scf, vector

from .ir import functions, module_body
from .lowering import index_constant as _index

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


# Width of the SIMD vectors one long row's stages run on (256-bit, as the batched kernels' lanes).
VECTOR_WIDTH = {"f32": 8, "f64": 4}


def _stage_plan(n: int) -> list[tuple[int, int]]:
    """(radix, ns) of each Stockham stage: ns is the product of the earlier radices."""
    plan, ns = [], 1
    for radix in radices(n) or []:
        plan.append((radix, ns))
        ns *= radix
    return plan


def _stage_twiddles(n: int) -> tuple[np.ndarray, list[int]]:
    """The twiddles of every stage with ns > 1, each stage's laid out contiguously as
    [(r - 1) * ns + k] = W_n^(k r step) (r = 1..radix-1, k < ns, step = n / (ns radix)), so that
    a stage reads consecutive entries for consecutive k (vector loads, no strided gathers);
    and each stage's offset into that table (-1 for the first stage, which has none)."""
    roots = roots_of_unity(n, n)
    parts, offsets, size = [], [], 0
    for radix, ns in _stage_plan(n):
        if ns == 1:
            offsets.append(-1)
            continue
        step = n // (ns * radix)
        k = np.arange(ns)
        parts.extend(roots[(k * r * step) % n] for r in range(1, radix))
        offsets.append(size)
        size += (radix - 1) * ns
    return (np.concatenate(parts) if parts else np.zeros(0, np.complex128)), offsets


def _stage(src, dst, n, radix, ns, width: int, load, store, butterfly_lanes: _Lanes, twiddle) -> None:
    """One radix-`radix` stage of stride `ns`, a butterfly per (q, k), k in steps of `width`;
    twiddle(k, r) gives input r's twiddle (none when ns is 1: every twiddle is 1)."""
    m = n // radix
    outer, q = _loop(n // (radix * ns))
    with ir.InsertionPoint(outer.body):
        inner = scf.ForOp(_index(0), _index(ns), _index(width))
        k = inner.induction_variable
        with ir.InsertionPoint(inner.body):
            j = arith.addi(arith.muli(q, _index(ns)), k)
            v = []
            for r in range(radix):
                at = arith.addi(j, _index(r * m))
                v.append(_C(load(src[0], at), load(src[1], at)))
            if ns > 1:
                for r in range(1, radix):
                    v[r] = v[r].mul(twiddle(k, r))
            out = _butterfly(v, radix, butterfly_lanes)
            base = arith.addi(arith.muli(q, _index(ns * radix)), k)
            for s in range(radix):
                at = arith.addi(base, _index(s * ns))
                store(out[s].re, dst[0], at)
                store(out[s].im, dst[1], at)
            scf.YieldOp([])
        scf.YieldOp([])


def _scalar_stage(src, dst, n, radix, ns, ln: _Lanes, twiddle) -> None:
    """A row of scalars, or `lanes` rows in SIMD lanes: one k per butterfly."""
    _stage(src, dst, n, radix, ns, 1, ln.load, ln.store, ln, twiddle)


def _wide_stage(src, dst, n, radix, ns, vec: _Lanes, twiddle) -> None:
    """A single row with ns a multiple of the vector width: consecutive k are consecutive in
    memory on both sides, so each butterfly runs on vectors of `width` k's."""
    _stage(src, dst, n, radix, ns, vec.lanes, lambda buf, i: _vload(vec, buf, i), _vstore, vec, twiddle)


def _vload(vec: _Lanes, buf, i):
    return vector.load(vec.vtype, buf, [i])


def _vstore(value, buf, i):
    vector.store(value, buf, [i])


def _interleave_masks(radix: int, ns: int, width: int) -> list[list[int]]:
    """Where a narrow stage's outputs go: element e of output s of a chunk of `width`
    consecutive j = q ns + k lands at (e // ns) ns radix + e % ns + s ns in the chunk's block of
    radix * width outputs; mask t picks block positions t * width.. from the outputs
    concatenated (output s's element e at s * width + e)."""
    source = {}
    for s in range(radix):
        for e in range(width):
            source[(e // ns) * ns * radix + e % ns + s * ns] = s * width + e
    return [[source[t * width + i] for i in range(width)] for t in range(radix)]


def _concat(values: list) -> ir.Value:
    """The vectors side by side, by a balanced tree of shuffles (a power-of-two count)."""
    while len(values) > 1:
        values = [vector.shuffle(a, b, list(range(2 * ir.VectorType(a.type).shape[0])))
                  for a, b in zip(values[::2], values[1::2])]
    return values[0]


def _narrow_stage(src, dst, n, radix, ns, vec: _Lanes, roots) -> None:
    """One stage of a single row with ns < width (the first ones): a chunk of `width`
    consecutive j (several q's) is still consecutive on input, and its outputs fill a
    contiguous block of radix * width, interleaved: the butterflies run on vectors and
    shuffles put their results in order. Twiddles depend on k = j % ns only: constants."""
    m, width = n // radix, vec.lanes
    step = n // (ns * radix)
    masks = _interleave_masks(radix, ns, width)
    loop = scf.ForOp(_index(0), _index(m), _index(width))
    j = loop.induction_variable
    with ir.InsertionPoint(loop.body):
        v = []
        for r in range(radix):
            at = arith.addi(j, _index(r * m))
            v.append(_C(_vload(vec, src[0], at), _vload(vec, src[1], at)))
        if ns > 1:
            for r in range(1, radix):
                w = roots[(np.arange(width) % ns * r * step) % n]
                v[r] = v[r].mul(_C(_vconst(vec, w.real), _vconst(vec, w.imag)))
        out = _butterfly(v, radix, vec)
        base = arith.muli(j, _index(radix))
        for part, buf in ((lambda c: c.re, dst[0]), (lambda c: c.im, dst[1])):
            both = _concat([part(c) for c in out])
            for t, mask in enumerate(masks):
                _vstore(vector.shuffle(both, both, mask), buf, arith.addi(base, _index(t * width)))
        scf.YieldOp([])


def _vconst(vec: _Lanes, values: np.ndarray) -> ir.Value:
    dtype = np.float32 if str(vec.ftype) == "f32" else np.float64
    return arith.ConstantOp(vec.vtype, ir.DenseElementsAttr.get(values.astype(dtype), type=vec.vtype)).result


def _vector_form(n: int, radix: int, ns: int, width: int) -> str | None:
    """How a single row's stage runs on vectors: "wide" (ns a multiple of the width), "narrow"
    (the first stages: radix 2 or 4, ns dividing the width), or None (scalar code)."""
    if ns % width == 0:
        return "wide"
    if radix in (2, 4) and width % ns == 0 and (n // radix) % width == 0:
        return "narrow"
    return None


def row_vectorizes(n: int, ftype) -> bool:
    """Whether a single row's kernel of length n runs every stage on vectors (Stockham only)."""
    width = VECTOR_WIDTH["f32" if str(ftype) == "f32" else "f64"]
    plan = _stage_plan(n) if radices(n) is not None else []
    return bool(plan) and all(_vector_form(n, radix, ns, width) for radix, ns in plan)


def _stockham_body(module, args, n: int, ln: _Lanes, tag: str) -> None:
    x_re, x_im, y_re, y_im = args
    plan = _stage_plan(n)
    if not plan:
        _copy(x_re, y_re)
        _copy(x_im, y_im)
        return
    dtype = np.float32 if tag == "f32" else np.float64
    table, offsets = _stage_twiddles(n)
    if table.size:
        tw_re = _get_global(module, f"__pb_fft_stage_twiddle_re_{tag}_{n}", table.real.astype(dtype), ln.ftype)
        tw_im = _get_global(module, f"__pb_fft_stage_twiddle_im_{tag}_{n}", table.imag.astype(dtype), ln.ftype)
    width = VECTOR_WIDTH[tag]
    vec = _Lanes(ln.ftype, width)
    roots = roots_of_unity(n, n)
    src, dst = (x_re, x_im), (y_re, y_im)
    for (radix, ns), offset in zip(plan, offsets):
        def at(k, r, offset=offset, ns=ns):
            return [arith.addi(k, _index(offset + (r - 1) * ns))]
        form = _vector_form(n, radix, ns, width) if ln.lanes == 1 else None
        if form == "wide":
            _wide_stage(src, dst, n, radix, ns, vec, lambda k, r, at=at: _C(
                _vload(vec, tw_re, at(k, r)[0]), _vload(vec, tw_im, at(k, r)[0])))
        elif form == "narrow":
            _narrow_stage(src, dst, n, radix, ns, vec, roots)
        else:
            _scalar_stage(src, dst, n, radix, ns, ln, lambda k, r, at=at: _C(
                ln.splat(memref.load(tw_re, at(k, r))), ln.splat(memref.load(tw_im, at(k, r)))))
        src, dst = dst, src
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
