"""pullback.random: JAX's counter-based PRNG (threefry2x32), written in pb ops.

Everything here is ordinary pb ops through `pullback.lax` (uint32 adds,
rotations and xors for the hash; bit tricks and polynomials for the
samplers), so it runs eagerly, traces under jit and batches like any other
code. On concrete inputs each sampler runs as one cached compiled program, as
JAX jits its samplers; under a trace it is inlined.

Draws are bit-identical to jax.random on CPU for the same key:

- keys: `key(seed)` gives a typed key (`PRNGKeyArray`, a pytree wrapping
  uint32[..., 2] key data); `PRNGKey(seed)` a raw uint32[2] array. Every
  function takes both and `split`/`fold_in` return the kind they were given.
- `threefry_partitionable` mirrors `jax_threefry_partitionable` (True, JAX's
  default since 0.5): random bits hash the 64-bit counter iota (hi, lo) and
  xor the two output words; `split` hashes the same counters. False gives the
  legacy streams (one hash over iota(n) split in halves).
- XLA's CPU backend contracts a multiply feeding an add into one FMA, and
  computes float32 log with its own Cephes polynomial. To reproduce its
  results, uniform's `floats * span + minval`, the ErfInv (Giles; float32
  and float64 variants) and log1p polynomials and that log are written here
  exactly as XLA evaluates them, each FMA emulated exactly (float32: in
  float64 with round-to-odd; float64: Dekker's product and Boldo and
  Melquiond's round-to-odd sum). 16-bit floats follow JAX (ErfInv in
  float32). int64 randint does unsigned 64-bit remainders in int64.
- permutation sorts by random 32-bit keys as JAX does (the same keys and
  rounds), without a sort op: a stable LSD radix sort, 32 one-bit passes,
  each a partition computed with a cumulative sum and applied with one
  scatter. Stability (ties keep their order) is what JAX's sort gives, so
  the permutation is identical. Fresh keys are a uniformly random order of
  the elements except for ties, which keep their previous order; JAX's
  round count (ceil(3 ln n / ln(2**32 - 1)), two rounds above n = 1625)
  makes a bias from ties negligible. Each round is O(32 n) work.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from pullback.dialects.types import numpy_dtype

from . import dtypes, lax
from .core import Array, Tracer, is_array, trace_stack
from .errors import user_error
from .jit import Jitted
from .tracing import to_array
from .tree_util import register_pytree_node

# jax_threefry_partitionable (default True since JAX 0.5). Read when a sampler is traced.
threefry_partitionable = True

_U32 = "uint32"


# ---------------------------------------------------------------- small helpers

def _dt(x) -> str:
    return x.aval.dtype


def _const(shape, v, dtype):
    """An array (never a Literal) of `shape` filled with v."""
    if dtype == "bfloat16":  # bfloat16 Literals are stored wrongly: round here, convert exactly
        m, e = math.frexp(float(v))
        return _convert(_const(shape, math.ldexp(round(m * 256) / 256, e), "float32"), dtype)
    x = lax.full(shape, v, dtype)
    return x if is_array(x) else lax.reshape(lax.full((1,), v, dtype), ())


def _full(like, v, dtype=None):
    """A constant with the shape of `like` (and its dtype unless given)."""
    return _const(like.shape, v, dtype or _dt(like))


def _scalar_ok(f):
    """Binary lax op whose Python/numpy scalar operand takes the other's shape and dtype."""
    def g(x, y):
        if not is_array(x):
            x = _full(y, x)
        if not is_array(y):
            y = _full(x, y)
        return f(x, y)
    return g


_add, _sub, _mul = map(_scalar_ok, (lax.add, lax.sub, lax.mul))
_xor, _or, _and = map(_scalar_ok, (lax.bitwise_xor, lax.bitwise_or, lax.bitwise_and))
_shl, _shr = _scalar_ok(lax.shift_left), _scalar_ok(lax.shift_right_logical)
_lt, _eq, _max = map(_scalar_ok, (lax.lt, lax.eq, lax.max))


def _select(pred, a, b, dtype=None):
    """lax.select; scalar branches take the other branch's dtype, or `dtype`."""
    dtype = dtype or next(_dt(v) for v in (a, b) if is_array(v))
    a, b = (v if is_array(v) else _full(pred, v, dtype) for v in (a, b))
    return lax.select(pred, a, b)


def _value(x):
    """An Array/Tracer for x; numpy data is converted to its canonical dtype here, keeping
    0-d arrays 0-d."""
    if is_array(x):
        return x
    if isinstance(x, (np.ndarray, np.generic, list, tuple)):
        x = np.asarray(x)
        dt = dtypes.canonicalize(x.dtype.name)
        return Array(x.astype(numpy_dtype(dt)), dt)
    return to_array(x)


def _convert(x, dtype):
    return lax.convert_element_type(x, dtype)


def _bcast(x, shape):
    """Broadcast x (numpy rules: trailing dims align) to `shape`."""
    shape = tuple(shape)
    if tuple(x.shape) == shape:
        return x
    nd = len(shape) - x.ndim
    keep = [d for d in range(x.ndim) if x.shape[d] != 1 or shape[nd + d] == 1]
    x = lax.reshape(x, tuple(x.shape[d] for d in keep))
    return lax.broadcast_in_dim(x, shape, tuple(nd + d for d in keep))


def _compiled(*static_argnames):
    """Run on concrete inputs as one cached compiled program (static args by keyword);
    inline under a trace, so an enclosing jit sees plain pb ops."""
    def wrap(fn):
        jitted = Jitted(fn, static_argnames=static_argnames)

        @functools.wraps(fn)
        def call(*args, **kw):
            if trace_stack() or any(isinstance(a, Tracer) for a in args):
                return fn(*args, **kw)
            return jitted(*args, **kw)
        return call
    return wrap


# ---------------------------------------------------------------- typed keys

class KeyDtype:
    """The dtype of typed keys: JAX prints it as key<fry> (threefry2x32)."""
    name = "key<fry>"

    def __repr__(self):
        return self.name

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, KeyDtype) or other == self.name

    def __hash__(self):
        return hash(self.name)


class PRNGKeyArray:
    """An array of typed threefry keys (what `random.key` returns): uint32[..., 2] key data
    seen as an array of shape `data.shape[:-1]`. A pytree node, so keys cross jit."""
    __slots__ = ("_base",)

    def __init__(self, base):
        self._base = base

    dtype = KeyDtype()
    shape = property(lambda self: tuple(self._base.shape[:-1]))
    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: math.prod(self.shape))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d key array")
        return (self[i] for i in range(self.shape[0]))

    def __getitem__(self, idx):
        idx = idx if isinstance(idx, tuple) else (idx,)
        if not any(i is Ellipsis for i in idx):
            idx = idx + (Ellipsis,)
        return PRNGKeyArray(self._base[idx + (slice(None),)])  # never index the key-data axis

    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        size = self.size
        shape = tuple(size // -math.prod(shape) if d == -1 else d for d in shape)
        return PRNGKeyArray(lax.reshape(self._base, shape + (2,)))

    def __eq__(self, other):
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        a, b = self._base, other._base
        same = lax.reduce_min(_convert(lax.eq(a, b), "int32"), (a.ndim - 1,))  # all words equal
        return _eq(same, 1)

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else lax.bitwise_not(eq)

    __hash__ = None

    def block_until_ready(self):
        return self

    def __repr__(self):
        if isinstance(self._base, Array):
            return f"Array({self.shape}, dtype={self.dtype}) overlaying:\n{self._base}"
        return f"Traced<{self.dtype}[{','.join(map(str, self.shape))}]>"


register_pytree_node(PRNGKeyArray, lambda k: ((k._base,), None), lambda _, ch: PRNGKeyArray(ch[0]))


def _key_data(key, name, batched=False):
    """(uint32[..., 2] key data, whether it was a typed key)."""
    if isinstance(key, PRNGKeyArray):
        data, typed = key._base, True
    elif is_array(key) or isinstance(key, (np.ndarray, np.generic, list, tuple)):
        data, typed = _value(key), False
        if _dt(data) != _U32:
            raise user_error(TypeError, "JAX encountered invalid PRNG key data: expected key_data.dtype = "
                             f"uint32; got dtype={_dt(data)}")
        if not data.shape or data.shape[-1] != 2:
            raise user_error(TypeError, "JAX encountered invalid PRNG key data: expected key_data.shape to "
                             f"end with (2,); got shape={tuple(data.shape)} for impl=threefry2x32")
    else:
        raise user_error(TypeError, f"unexpected PRNG key type {type(key)}")
    if not batched and data.ndim != 1:
        raise user_error(ValueError, f"{name} accepts a single key, but was given a key array of shape "
                         f"{tuple(data.shape[:-1])} != (). Use jax.vmap for batching.")
    return data, typed


def _rewrap(data, typed):
    return PRNGKeyArray(data) if typed else data


# ---------------------------------------------------------------- threefry2x32

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))


def _rotl(x, d):
    return _or(_shl(x, d), _shr(x, 32 - d))


def threefry2x32(k1, k2, x1, x2):
    """The Threefry-2x32 block cipher (20 rounds): scalar key words k1, k2 and counter words
    x1, x2 (uint32, one shape) to two uint32 arrays of that shape."""
    k1, k2 = (lax.broadcast_in_dim(k, x1.shape, ()) for k in (k1, k2))
    ks = [k1, k2, _xor(_xor(k1, k2), 0x1BD11BDA)]
    x1, x2 = lax.add(x1, ks[0]), lax.add(x2, ks[1])
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            x1 = lax.add(x1, x2)
            x2 = lax.bitwise_xor(x1, _rotl(x2, r))
        x1 = lax.add(x1, ks[(i + 1) % 3])
        x2 = _add(lax.add(x2, ks[(i + 2) % 3]), i + 1)
    return x1, x2


def _words(key):
    """The two scalar uint32 words of a uint32[2] key."""
    return tuple(lax.reshape(lax.slice(key, (i,), (i + 1,)), ()) for i in (0, 1))


def _hash_counts(key, count):
    """JAX's threefry_2x32(key, count): hash the flat counts as two halves (zero-padded)."""
    n = count.size
    flat = lax.reshape(count, (n,))
    if n % 2:
        flat = lax.pad(flat, _const((), 0, _U32), [(0, 1, 0)])
    h = flat.shape[0] // 2
    y1, y2 = threefry2x32(*_words(key), lax.slice(flat, (0,), (h,)), lax.slice(flat, (h,), (2 * h,)))
    out = lax.concatenate([y1, y2], 0)
    return lax.reshape(lax.slice(out, (0,), (n,)) if n % 2 else out, count.shape)


def _iota_hi_lo(shape):
    """The 64-bit counters 0..size-1 laid out in `shape`, as (hi, lo) uint32 words."""
    size = math.prod(shape)
    if size >= 2 ** 32:
        raise user_error(NotImplementedError, "random arrays of 2**32 or more elements are not supported")
    lo = lax.reshape(lax.iota(_U32, size), shape)
    return _const(shape, 0, _U32), lo


def _bits32(key, shape, partitionable, count=1):
    """`count` uint32 words per element: the 32-bit random bits of JAX's random_bits
    (count=1), or the two words from which it builds 64-bit bits (count=2, (hi, lo))."""
    if math.prod(shape) == 0:
        return [_const(shape, 0, _U32)] * count
    if partitionable:
        hi, lo = _iota_hi_lo(shape)
        b1, b2 = threefry2x32(*_words(key), hi, lo)
        return [lax.bitwise_xor(b1, b2)] if count == 1 else [b1, b2]
    size = math.prod(shape)
    bits = _hash_counts(key, lax.iota(_U32, count * size))
    return [lax.reshape(lax.slice(bits, (i * size,), ((i + 1) * size,)), shape) for i in range(count)]


def _bits_narrow(key, width, shape, partitionable):
    """8- or 16-bit random bits (as uint32 values < 2**width), as JAX draws them."""
    if partitionable or math.prod(shape) == 0:
        return _and(_bits32(key, shape, partitionable)[0], (1 << width) - 1)
    size, per = math.prod(shape), 32 // width
    words = _hash_counts(key, lax.iota(_U32, -(-size * width // 32)))
    # word w holds values w*per .. w*per+per-1, lowest bits first
    pieces = [_and(_shr(words, width * j), (1 << width) - 1) for j in range(per)]
    flat = lax.reshape(lax.concatenate([lax.reshape(p, (words.shape[0], 1)) for p in pieces], 1),
                       (words.shape[0] * per,))
    return lax.reshape(lax.slice(flat, (0,), (size,)), shape)


def _bits64(key, shape, partitionable):
    """64-bit random bits as int64 (pullback has no uint64; the bit pattern is JAX's)."""
    hi, lo = (_convert(w, "int64") for w in _bits32(key, shape, partitionable, 2))
    return lax.bitwise_or(_shl(hi, 32), lo)


@_compiled("num", "partitionable")
def _split(key, num, partitionable):
    n = math.prod(num)
    if partitionable:
        b1, b2 = threefry2x32(*_words(key), *_iota_hi_lo(num)) if n else [_const(num, 0, _U32)] * 2
        return lax.concatenate([lax.reshape(b, num + (1,)) for b in (b1, b2)], len(num))
    return lax.reshape(_hash_counts(key, lax.iota(_U32, 2 * n)), num + (2,))


@_compiled()
def _fold_in(key, data):
    return _hash_counts(key, lax.concatenate([_const((1,), 0, _U32), lax.reshape(data, (1,))], 0))


# ---------------------------------------------------------------- keys

def _seed_data(seed):
    if isinstance(seed, PRNGKeyArray) or (hasattr(seed, "dtype") and isinstance(seed.dtype, KeyDtype)):
        raise user_error(TypeError, "key accepts a scalar seed, but was given a PRNG key.")
    if not (isinstance(seed, int) or is_array(seed) or isinstance(seed, (np.ndarray, np.integer))):
        raise user_error(TypeError, f"PRNG key seed must be an integer; got {seed!r}")
    if isinstance(seed, int):  # as JAX: through int64, wrapped to int32 without x64
        seed = np.int64(seed)
    seed = _value(seed)
    if seed.shape:
        raise user_error(TypeError, "key accepts a scalar seed, but was given an array of shape "
                         f"{tuple(seed.shape)} != (). Use jax.vmap for batching")
    if not dtypes.is_integer(_dt(seed)):
        raise user_error(TypeError, f"PRNG key seed must be an integer; got {seed!r}")
    return _seed(seed)


@_compiled()
def _seed(seed):
    hi = _convert(_shr(seed, 32), _U32) if _dt(seed) == "int64" else _const((), 0, _U32)
    return lax.concatenate([lax.reshape(w, (1,)) for w in (hi, _convert(seed, _U32))], 0)


def key(seed, *, impl=None):
    """A typed PRNG key (scalar key array) from an integer seed, as `jax.random.key`."""
    _check_impl(impl)
    return PRNGKeyArray(_seed_data(seed))


def PRNGKey(seed, *, impl=None):  # noqa: N802 - JAX's name
    """A raw uint32[2] key from an integer seed, as `jax.random.PRNGKey`."""
    _check_impl(impl)
    return _seed_data(seed)


def _check_impl(impl):
    if impl not in (None, "threefry2x32") and not isinstance(impl, KeyDtype):
        raise user_error(ValueError, f"unsupported PRNG implementation {impl!r}; pullback has threefry2x32")


def key_data(keys):
    """The uint32[..., 2] data of a key array (typed or raw)."""
    return _key_data(keys, "key_data", batched=True)[0]


def wrap_key_data(key_bits_array, *, impl=None):
    """A typed key array over uint32[..., 2] key data."""
    _check_impl(impl)
    data, typed = _key_data(key_bits_array, "wrap_key_data", batched=True)
    if typed:
        raise user_error(TypeError, "wrap_key_data expects uint32 key data, got a typed key array")
    return PRNGKeyArray(data)


def key_impl(keys):
    _key_data(keys, "key_impl", batched=True)
    return "threefry2x32"


def split(key, num=2):
    """`num` new keys (an int or a shape) from one key, as `jax.random.split`."""
    data, typed = _key_data(key, "split")
    shape = tuple(int(n) for n in num) if isinstance(num, (tuple, list)) else (int(num),)
    if any(n < 0 for n in shape):
        raise user_error(ValueError, f"split needs a non-negative number of keys, got {num}")
    return _rewrap(_split(data, num=shape, partitionable=threefry_partitionable), typed)


def fold_in(key, data):
    """A new key from a key and a 32-bit integer, as `jax.random.fold_in`."""
    kd, typed = _key_data(key, "fold_in")
    if (data.ndim if is_array(data) else np.ndim(data)) != 0:
        raise user_error(TypeError, "fold_in accepts a scalar, but was given an array of shape "
                         f"{tuple(np.shape(data) if not is_array(data) else data.shape)} != (). "
                         "Use jax.vmap for batching.")
    if is_array(data):
        d = _convert(data, _U32)
    elif isinstance(data, int):  # Python ints must fit; numpy values wrap, as in JAX
        if not 0 <= data < 2 ** 32:
            raise user_error(OverflowError, f"Python integer {data} out of bounds for uint32")
        d = _value(np.uint32(data))
    else:
        d = _value(np.asarray(data).astype(np.uint32))
    return _rewrap(_fold_in(kd, d), typed)


# ---------------------------------------------------------------- float32 arithmetic as XLA:CPU does it

def _two_sum(a, b):
    """s = a + b rounded, and its exact rounding error (Knuth's TwoSum)."""
    s = lax.add(a, b)
    bb = lax.sub(s, a)
    return s, lax.add(lax.sub(a, lax.sub(s, bb)), lax.sub(b, bb))


def _round_to_odd(s, err):
    """The float64 s = RN(x) moved one ulp toward x when inexact and even: x rounded to odd."""
    bits = lax.bitcast_convert_type(s, "int64")
    inexact_even = lax.bitwise_and(lax.ne(err, _full(err, 0.0)), _eq(_and(bits, 1), 0))
    toward = _select(lax.eq(_lt(err, 0.0), _lt(s, 0.0)), 1, -1, "int64")  # +1 grows |s|
    return lax.bitcast_convert_type(lax.add(bits, _select(inexact_even, toward, 0)), "float64")


def _veltkamp(a):
    """a = hi + lo with 26-bit halves, so products of halves are exact."""
    g = _mul(a, 134217729.0)  # 2**27 + 1
    hi = lax.sub(g, lax.sub(g, a))
    return hi, lax.sub(a, hi)


def _fma(a, b, c):
    """a*b + c rounded once, as XLA:CPU computes a multiply feeding an add (it contracts them
    into FMA), for float32 or float64 operands (scalar operands take the others' dtype).

    float32: the product is exact in float64 and the sum is rounded to odd there, so its one
    rounding to float32 is correct. float64: Boldo and Melquiond's emulation -- the exact
    product (Dekker), TwoSum with c, the low parts added with rounding to odd, one final add."""
    dtype = next(_dt(v) for v in (a, b, c) if is_array(v))
    like = next(v for v in (a, b, c) if is_array(v))
    wide = "float64"
    a, b, c = (_convert(v, wide) if is_array(v) else _full(like, v, wide) for v in (a, b, c))
    if dtype == "float32":
        s, err = _two_sum(lax.mul(a, b), c)
        return _convert(_round_to_odd(s, err), "float32")
    p = lax.mul(a, b)
    (ah, al), (bh, bl) = _veltkamp(a), _veltkamp(b)
    pe = lax.sub(lax.mul(ah, bh), p)
    for x, y in ((ah, bl), (al, bh), (al, bl)):
        pe = lax.add(pe, lax.mul(x, y))
    th, tl = _two_sum(c, p)
    return lax.add(th, _round_to_odd(*_two_sum(tl, pe)))


def _f32(v):
    return float(np.float32(v))


# XLA:CPU's float32 log (Cephes/Eigen polynomial, polynomial_approximations.cc).
_LOG_P = [_f32(c) for c in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                            1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                            3.3333331174E-1)]


def _log_f32(x):
    valid = lax.gt(x, _full(x, 0.0))           # negative and NaN inputs give NaN
    m = _max(x, _f32(np.finfo(np.float32).tiny))
    bits = lax.bitcast_convert_type(m, "int32")
    e = _add(_convert(_sub(_shr(bits, 23), 0x7F), "float32"), 1.0)
    m = lax.bitcast_convert_type(_or(_and(bits, ~0x7F800000), 0x3F000000), "float32")  # in [0.5, 1)
    small = _lt(m, _f32(0.707106781186547524))
    t = lax.add(_sub(m, 1.0), _select(small, m, 0.0))
    e = lax.sub(e, _select(small, 1.0, 0.0, "float32"))
    x2 = lax.mul(t, t)
    x3 = lax.mul(x2, t)
    p = _LOG_P
    y = _fma(_fma(t, p[0], p[1]), t, p[2])
    y1 = _fma(_fma(t, p[3], p[4]), t, p[5])
    y2 = _fma(_fma(t, p[6], p[7]), t, p[8])
    y = _fma(_fma(y, x3, y1), x3, y2)
    y = _fma(y, x3, _mul(e, _f32(-2.12194440e-4)))
    t = lax.add(lax.sub(t, _mul(x2, 0.5)), y)
    r = lax.add(t, _mul(e, 0.693359375))
    r = _select(valid, r, float("nan"))
    r = _select(_eq(x, 0.0), float("-inf"), r)
    return _select(_eq(x, float("inf")), float("inf"), r)


# XLA's log1p (codegen/intrinsic/log1p.cc): a Cephes rational function for |x| < sqrt(2) - 1, else
# log(1 + x) -- XLA:CPU's own log in float32, libm's in float64.
_LOG1P_NUM = (4.5270000862445199635215E-5, 4.9854102823193375972212E-1, 6.5787325942061044846969E0,
              2.9911919328553073277375E1, 6.0949667980987787057556E1, 5.7112963590585538103336E1,
              2.0039553499201281259648E1)
_LOG1P_DEN = (1., 1.5062909083469192043167E1, 8.3047565967967209469434E1, 2.2176239823732856465394E2,
              3.0909872225312059774938E2, 2.1642788614495947685003E2, 6.0118660497603843919306E1)


def _horner(x, coeffs):
    p = _full(x, coeffs[0])
    for c in coeffs[1:]:
        p = _fma(p, x, c)
    return p


def _log1p(x):
    f32 = _dt(x) == "float32"
    rnd = _f32 if f32 else float  # XLA rounds the coefficients to the type
    xsq = lax.mul(x, x)
    r = lax.div(_horner(x, [rnd(c) for c in _LOG1P_NUM]), _horner(x, [rnd(c) for c in _LOG1P_DEN]))
    small = lax.add(x, lax.add(_mul(xsq, -0.5), lax.mul(lax.mul(x, xsq), r)))
    near0 = _lt(lax.abs(x), rnd(0.41421356237309504880))
    return lax.select(near0, small, (_log_f32 if f32 else lax.log)(_add(x, 1.0)))


# XLA's float32 ErfInv (Giles' approximation): two degree-8 polynomials in w = -log1p(-x*x).
_ERFINV_W_LT_5 = [_f32(c) for c in (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                                    0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)]
_ERFINV_W_GE_5 = [_f32(c) for c in (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                                    0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)]


def _erf_inv_f32(x):
    w = lax.neg(_log1p(lax.mul(x, lax.neg(x))))
    lt5 = _lt(w, 5.0)
    w = lax.select(lt5, _add(w, -2.5), _sub(lax.sqrt(w), 3.0))
    p = _select(lt5, _ERFINV_W_LT_5[0], _ERFINV_W_GE_5[0], "float32")
    for a, b in zip(_ERFINV_W_LT_5[1:], _ERFINV_W_GE_5[1:]):
        p = _fma(p, w, _select(lt5, a, b, "float32"))
    return _select(_eq(lax.abs(x), 1.0), _mul(x, float("inf")), lax.mul(p, x))


# XLA's float64 ErfInv (Giles): polynomials of degree 22, 18 and 16 for w < 6.25, w < 16, w >= 16.
_ERFINV64 = (
    (-3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
     1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
     6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
     2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
     1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
     4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
     0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
     0.24015818242558961693, 1.6536545626831027356),
    (2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
     1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
     2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
     6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
     0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
     -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
     3.0838856104922207635),
    (-2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
     -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
     2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
     -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
     7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
     1.0103004648645343977, 4.8499064014085844221))


def _erf_inv_f64(x):
    w = lax.neg(_log1p(lax.mul(x, lax.neg(x))))
    lt6, lt16 = _lt(w, 6.25), _lt(w, 16.0)
    w = lax.select(lt6, _add(w, -3.125), lax.sub(lax.sqrt(w), _select(lt16, 3.25, 5.0, "float64")))
    p = None
    for i in range(23):  # one Horner chain; a branch's value stays once its polynomial ends
        cs = [c[i] for c in _ERFINV64 if i < len(c)]
        coef = _select(lt6, cs[0], _select(lt16, cs[1], cs[2], "float64") if len(cs) == 3 else cs[1],
                       "float64") if len(cs) > 1 else _full(w, cs[0])
        if p is None:
            p = coef
            continue
        step = _fma(p, w, coef)
        p = step if len(cs) == 3 else lax.select(lt16 if len(cs) == 2 else lt6, step, p)
    return _select(_eq(lax.abs(x), 1.0), _mul(x, float("inf")), lax.mul(p, x))


# ---------------------------------------------------------------- samplers

_FLOAT_BITS = {"float16": (16, 10), "bfloat16": (16, 7), "float32": (32, 23), "float64": (64, 52)}
_ONE_BITS = {"float16": 0x3C00, "bfloat16": 0x3F80, "float32": 0x3F800000, "float64": 0x3FF0000000000000}


def _float_dtype(dtype, name):
    dt = dtypes.name(dtype if dtype is not None else float)
    if dt not in _FLOAT_BITS:
        raise user_error(ValueError, f"dtype argument to `{name}` must be a float dtype, got {dt}")
    return dt


def _shape(shape, name):
    try:
        shape = (int(shape),) if np.ndim(shape) == 0 and not isinstance(shape, tuple) else tuple(map(int, shape))
    except TypeError:
        raise user_error(TypeError, f"{name}: shape must be a tuple of integers, got {shape!r}") from None
    if any(d < 0 for d in shape):
        raise user_error(ValueError, f"{name}: shape must be non-negative, got {shape}")
    return shape


def _check_param_shape(xs, shape, name, what):
    xs = tuple(xs)
    if len(xs) > len(shape) or any(a != 1 and a != b for a, b in zip(xs[::-1], shape[::-1])):
        raise user_error(ValueError, f"{name} parameter shapes must be broadcast-compatible with shape "
                         f"argument, and the result of broadcasting the shapes must equal the shape "
                         f"argument, but got {what} of shape {xs} for shape argument {shape}.")


def _param(x, dtype, shape, name, what):
    """A distribution parameter as `dtype`, broadcast to the sample shape (which it must not grow)."""
    if not is_array(x):
        if isinstance(x, (bool, int, float, np.generic)):
            return _const(shape, x.item() if isinstance(x, np.generic) else x, dtype)  # a constant
        x = _value(x)
    _check_param_shape(x.shape, shape, name, what)
    return _bcast(_convert(x, dtype), shape)


def _unit_floats(key, shape, dtype, partitionable):
    """Uniform floats in [0, 1): random mantissa bits under exponent 0, minus 1 (JAX's trick)."""
    nbits, nmant = _FLOAT_BITS[dtype]
    if nbits == 64:
        bits = _or(_shr(_bits64(key, shape, partitionable), 64 - nmant), _ONE_BITS[dtype])
        return _sub(lax.bitcast_convert_type(bits, dtype), 1.0)
    if nbits == 32:
        bits = _or(_shr(_bits32(key, shape, partitionable)[0], 32 - nmant), _ONE_BITS[dtype])
        return _sub(lax.bitcast_convert_type(bits, dtype), 1.0)
    # 16-bit floats: JAX draws 16 bits (8 for bfloat16's 7-bit mantissa); pb has no 16-bit
    # integers to bitcast, and m * 2**-nmant is exactly (1 + m * 2**-nmant) - 1.
    rng_bits = 16 if nmant >= 8 else 8
    m = _shr(_bits_narrow(key, rng_bits, shape, partitionable), rng_bits - nmant)
    return _convert(_mul(_convert(m, "float32"), 2.0 ** -nmant), dtype)


@_compiled("shape", "dtype", "partitionable")
def _uniform(key, minval, maxval, shape, dtype, partitionable):
    minval = _param(minval, dtype, shape, "uniform", "minval")
    maxval = _param(maxval, dtype, shape, "uniform", "maxval")
    floats = _unit_floats(key, shape, dtype, partitionable)
    span = lax.sub(maxval, minval)
    if dtype in ("float32", "float64"):  # XLA fuses this multiply-add into an FMA
        r = _fma(floats, span, minval)
    elif dtype == "float16":  # XLA's CPU backend fuses this in float32 and rounds once
        wide = [_convert(v, "float32") for v in (floats, span, minval)]
        r = _convert(lax.add(lax.mul(wide[0], wide[1]), wide[2]), dtype)
    else:  # bfloat16: rounded after each op, as XLA does
        r = lax.add(lax.mul(floats, span), minval)
    return lax.max(minval, r)


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0):
    """Uniform floats in [minval, maxval), as `jax.random.uniform`."""
    data, _ = _key_data(key, "uniform")
    dtype = _float_dtype(dtype, "uniform")
    return _uniform(data, minval, maxval, shape=_shape(shape, "uniform"), dtype=dtype,
                    partitionable=threefry_partitionable)


@_compiled("shape", "dtype", "partitionable")
def _normal(key, shape, dtype, partitionable):
    lo = -1.0 + 2.0 ** -(_FLOAT_BITS[dtype][1] + 1)  # nextafter(-1, 0) in dtype
    u = _uniform(key, lo, 1.0, shape=shape, dtype=dtype, partitionable=partitionable)
    if dtype == "float64":
        z = _erf_inv_f64(u)
    else:  # XLA computes 16-bit ErfInv in float32
        z = _convert(_erf_inv_f32(_convert(u, "float32")), dtype)
    return _mul(z, float(np.sqrt(2.0)))


def normal(key, shape=(), dtype=None):
    """Standard normal floats, as `jax.random.normal`: sqrt(2) * erfinv(u) for u uniform in
    (-1, 1)."""
    data, _ = _key_data(key, "normal")
    dtype = _float_dtype(dtype, "normal")
    return _normal(data, shape=_shape(shape, "normal"), dtype=dtype, partitionable=threefry_partitionable)


def bernoulli(key, p=0.5, shape=None, mode="low"):
    """Booleans that are True with probability p, as `jax.random.bernoulli`."""
    if mode not in ("high", "low"):
        raise user_error(ValueError, f"got mode={mode!r}, expected 'high' or 'low'")
    data, _ = _key_data(key, "bernoulli")
    p = _value(p)
    if not dtypes.is_float(_dt(p)):
        raise user_error(TypeError, f"bernoulli probability `p` must have a floating dtype, got {_dt(p)}.")
    shape = tuple(p.shape) if shape is None else _shape(shape, "bernoulli")
    return _bernoulli(data, p, shape=shape, mode=mode, partitionable=threefry_partitionable)


@_compiled("shape", "mode", "partitionable")
def _bernoulli(key, p, shape, mode, partitionable):
    dtype = _dt(p)
    p = _param(p, dtype, shape, "bernoulli", "p")
    if mode == "low":
        return lax.lt(_uniform(key, 0.0, 1.0, shape=shape, dtype=dtype, partitionable=partitionable), p)
    u = _uniform(key, 0.0, 1.0, shape=(2,) + shape, dtype=dtype, partitionable=partitionable)
    u1, u2 = (lax.reshape(lax.slice(u, (i,) + (0,) * len(shape), (i + 1,) + shape), shape) for i in (0, 1))
    u2 = _mul(u2, 2.0 ** -_FLOAT_BITS[dtype][1])  # resolution of the uniform samples
    return lax.lt(u2, lax.sub(p, u1))


# ---- randint

_INT_INFO = {"int8": np.iinfo(np.int8), "int32": np.iinfo(np.int32), "uint32": np.iinfo(np.uint32),
             "int64": np.iinfo(np.int64)}


def _clip_convert(x, dtype):
    """Integer x converted to dtype, clipped to its range instead of wrapping (as JAX)."""
    src, dst = _INT_INFO[_dt(x)], _INT_INFO[dtype]
    lo, hi = max(int(src.min), int(dst.min)), min(int(src.max), int(dst.max))
    if lo > int(src.min):
        x = _max(x, lo)
    if hi < int(src.max):
        x = lax.min(x, _full(x, hi))
    return _convert(x, dtype)


def randint(key, shape, minval, maxval, dtype=None):
    """Uniform integers in [minval, maxval), as `jax.random.randint` (including its modulus
    method over 2 * nbits random bits)."""
    data, _ = _key_data(key, "randint")
    dtype = dtypes.name(dtype if dtype is not None else int)
    if dtype not in _INT_INFO:
        raise user_error(TypeError, f"randint only accepts integer dtypes, got {dtype}")
    shape = _shape(shape, "randint")
    minval, maxval = (_value(v) for v in (minval, maxval))
    return _randint(data, minval, maxval, shape=shape, dtype=dtype, partitionable=threefry_partitionable)


@_compiled("shape", "dtype", "partitionable")
def _randint(key, minval, maxval, shape, dtype, partitionable):
    out_dtype = dtype
    minval, maxval = (v if dtypes.is_integer(_dt(v)) else _convert(v, dtypes.default_int())
                      for v in (minval, maxval))
    if dtype == "int8":  # sample in 32 bits (less bias), then convert
        info = _INT_INFO["int8"]
        minval = lax.min(_max(_convert(minval, "int32"), int(info.min)), _full(minval, int(info.max), "int32"))
        maxval = lax.min(_max(_convert(maxval, "int32"), int(info.min)),
                         _full(maxval, int(info.max) + 1, "int32"))
        dtype = "int32"
    for v, what in ((minval, "minval"), (maxval, "maxval")):
        _check_param_shape(v.shape, shape, "randint", what)
    # maxval above the dtype's range (e.g. 256 for uint8 in JAX) allows one more value
    top = min(int(_INT_INFO[dtype].max), int(_INT_INFO[_dt(maxval)].max))
    out_of_range = _bcast(lax.gt(maxval, _full(maxval, top)), shape)
    minval = _bcast(_clip_convert(minval, dtype), shape)
    maxval = _bcast(_clip_convert(maxval, dtype), shape)
    k1, k2 = (lax.reshape(lax.slice(_split(key, num=(2,), partitionable=partitionable), (i, 0), (i + 1, 2)),
                          (2,)) for i in (0, 1))
    wide = dtype == "int64"  # uint64 values live in int64 (pullback has no uint64)
    draw = (lambda k: _bits64(k, shape, partitionable)) if wide else (lambda k: _bits32(k, shape, partitionable)[0])
    rem = _urem64 if wide else lax.rem
    higher, lower = draw(k1), draw(k2)
    span = lax.sub(maxval, minval) if wide else _convert(lax.sub(maxval, minval), _U32)
    span = _select(lax.le(maxval, minval), 1, span)  # maxval <= minval always gives minval
    span = lax.select(lax.bitwise_and(out_of_range, lax.gt(maxval, minval)), _add(span, 1), span)
    # (hi * 2**n + lo) mod span, via 2**n mod span = (2**(n/2) mod span)**2 mod span
    mult = rem(_full(span, 2 ** (32 if wide else 16)), span)
    mult = rem(lax.mul(mult, mult), span)
    offset = lax.add(lax.mul(rem(higher, span), mult), rem(lower, span))
    offset = rem(offset, span)
    return _convert(lax.add(minval, _convert(offset, dtype)), out_dtype)


def _urem64(a, n):
    """a mod n for int64 arrays holding uint64 bit patterns (and a mod 0 = a, as XLA)."""
    def ult(x, y):  # unsigned x < y: flip the sign bits, compare signed
        return lax.lt(_xor(x, -2 ** 63), _xor(y, -2 ** 63))
    big = _lt(n, 0)  # n >= 2**63: a < 2n, so at most one subtraction
    r_big = lax.select(ult(a, n), a, lax.sub(a, n))
    d = _select(lax.bitwise_or(big, _eq(n, 0)), 1, n)
    q = _shl(lax.div(_shr(a, 1), d), 1)  # halved, so signed division is exact; r < 2d
    r = lax.sub(a, lax.mul(q, d))
    r = lax.select(ult(r, d), r, lax.sub(r, d))
    return lax.select(_eq(n, 0), a, lax.select(big, r_big, r))


# ---- permutation

def _argsort_last(keys):
    """Stable ascending argsort of uint32 keys along the last axis (int32 indices): an LSD radix
    sort, one key bit per pass, each pass a stable partition (zeros first) computed with a
    cumulative sum and applied with one scatter. Elements travel as int64 key << 32 | index."""
    *batch, n = keys.shape
    ax = len(batch)
    pos = lax.broadcasted_iota("int32", keys.shape, ax)
    c = lax.bitwise_or(_shl(_convert(keys, "int64"), 32), _convert(pos, "int64"))
    coords = [lax.reshape(lax.broadcasted_iota("int32", keys.shape, d), keys.shape + (1,)) for d in range(ax)]
    dims = tuple(range(ax + 1))
    for b in range(32):
        bit = _convert(_and(_shr(c, 32 + b), 1), "int32")
        ones_before = lax.sub(lax.cumsum(bit, ax), bit)
        zeros = _bcast(lax.reshape(lax.reduce_sum(lax.sub(_full(bit, 1), bit), (ax,)), tuple(batch) + (1,)),
                       keys.shape)
        dest = lax.select(_eq(bit, 1), lax.add(zeros, ones_before), lax.sub(pos, ones_before))
        at = lax.concatenate(coords + [lax.reshape(dest, keys.shape + (1,))], ax + 1)
        c = lax.scatter_add(_full(c, 0), at, c, update_window_dims=(), inserted_window_dims=dims,
                            scatter_dims_to_operand_dims=dims)
    return _convert(_and(c, 0xFFFFFFFF), "int32")


def _take_last(x, idx):
    """x[..., idx] element by element along the last axis (take_along_axis), as one gather of
    full coordinates."""
    coords = [lax.broadcasted_iota("int32", idx.shape, d) for d in range(idx.ndim - 1)] + [idx]
    coords = lax.concatenate([lax.reshape(c, idx.shape + (1,)) for c in coords], idx.ndim)
    dims = tuple(range(x.ndim))
    return lax.gather(x, coords, offset_dims=(), collapsed_slice_dims=dims, start_index_map=dims,
                      slice_sizes=(1,) * x.ndim, mode="clip")


def _moveaxis(x, src, dst):
    perm = [d for d in range(x.ndim) if d != src]
    perm.insert(dst, src)
    return lax.transpose(x, perm)


@_compiled("axis", "partitionable")
def _shuffle(key, x, axis, partitionable):
    """JAX's _shuffle: sort x along `axis` by fresh random 32-bit keys, for enough rounds that
    some round has distinct keys with high probability (tjablin's heuristic, exponent 3)."""
    rounds = int(np.ceil(3 * np.log(max(1, x.size)) / np.log(np.iinfo(np.uint32).max)))
    xl = _moveaxis(x, axis, x.ndim - 1)
    perm = lax.broadcasted_iota("int32", xl.shape, xl.ndim - 1)
    for _ in range(rounds):
        keys = _split(key, num=(2,), partitionable=partitionable)
        key, sub = (lax.reshape(lax.slice(keys, (i, 0), (i + 1, 2)), (2,)) for i in (0, 1))
        bits = _moveaxis(_bits32(sub, tuple(x.shape), partitionable)[0], axis, x.ndim - 1)
        perm = _take_last(perm, _argsort_last(bits))
    return _moveaxis(_take_last(xl, perm), x.ndim - 1, axis)


def permutation(key, x, axis=0, independent=False):
    """A random permutation of arange(x) (x an int) or of x along `axis`, as
    `jax.random.permutation` (the same permutation for the same key)."""
    data, _ = _key_data(key, "permutation")
    if not is_array(x) and np.ndim(x) == 0:
        if not isinstance(x, (int, np.integer)) or isinstance(x, (bool, np.bool_)):
            raise user_error(TypeError, "x must be an integer or at least 1-dimensional")
        return _shuffle(data, lax.iota(dtypes.default_int(), int(x)), axis=0,
                        partitionable=threefry_partitionable)
    x = _value(x)
    if x.ndim == 0:
        if not dtypes.is_integer(_dt(x)):
            raise user_error(TypeError, "x must be an integer or at least 1-dimensional")
        return permutation(key, int(x))  # the length defines the shape, so it must be concrete
    if not -x.ndim <= axis < x.ndim:
        raise user_error(ValueError, f"axis {axis} is out of bounds for an array of dimension {x.ndim}")
    axis %= x.ndim
    if independent or x.ndim == 1:
        return _shuffle(data, x, axis=axis, partitionable=threefry_partitionable)
    order = _shuffle(data, lax.iota("int32", x.shape[axis]), axis=0, partitionable=threefry_partitionable)
    xl = _moveaxis(x, axis, x.ndim - 1)
    return _moveaxis(_take_last(xl, _bcast(order, xl.shape)), x.ndim - 1, axis)
