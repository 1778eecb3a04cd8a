"""pullback.numpy.fft and pullback.lax.fft against JAX.

Every name runs on the same inputs in pullback and JAX (the four dtypes, lengths that take
each kernel path: powers of two, mixed radix, the primes 7, 97 and 257, which go through
Bluestein or a radix-7 stage) and must agree in values, dtypes and shapes; `n`/`s` crop and
pad, `axis`/`axes` and the three norms are covered; derivatives of real losses agree with
JAX's and with finite differences; jit and vmap give the same values; errors raise JAX's
exception class with a message that names this file's line.
"""
from __future__ import annotations

import numpy as np
import pytest

import pullback as pj
import pullback.numpy as pjnp
from pullback import test_util
from harness import random_array

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402

TOL = {"float32": 2e-5, "complex64": 2e-5, "float64": 1e-12, "complex128": 1e-12}


pytestmark = pytest.mark.usefixtures("both_x64")  # conftest.py: 64 bits on both sides


def agree(got, want, dtype):
    """Same shape and dtype; values within the dtype's tolerance relative to the largest one
    (FFT errors scale with the norm of the whole transform, not elementwise)."""
    g, w = np.asarray(got), np.asarray(want)
    assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
    scale = max(1.0, float(np.max(np.abs(w)))) if w.size else 1.0
    assert np.max(np.abs(g - w), initial=0.0) <= TOL[dtype] * 10 * scale, np.max(np.abs(g - w))


def both(f, x, dtype):
    agree(f(pjnp)(x), f(jnp)(x), dtype)


REAL_IN = {"rfft", "rfft2", "rfftn", "ihfft"}            # JAX rejects complex input
HALF_IN = {"irfft", "irfft2", "irfftn", "hfft"}          # take half spectra
NAMES = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn",
         "irfftn", "hfft", "ihfft"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
def test_every_transform_matches_jax(name, dtype):
    if name in REAL_IN and dtype.startswith("complex"):
        return same_error(lambda m: getattr(m.fft, name), random_array((3, 4), dtype))
    x = random_array((2, 6, 5), dtype, seed=len(name))
    out = "complex128" if dtype in ("float64", "complex128") else "complex64"
    want = np.asarray(getattr(jnp.fft, name)(x))
    agree(getattr(pjnp.fft, name)(x), want, str(want.dtype) if want.dtype.kind == "f" else out)


@pytest.mark.parametrize("n", [1, 2, 7, 12, 30, 64, 97, 257, 1024, 4096])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_lengths(n, dtype):
    x = random_array((2, n), dtype, seed=n)
    both(lambda m: m.fft.fft, x, dtype)
    both(lambda m: m.fft.ifft, x, dtype)
    r = x.real.astype("float32" if dtype == "complex64" else "float64")
    both(lambda m: m.fft.rfft, r, dtype)
    both(lambda m: (lambda a: m.fft.irfft(m.fft.rfft(a), n=n)), r, str(r.dtype))


@pytest.mark.parametrize("n", [8, 32, 96, 1680, 2048, 2**16])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_one_row_runs_its_stages_on_vectors(n, dtype):
    """A single row's kernel runs its stages on SIMD vectors along the row: the first stages
    (ns below the vector width) interleave their outputs with shuffles, later ones read and write
    contiguous vectors; lengths mixing radices 4, 2, 3, 5, 7 and the scalar fallback (n = 8)."""
    x = random_array((n,), dtype, seed=n)
    both(lambda m: m.fft.fft, x, dtype)
    both(lambda m: m.fft.ifft, x, dtype)
    r = x.real.astype("float32" if dtype == "complex64" else "float64")
    both(lambda m: m.fft.rfft, r, dtype)
    both(lambda m: (lambda a: m.fft.irfft(m.fft.rfft(a), n=n)), r, str(r.dtype))


@pytest.mark.parametrize("shape", [(9, 256), (3, 10, 96), (9, 30), (17, 40)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batches_of_rows(shape, dtype):
    """Contiguous rows whose kernel vectorizes along the row go one per call (9 x 256,
    10 x 96), others a row per SIMD lane (30, 40; the last group part full); the strided
    axes of the 2-D transforms always go in lanes."""
    x = random_array(shape, dtype, seed=sum(shape))
    out = "complex64" if dtype == "float32" else "complex128"
    both(lambda m: m.fft.rfft2, x, out)
    both(lambda m: m.fft.fft2, x.astype(out), out)
    both(lambda m: (lambda a: m.fft.irfft2(m.fft.rfft2(a), s=shape[-2:])), x, dtype)


def test_n_s_axis_axes_norm():
    x = random_array((4, 6, 10), "complex128", seed=3)
    r = x.real
    for norm in (None, "backward", "ortho", "forward"):
        both(lambda m: (lambda a: m.fft.fft(a, n=7, axis=1, norm=norm)), x, "complex128")     # crop
        both(lambda m: (lambda a: m.fft.ifft(a, n=13, axis=0, norm=norm)), x, "complex128")   # pad
        both(lambda m: (lambda a: m.fft.rfft(a, n=9, axis=-2, norm=norm)), r, "complex128")
        both(lambda m: (lambda a: m.fft.irfft(a, n=11, axis=0, norm=norm)), x, "float64")
        both(lambda m: (lambda a: m.fft.hfft(a, n=8, axis=1, norm=norm)), x, "float64")
        both(lambda m: (lambda a: m.fft.ihfft(a, n=5, norm=norm)), r, "complex128")
        both(lambda m: (lambda a: m.fft.fft2(a, s=(5, 12), axes=(0, 2), norm=norm)), x, "complex128")
        both(lambda m: (lambda a: m.fft.ifft2(a, s=(3, 3), norm=norm)), x, "complex128")
        both(lambda m: (lambda a: m.fft.rfft2(a, s=(4, 7), axes=(2, 0), norm=norm)), r, "complex128")
        both(lambda m: (lambda a: m.fft.irfft2(a, s=(6, 9), norm=norm)), x, "float64")
        both(lambda m: (lambda a: m.fft.fftn(a, axes=(1,), norm=norm)), x, "complex128")
        both(lambda m: (lambda a: m.fft.ifftn(a, s=(2, 3), norm=norm)), x, "complex128")
        both(lambda m: (lambda a: m.fft.rfftn(a, s=(3, 5, 8), norm=norm)), r, "complex128")
        both(lambda m: (lambda a: m.fft.irfftn(a, axes=(0, 2), norm=norm)), x, "float64")


def test_more_than_three_axes():
    x = random_array((2, 3, 4, 5, 6), "complex128", seed=5)
    both(lambda m: m.fft.fftn, x, "complex128")
    both(lambda m: m.fft.ifftn, x, "complex128")
    both(lambda m: m.fft.rfftn, x.real, "complex128")
    both(lambda m: m.fft.irfftn, x, "float64")


def test_integer_input_is_promoted():
    x = np.arange(12, dtype=np.int32).reshape(3, 4)  # int32 -> complex64 even in 64-bit mode, as JAX
    both(lambda m: m.fft.fft, x, "complex64")
    both(lambda m: m.fft.rfft2, x, "complex64")
    both(lambda m: m.fft.fft, x.astype(np.int64), "complex128")


@pytest.mark.parametrize("n", [1, 2, 7, 8])
def test_frequencies_and_shifts(n):
    for d in (1.0, 0.25):
        agree(pjnp.fft.fftfreq(n, d), jnp.fft.fftfreq(n, d), "float64")
        agree(pjnp.fft.rfftfreq(n, d), jnp.fft.rfftfreq(n, d), "float64")
    agree(pjnp.fft.fftfreq(n, dtype=np.float32), jnp.fft.fftfreq(n, dtype=np.float32), "float32")
    agree(pjnp.fft.rfftfreq(n, dtype=np.float32), jnp.fft.rfftfreq(n, dtype=np.float32), "float32")
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    for axes in (None, 0, 1, (0, 1), (-1,)):
        agree(pjnp.fft.fftshift(x, axes), jnp.fft.fftshift(x, axes), "float32")
        agree(pjnp.fft.ifftshift(x, axes), jnp.fft.ifftshift(x, axes), "float32")


# ---- lax.fft ---------------------------------------------------------------------------------

def test_lax_fft_types_and_names():
    x = random_array((3, 4, 8), "complex64", seed=7)
    for typ in ("FFT", "IFFT", "fft"):
        agree(pj.lax.fft(x, typ, (4, 8)), jax.lax.fft(x, typ, (4, 8)), "complex64")
    agree(pj.lax.fft(x, pj.lax.FftType.IFFT, (8,)), jax.lax.fft(x, jax.lax.FftType.IFFT, (8,)), "complex64")
    agree(pj.lax.fft(x.real, pj.lax.FftType.RFFT, (3, 4, 8)), jax.lax.fft(x.real, "RFFT", (3, 4, 8)), "complex64")
    agree(pj.lax.fft(x[..., :5], pj.lax.FftType.IRFFT, (4, 8)), jax.lax.fft(x[..., :5], "IRFFT", (4, 8)),
          "float32")
    agree(pj.lax.fft(x, "FFT", ()), jax.lax.fft(x, "FFT", ()), "complex64")
    assert int(pj.lax.FftType.IRFFT) == int(jax.lax.FftType.IRFFT)


# ---- transformations ------------------------------------------------------------------------

def test_grad_of_real_losses_matches_jax():
    x = random_array((3, 8), "float64", seed=11)
    z = random_array((3, 5), "complex128", seed=12)

    def loss_real(m):
        return lambda a: (m.sum(m.abs(m.fft.rfft(a)) ** 2) + m.sum(m.real(m.fft.fft2(a)) ** 3)
                          + m.sum(m.fft.irfft(m.fft.fft(a)[:, :5] * 1j, n=8) ** 2))

    def loss_complex(m):
        return lambda c: m.sum(m.fft.irfft(c, n=8) ** 2) + m.sum(m.abs(m.fft.ifft(c, n=7, axis=0)))

    agree(pj.grad(loss_real(pjnp))(x), jax.grad(loss_real(jnp))(x), "float64")
    agree(pj.grad(loss_complex(pjnp))(z), jax.grad(loss_complex(jnp))(z), "complex128")


@pytest.mark.parametrize("name,dtype", [("fft", "complex128"), ("ifft2", "complex128"), ("rfft", "float64"),
                                        ("irfft", "complex128"), ("rfftn", "float64"), ("hfft", "complex128")])
def test_check_grads(name, dtype):
    x = random_array((2, 6), dtype, seed=13)
    test_util.check_grads(getattr(pjnp.fft, name), (x,), order=2, modes=("fwd", "rev"))


def test_jit_and_vmap():
    x = random_array((4, 3, 10), "complex64", seed=17)
    r = x.real
    agree(pj.jit(pjnp.fft.fft2)(x), jnp.fft.fft2(x), "complex64")
    agree(pj.vmap(pjnp.fft.ifft)(x), jax.vmap(jnp.fft.ifft)(x), "complex64")
    agree(pj.vmap(pjnp.fft.rfft2, in_axes=2)(r), jax.vmap(jnp.fft.rfft2, in_axes=2)(r), "complex64")
    agree(pj.jit(pj.vmap(lambda a: pjnp.fft.irfft(a, n=9), in_axes=1))(x),
          jax.jit(jax.vmap(lambda a: jnp.fft.irfft(a, n=9), in_axes=1))(x), "float32")
    agree(pj.vmap(pj.grad(lambda a: pjnp.sum(pjnp.abs(pjnp.fft.rfft(a)))))(r[:, 0]),
          jax.vmap(jax.grad(lambda a: jnp.sum(jnp.abs(jnp.fft.rfft(a)))))(r[:, 0]), "float32")


# ---- errors --------------------------------------------------------------------------------

def same_error(f, *args):
    with pytest.raises(Exception) as want:
        f(jnp)(*args)
    with pytest.raises(want.type, match=r"test_fft.py"):
        f(pjnp)(*args)


def test_errors_match_jax_and_name_the_user_line():
    x = np.ones((3, 4), np.complex64)
    same_error(lambda m: lambda a: m.fft.fft(a, norm="sideways"), x)
    same_error(lambda m: lambda a: m.fft.fftn(a, axes=(0, 0)), x)
    same_error(lambda m: lambda a: m.fft.fftn(a, s=(2, 3), axes=(0,)), x)
    same_error(lambda m: lambda a: m.fft.fft(a, n=0), x)
    same_error(lambda m: lambda a: m.fft.fft(a, axis=(0, 1)), x)
    same_error(lambda m: lambda a: m.fft.fft2(a, axes=(0,)), x)
    same_error(lambda m: lambda a: m.fft.rfft(a), x)
    same_error(lambda m: lambda n: m.fft.fftfreq(n), [3])
    same_error(lambda m: lambda a: (jax if m is jnp else pj).lax.fft(a, "FFT", (5,)), x)
    same_error(lambda m: lambda a: (jax if m is jnp else pj).lax.fft(a, "FFT", (2, 3, 4)), x)


def test_gpu_pipeline_names_the_fft_op():
    """No GPU lowering: the GPU pipeline stops at pb-gpu-check-ops naming pb.fft (no GPU needed)."""
    from pullback.passes import run_pipeline
    from pullback.passes.gpu_pipeline import GPU_STAGES
    module = pj.jit(pjnp.fft.fft).lower(np.ones(8, np.complex64))._module()
    with pytest.raises(NotImplementedError, match=r"'pb\.fft' has no GPU lowering yet"):
        with module.context:
            run_pipeline(module, GPU_STAGES["transformed"])
