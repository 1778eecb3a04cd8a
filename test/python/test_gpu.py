"""The GPU path: passes/gpu_pipeline.py, passes/gpu.py and runtime/gpu.py.

What runs where:
* everywhere: the GPU pipeline lowers each program to an LLVM-dialect host module with
  PTX kernels; the kernels' loop structure (pb-gpu-serial-kernels, pb-gpu-map-loops:
  grid x block loops, guards, index recovery) is run on the CPU and compared with the
  CPU path; the host code is JIT-compiled and run against a stub CUDA runtime (ctypes
  functions in place of libmlir_cuda_runtime: no kernel executes) to check the staging
  copies, allocations and launch configurations;
* where ptxas exists: ptxas --gpu-name sm_90 assembles the PTX;
* only with a CUDA GPU: the programs run on it and are compared with the CPU path.
  PULLBACK_REQUIRE_GPU=1 (bench/gpu_check.py sets it) turns those skips into failures.
"""
from __future__ import annotations

import ctypes
import os
import re

import numpy as np
import pytest
from harness import op_module, reference, spec_of_array
from hypothesis import HealthCheck, given, settings
from mlir import ir
from op_specs import all_cases

import pullback as jax
import pullback.numpy as jnp
from pullback.dialects import new_context
from pullback.dialects.types import numpy_dtype
from pullback.passes import run_pipeline
from pullback.passes.gpu_check_ops import cpu_only
from pullback.passes.gpu_pipeline import GPU_LOOPS, GPU_PIPELINE, GPU_STAGES
from pullback.passes.pipeline import PARALLEL, TO_LLVM
from pullback.runtime import compile_module, gpu
from pullback.runtime.compiler import function_signature
from pullback.runtime.engine import PackedFunction, data_pointer, jit_compile
from pullback.runtime.executable import Executable

NO_GPU = gpu.gpu_unavailable_reason()
REQUIRE_GPU = os.environ.get("PULLBACK_REQUIRE_GPU") == "1"
needs_gpu = pytest.mark.skipif(NO_GPU is not None and not REQUIRE_GPU, reason=f"needs a CUDA GPU: {NO_GPU}")
needs_ptxas = pytest.mark.skipif(gpu.ptxas_path() is None, reason="ptxas not found (PATH, CUDA_HOME)")


def _rand(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _programs():
    return {
        "elementwise_chain": (lambda x, y: jnp.tanh(x * y + 1.0) ** 2, (_rand(0, 64, 48), _rand(1, 64, 48))),
        "ragged_elementwise": (lambda x: jnp.exp(-x) * 3.0 - x, (_rand(2, 37, 29),)),  # 1073: a guarded tail
        "broadcast_reduce": (lambda x, b: jnp.sum(x + b[None, :], axis=1), (_rand(3, 64, 48), _rand(4, 48))),
        "full_reduce": (lambda x: jnp.sum(jnp.exp(x)) * 0.5, (_rand(5, 40, 30),)),  # a one-thread kernel
        "matmul": (lambda a, b: jnp.dot(a, b), (_rand(6, 64, 32), _rand(7, 32, 16))),
        "vmap": (jax.vmap(lambda w, x: jnp.dot(w, x)), (_rand(8, 8, 16, 4), _rand(9, 8, 4))),
        "grad": (jax.grad(lambda w, x: jnp.sum(jnp.tanh(x @ w) ** 2)), (_rand(10, 4, 3), _rand(11, 5, 4))),
        "where_cumsum": (lambda x: jnp.where(x > 0, jnp.cumsum(x, axis=0), -x), (_rand(12, 16, 8),)),
        "mlp_grad": (_mlp_grad, (_rand(13, 8, 16), _rand(14, 16), _rand(15, 16, 4), _rand(16, 4),
                                 _rand(17, 32, 8), _rand(18, 32, 4))),  # bias gradients: sums over axis 0
        "per_example_grads": (jax.vmap(jax.grad(lambda w, x: jnp.sum(jnp.tanh(x @ w) ** 2)), in_axes=(None, 0)),
                              (_rand(19, 4, 3), _rand(20, 10, 4))),
        # control flow: host-side loops and branches around kernels
        "scan_grad": (jax.grad(lambda w, xs: jnp.sum(jax.lax.scan(lambda h, x: (jnp.tanh(h @ w + x), None),
                                                                 jnp.zeros(4), xs)[0] ** 2)),
                      (_rand(22, 4, 4) * 0.5, _rand(23, 6, 4))),
        "while_newton": (lambda a: jax.lax.while_loop(lambda x: jnp.max(jnp.abs(x * x - a)) > 1e-4,
                                                      lambda x: 0.5 * (x + a / x), a), (np.abs(_rand(24, 16)) + 1.0,)),
        "cond": (lambda p, x: jax.lax.cond(p > 0, lambda x: jnp.sin(x) * 2.0, lambda x: x - 1.0, x),
                 (np.float32(1.0), _rand(25, 8, 8))),
        "softmax": (lambda x: jnp.exp(x - jnp.max(x, axis=1, keepdims=True))
                    / jnp.sum(jnp.exp(x - jnp.max(x, axis=1, keepdims=True)), axis=1, keepdims=True),
                    (_rand(21, 6, 7),)),
    }


def _mlp_grad(w1, b1, w2, b2, x, y):
    def loss(params):
        (w1, b1), (w2, b2) = params
        return jnp.mean((jnp.tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2)
    (g1, gb1), (g2, gb2) = jax.grad(loss)(((w1, b1), (w2, b2)))
    return g1, gb1, g2, gb2


PROGRAMS = _programs()
NAMES = sorted(PROGRAMS)
CONTROL_FLOW = {"scan_grad", "while_newton", "cond"}  # loops and branches on the host, kernels inside


class Program:
    """One program as pb IR (its own context), its inputs and the CPU path's results."""

    def __init__(self, key: str):
        f, self.args = PROGRAMS[key]
        self.ctx = new_context()
        self.text = jax.jit(f).lower(*self.args).as_text("transformed")
        self.module = ir.Module.parse(self.text, self.ctx)
        self.name = next(ir.StringAttr(op.attributes["sym_name"]).value for op in self.module.body.operations
                         if op.operation.name == "func.func" and "sym_visibility" not in op.attributes)
        want = jax.jit(f)(*self.args)
        self.want = [np.asarray(w) for w in (want if isinstance(want, (tuple, list)) else [want])]

    def fresh(self) -> ir.Module:
        return ir.Module.parse(self.text, self.ctx)


_cache: dict = {}


def program(key: str) -> Program:
    if key not in _cache:
        _cache[key] = Program(key)
    return _cache[key]


def assert_close(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-5)


def test_cpu_results_match_numpy():
    """The reference the GPU results are compared with, checked on a few programs."""
    x, y = PROGRAMS["elementwise_chain"][1]
    np.testing.assert_allclose(program("elementwise_chain").want[0], np.tanh(x * y + 1) ** 2, rtol=1e-5, atol=1e-6)
    x, b = PROGRAMS["broadcast_reduce"][1]
    np.testing.assert_allclose(program("broadcast_reduce").want[0], (x + b).sum(1), rtol=1e-5, atol=1e-5)
    a, b = PROGRAMS["matmul"][1]
    np.testing.assert_allclose(program("matmul").want[0], a @ b, rtol=1e-5, atol=1e-5)
    w, x = PROGRAMS["vmap"][1]
    np.testing.assert_allclose(program("vmap").want[0], np.einsum("bij,bj->bi", w, x), rtol=1e-5, atol=1e-5)
    w, x = PROGRAMS["grad"][1]
    t = np.tanh(x @ w)
    np.testing.assert_allclose(program("grad").want[0], x.T @ (2 * t * (1 - t * t)), rtol=1e-5, atol=1e-5)
    (x,) = PROGRAMS["where_cumsum"][1]
    np.testing.assert_allclose(program("where_cumsum").want[0], np.where(x > 0, np.cumsum(x, 0), -x),
                               rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------- lowering, PTX


@pytest.mark.parametrize("key", NAMES)
def test_lowers_to_kernels(key):
    p = program(key)
    with p.ctx:
        lowered = gpu.lower_gpu(p.module)
    text = str(lowered)
    launches = text.count("gpu.launch_func")
    assert launches >= 1
    assert "func.func" not in text and "memref." not in text.split("gpu.binary")[0]
    objects = gpu.gpu_objects(lowered)
    assert len(objects) == launches and all('chip = "sm_90"' in target for _, target, _ in objects)
    ptx = gpu.ptx_of(lowered)
    assert ptx.count(".target sm_90") == launches and ptx.count(".visible .entry") == launches


@needs_ptxas
@pytest.mark.parametrize("key", NAMES)
def test_ptxas_accepts_the_ptx(key):
    p = program(key)
    with p.ctx:
        report = gpu.verify_ptx(gpu.ptx_of(p.module), chip="sm_90")
    assert "Compiling entry function" in report


@needs_ptxas
def test_verify_ptx_reports_bad_ptx():
    with pytest.raises(RuntimeError, match="ptxas rejected"):
        gpu.verify_ptx(".version 8.0\n.target sm_90\n.address_size 64\n.visible .entry k() { bogus; }\n")


def test_stage_texts():
    p = program("elementwise_chain")
    with p.ctx:
        stages = dict(gpu.gpu_stage_texts(p.module))
    assert list(stages) == gpu.STAGES
    assert "gpu.launch " in stages["kernels"] and "linalg.generic" in stages["linalg"]
    assert ".entry" in stages["ptx"]


def test_pullback_opt_runs_the_gpu_pipeline(tmp_path, capsys):
    from pullback.tools.opt import main
    f = tmp_path / "in.mlir"
    f.write_text(program("matmul").text)
    assert main([str(f), f"--pass-pipeline=builtin.module({','.join(GPU_PIPELINE)})"]) == 0
    out = capsys.readouterr().out
    assert out.count("gpu.launch_func") == 2 and "gpu.binary" in out


# ---------------------------------------------------------------- the loop structure, run on the CPU

CPU_TAIL = [p for p in TO_LLVM if p not in PARALLEL]
LOOPS = GPU_LOOPS[:GPU_LOOPS.index("func.func(convert-parallel-loops-to-gpu)")]
MAPPED = GPU_STAGES["transformed"] + GPU_STAGES["linalg"] + GPU_STAGES["bufferized"] + LOOPS


@pytest.mark.parametrize("key", NAMES)
def test_gpu_loop_structure_computes_the_right_values_on_cpu(key):
    """The GPU pipeline up to the mapped grid x block loops (mapping attributes are ignored
    on the CPU), lowered for the host: checks serial kernels, linearization, guards and the
    index recovery of pb-gpu-map-loops with real numbers."""
    p = program(key)
    module = p.fresh()
    with p.ctx:
        ins, outs = function_signature(module, p.name)
        run_pipeline(module, MAPPED)
        mapped = str(module)
        assert "#gpu.loop_dim_map<processor = block_x" in mapped
        run_pipeline(module, CPU_TAIL)
        engine = jit_compile(module)
    exe = Executable(p.name, ins, outs, PackedFunction(engine.raw_lookup(p.name), len(ins) + len(outs), owner=engine))
    assert_close(exe(*p.args), p.want)


# ---------------------------------------------------------------- host code against a stub CUDA runtime

_P, _I64, _I32, _I8 = ctypes.c_void_p, ctypes.c_int64, ctypes.c_int32, ctypes.c_int8
FILL = 0x5A  # stub device memory starts as this byte


class StubCuda:
    """The mgpu* functions the host code calls, in ctypes: device memory is host memory
    filled with FILL, copies are memmoves, launches are only recorded."""

    def __init__(self):
        self.live: dict[int, ctypes.Array] = {}
        self.allocs, self.frees, self.copies, self.kinds, self.launches, self.modules = [], [], [], [], [], []
        F = ctypes.CFUNCTYPE

        def alloc(size, stream, shared):
            buf = ctypes.create_string_buffer(max(int(size), 1))
            ctypes.memset(buf, FILL, len(buf))
            self.live[ctypes.addressof(buf)] = buf
            self.allocs.append((int(size), bool(shared)))
            return ctypes.addressof(buf)

        def free(ptr, stream):
            self.frees.append(ptr)
            self.live.pop(ptr)

        def memcpy(dst, src, size, stream):  # copies: (dst, src, bytes); kinds: "in", "out" or "?"
            ctypes.memmove(dst, src, size)
            self.copies.append((dst, src, int(size)))
            self.kinds.append("in" if dst in self.live else "out" if src in self.live else "?")

        def launch(fn, gx, gy, gz, bx, by, bz, smem, stream, params, extra, nparams):
            self.launches.append(((gx, gy, gz), (bx, by, bz), smem))

        def load(data, opt):
            self.modules.append(ctypes.string_at(data).decode())
            return len(self.modules)

        self.functions = {
            "mgpuStreamCreate": F(_P)(lambda: 1),
            "mgpuStreamSynchronize": F(None, _P)(lambda s: None),
            "mgpuStreamDestroy": F(None, _P)(lambda s: None),
            "mgpuMemAlloc": F(_P, _I64, _P, _I8)(alloc),
            "mgpuMemFree": F(None, _P, _P)(free),
            "mgpuMemcpy": F(None, _P, _P, _I64, _P)(memcpy),
            "mgpuModuleLoadJIT": F(_P, _P, _I32)(load),
            "mgpuModuleUnload": F(None, _P)(lambda m: None),
            "mgpuModuleGetFunction": F(_P, _P, _P)(lambda m, name: 1),
            "mgpuLaunchKernel": F(None, _P, _I64, _I64, _I64, _I64, _I64, _I64, _I32, _P, _P, _P, _I64)(launch),
        }


@pytest.mark.parametrize("key", NAMES)
def test_host_code_stages_buffers_and_launches(key):
    """JIT the host code with a stub CUDA runtime and call it: every input is copied to
    GPU memory once from the caller's array, every output is copied back once into the
    caller's array from GPU memory (here: FILL, as no kernel runs), all GPU memory is
    freed, the kernels' PTX is loaded and every launch fits the hardware limits."""
    p = program(key)
    stub = StubCuda()
    with p.ctx:
        exe = gpu.build_executable(p.module, p.name, shared_libs=[], symbols=stub.functions)
    assert len(stub.modules) == str(gpu.lower_gpu(p.module)).count("gpu.binary") >= 1
    assert all(".target sm_90" in m for m in stub.modules)
    ins = [np.ascontiguousarray(a) for a in p.args]
    outs = [np.zeros(w.shape, w.dtype) for w in p.want]
    in_ptrs, out_ptrs = [data_pointer(a) for a in ins], [data_pointer(o) for o in outs]
    exe.entry([*in_ptrs, *out_ptrs])

    copies_in = [(d, s, n) for d, s, n in stub.copies if s in in_ptrs]
    copies_out = [(d, s, n) for d, s, n in stub.copies if d in out_ptrs]
    others = [k for (d, s, n), k in zip(stub.copies, stub.kinds) if s not in in_ptrs and d not in out_ptrs]
    if key in CONTROL_FLOW:  # constants (initial carries) are uploaded; nothing comes back but the outputs
        assert all(k == "in" for k in others)
    else:
        assert not others  # no other copies
    assert sorted(s for _, s, _ in copies_in) == sorted(in_ptrs)
    assert sorted(d for d, _, _ in copies_out) == sorted(out_ptrs)
    for ptr, a in zip(in_ptrs, ins):
        assert [n for _, s, n in copies_in if s == ptr] == [a.nbytes]
    for ptr, o in zip(out_ptrs, outs):
        assert [n for d, _, n in copies_out if d == ptr] == [o.nbytes]
        assert (o.reshape(-1).view(np.uint8) == FILL).all()  # the data came from the staging buffer
    assert not stub.live and len(stub.frees) == len(stub.allocs)  # no leaks, no double frees
    kernels = str(gpu.lower_gpu(p.module)).count("gpu.launch_func")
    if key in CONTROL_FLOW:
        # the host reads a loop's predicate or a branch index from managed memory: scalars only
        assert all(size <= 8 for size, shared in stub.allocs if shared)
        assert len(stub.launches) >= 1
    else:
        assert not any(shared for _, shared in stub.allocs)  # nothing here needs managed memory
        assert len(stub.launches) == kernels
    for grid, block, smem in stub.launches:
        assert 1 <= grid[0] < 2**31 and grid[1:] == (1, 1) and smem == 0
        assert 1 <= block[0] <= 1024 and block[1:] == (1, 1)


def test_launch_configuration_of_a_large_elementwise_program():
    x = np.zeros((1000, 1000), np.float32)
    ctx = new_context()
    m = ir.Module.parse(jax.jit(lambda x: x * 2.0).lower(x).as_text("transformed"), ctx)
    name = next(ir.StringAttr(op.attributes["sym_name"]).value for op in m.body.operations)
    stub = StubCuda()
    with ctx:
        exe = gpu.build_executable(m, name, shared_libs=[], symbols=stub.functions)
    exe(x)
    assert [(g, b) for g, b, _ in stub.launches] == [((3907, 1, 1), (256, 1, 1))]  # ceil(1e6 / 256)


# ---------------------------------------------------------------- on a GPU


def test_gpu_probe():
    assert gpu.gpu_available() == (NO_GPU is None)
    if NO_GPU is not None:
        with pytest.raises(RuntimeError, match="target 'gpu': "):
            compile_module(program("matmul").module, program("matmul").name, target="gpu")


def test_gpu_is_a_target_of_compile_module():
    with pytest.raises(ValueError, match="unknown target 'tpu'"):
        compile_module(program("matmul").module, program("matmul").name, target="tpu")
    # the target is part of the one cache key: a CPU entry never answers a GPU request
    from pullback.runtime.compiler import cache_key
    assert cache_key("m", "f", 2, "cpu") != cache_key("m", "f", 2, "gpu")


@needs_gpu
@pytest.mark.parametrize("key", NAMES)
def test_runs_on_the_gpu(key):
    assert NO_GPU is None, NO_GPU
    p = program(key)
    with p.ctx:
        exe = compile_module(p.module, p.name, target="gpu")
    assert_close(exe(*p.args), p.want)
    assert_close(exe(*p.args), p.want)  # a second call reuses the loaded kernels


@needs_gpu
def test_gpu_large_elementwise_and_matmul():
    assert NO_GPU is None, NO_GPU
    ctx = new_context()
    x, y = _rand(20, 1000, 1000), _rand(21, 1000, 1000)
    for f, args, want in [(lambda x, y: x * y + 1.0, (x, y), x * y + 1.0),
                          (lambda a, b: a @ b, (x[:300, :200], y[:200, :100]), x[:300, :200] @ y[:200, :100])]:
        m = ir.Module.parse(jax.jit(f).lower(*args).as_text("transformed"), ctx)
        name = next(ir.StringAttr(op.attributes["sym_name"]).value for op in m.body.operations)
        with ctx:
            got = compile_module(m, name, target="gpu")(*args)[0]
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_kernel_names_in_ptx_match_launches():
    p = program("vmap")
    with p.ctx:
        lowered = gpu.lower_gpu(p.module)
    launched = set(re.findall(r"gpu.launch_func\s+@(\w+)::@(\w+)", str(lowered)))
    ptx = gpu.ptx_of(lowered)
    for module_name, kernel in launched:
        assert f"// gpu.binary @{module_name} " in ptx and f".entry {kernel}(" in ptx


# ---------------------------------------------------------------- every op of the spec table

OP_CASES = all_cases()


def _assert_op_close(got, want, rtol, atol):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
        if g.dtype.kind in "fc":
            size = g.dtype.itemsize if g.dtype.kind == "f" else g.dtype.itemsize // 2
            tol = {2: 1e-2, 4: 2e-5, 8: 1e-12}[size]
            np.testing.assert_allclose(g, w, rtol=rtol or tol, atol=atol or tol, equal_nan=True)
        else:
            np.testing.assert_array_equal(g, w)


def _check_stub_run(exe, stub, arrays) -> None:
    """The host code of one op against the stub runtime: inputs are copied in and outputs
    back at most once each, whole, and all GPU memory is freed."""
    ins = [np.ascontiguousarray(a) for a in arrays]
    outs = [np.zeros(tuple(s.shape), numpy_dtype(s.dtype)) for s in exe.out_specs]
    in_ptrs, out_ptrs = [data_pointer(a) for a in ins], [data_pointer(o) for o in outs]
    exe.entry([*in_ptrs, *out_ptrs])
    sizes = {ptr: a.nbytes for ptr, a in [*zip(in_ptrs, ins), *zip(out_ptrs, outs)]}
    for (dst, src, n), kind in zip(stub.copies, stub.kinds):
        assert kind in ("in", "out")
        if kind == "out":
            assert dst in out_ptrs and n == sizes[dst]
        elif src in in_ptrs:  # else a memref.global (a constant) staged for a kernel
            assert n == sizes[src]
    for ptr in out_ptrs:
        assert sum(d == ptr for d, _, _ in stub.copies) <= 1
    assert not stub.live and len(stub.frees) == len(stub.allocs)


@pytest.mark.parametrize("row", sorted(OP_CASES))
def test_every_op_on_the_gpu_path(row):
    """Each op of test/python/op_specs on two drawn examples: ptxas accepts its kernels
    (where ptxas exists), the GPU loop structure run on the CPU matches the numpy
    reference, and with a GPU the first example also runs there."""
    case = OP_CASES[row]
    name = case.extra.get("op", row)
    drawn = []

    @settings(max_examples=2, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case.strategy)
    def collect(example):
        drawn.append(example)
    collect()
    for i, (arrays, attrs, dtypes) in enumerate(drawn):
        arrays = [np.asarray(a) for a in arrays]
        specs = [spec_of_array(a, d) for a, d in zip(arrays, dtypes or [None] * len(arrays))]
        module = op_module(name, specs, attrs)
        if cpu_only(name):  # LAPACK calls: the GPU pipeline rejects them (passes/gpu_check_ops.py)
            with module.context, pytest.raises(NotImplementedError, match=f"'pb.{name}' has no GPU lowering"):
                run_pipeline(module, GPU_PIPELINE)
            continue
        want = reference(name, arrays, attrs, dtypes)
        with module.context:
            if gpu.ptxas_path() is not None:
                gpu.verify_ptx(gpu.ptx_of(module))
            if i == 0:
                stub = StubCuda()
                _check_stub_run(gpu.build_executable(module, "f", shared_libs=[], symbols=stub.functions),
                                stub, arrays)
            if i == 0 and (NO_GPU is None or REQUIRE_GPU):
                _assert_op_close(compile_module(module, "f", target="gpu")(*arrays), want, case.rtol, case.atol)
            ins, outs = function_signature(module, "f")
            lowered = ir.Module.parse(str(module), module.context)
            run_pipeline(lowered, MAPPED + CPU_TAIL)
            engine = jit_compile(lowered)
        exe = Executable("f", ins, outs, PackedFunction(engine.raw_lookup("f"), len(ins) + len(outs), owner=engine))
        _assert_op_close(exe(*arrays), want, case.rtol, case.atol)
