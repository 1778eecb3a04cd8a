"""runtime/native_jit.py: units compiled separately and linked by LLJIT must behave as one
program: calls between units, constants read by kernels, state shared through a global."""
import os
import subprocess

import numpy as np
import pytest
from mlir import ir

import pullback
import pullback.numpy as pnp
from pullback.runtime import engine, native_jit
from pullback.runtime.engine import PackedFunction

from harness import run_in_threads

pytestmark = pytest.mark.skipif(not native_jit.available(), reason="LLVM C API not exposed by this MLIR wheel")

# Two kernels (scale: out = x * table, count: calls += 1) and a glue entry calling both.
PROGRAM = """
llvm.mlir.global private constant @table(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>) {addr_space = 0 : i32} : !llvm.array<4 x f32>
llvm.mlir.global internal @calls(0 : i64) {addr_space = 0 : i32} : i64
llvm.func internal @scale(%x: !llvm.ptr, %out: !llvm.ptr) attributes {passthrough = ["noinline"]} {
  %zero = llvm.mlir.constant(0 : i64) : i64
  llvm.br ^loop(%zero : i64)
^loop(%i: i64):
  %n = llvm.mlir.constant(4 : i64) : i64
  %more = llvm.icmp "slt" %i, %n : i64
  llvm.cond_br %more, ^body, ^done
^body:
  %t = llvm.mlir.addressof @table : !llvm.ptr
  %tp = llvm.getelementptr %t[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %xp = llvm.getelementptr %x[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %op = llvm.getelementptr %out[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %a = llvm.load %tp : !llvm.ptr -> f32
  %b = llvm.load %xp : !llvm.ptr -> f32
  %c = llvm.fmul %a, %b : f32
  llvm.store %c, %op : f32, !llvm.ptr
  %one = llvm.mlir.constant(1 : i64) : i64
  %next = llvm.add %i, %one : i64
  llvm.br ^loop(%next : i64)
^done:
  llvm.return
}
llvm.func internal @count() attributes {passthrough = ["noinline"]} {
  %g = llvm.mlir.addressof @calls : !llvm.ptr
  %v = llvm.load %g : !llvm.ptr -> i64
  %one = llvm.mlir.constant(1 : i64) : i64
  %w = llvm.add %v, %one : i64
  llvm.store %w, %g : i64, !llvm.ptr
  llvm.return
}
llvm.func @entry(%x: !llvm.ptr, %out: !llvm.ptr, %calls: !llvm.ptr) attributes {passthrough = ["noinline", "optnone"]} {
  llvm.call @scale(%x, %out) : (!llvm.ptr, !llvm.ptr) -> ()
  llvm.call @count() : () -> ()
  %g = llvm.mlir.addressof @calls : !llvm.ptr
  %v = llvm.load %g : !llvm.ptr -> i64
  llvm.store %v, %calls : i64, !llvm.ptr
  llvm.return
}
"""


def compile_program(text=PROGRAM, entry="entry", opt_level=2):
    with ir.Context() as ctx, ir.Location.unknown():
        module = ir.Module.parse(text)
        program, wrapper = engine.native_compile(module, entry, opt_level)
    return program, wrapper


def run_entry(program, wrapper):
    fn = PackedFunction(program.lookup(wrapper), 3, owner=program)
    x, out, calls = np.arange(1, 5, dtype=np.float32), np.zeros(4, np.float32), np.zeros(1, np.int64)
    for _ in range(2):
        fn([x.ctypes.data, out.ctypes.data, calls.ctypes.data])
    return out, calls[0]


def test_partition_puts_optnone_functions_in_the_glue_unit():
    with ir.Context(), ir.Location.unknown():
        module = ir.Module.parse(PROGRAM)
        units = native_jit.partition(module, groups=4)
    assert units[0] == ({"entry"}, False)
    assert set().union(*(names for names, _ in units[1:])) == {"scale", "count"}


def test_kernel_groups_are_balanced_by_size(monkeypatch):
    monkeypatch.setattr(native_jit, "MIN_GROUP_OPS", 1)
    with ir.Context(), ir.Location.unknown():
        module = ir.Module.parse(PROGRAM)
        units = native_jit.partition(module, groups=2)
        one = native_jit.partition(module, groups=1)
    assert sorted(sorted(names) for names, _ in units[1:]) == [["count"], ["scale"]]
    assert one[1:] == [({"scale", "count"}, True)]


@pytest.mark.parametrize("opt_level", [0, 2, 3])
@pytest.mark.parametrize("min_group_ops", [1, 10 ** 9])  # kernels in separate units, or in one
def test_units_link_into_one_program(monkeypatch, opt_level, min_group_ops):
    monkeypatch.setattr(native_jit, "MIN_GROUP_OPS", min_group_ops)
    program, wrapper = compile_program(opt_level=opt_level)
    out, calls = run_entry(program, wrapper)
    np.testing.assert_array_equal(out, [1, 4, 9, 16])
    assert calls == 2  # the kernel's writes to the glue unit's global are seen by the glue
    assert len(program.objects) == (3 if min_group_ops == 1 else 2)


def test_lookup_of_an_undefined_symbol():
    program, _ = compile_program()
    assert program.lookup("no_such_symbol", required=False) == 0
    with pytest.raises(native_jit.llvm_c.LLVMError, match="no_such_symbol"):
        program.lookup("no_such_symbol")


def test_an_unresolved_call_names_the_missing_symbol(capfd):
    text = """
    llvm.func @nowhere_to_be_found(!llvm.ptr)
    llvm.func @entry(%x: !llvm.ptr) attributes {passthrough = ["noinline", "optnone"]} {
      llvm.call @nowhere_to_be_found(%x) : (!llvm.ptr) -> ()
      llvm.return
    }"""
    program, wrapper = compile_program(text)
    with pytest.raises(native_jit.llvm_c.LLVMError, match="nowhere_to_be_found"):
        program.lookup(wrapper)
    assert "nowhere_to_be_found" not in capfd.readouterr().err  # reported in the error, not on stderr


def test_entry_returning_a_value_is_rejected():
    text = "llvm.func @f() -> i64 attributes {passthrough = [\"optnone\", \"noinline\"]} {\n" \
           "%0 = llvm.mlir.constant(1 : i64) : i64\nllvm.return %0 : i64\n}"
    with pytest.raises(ValueError, match="out-params"):
        compile_program(text, entry="f")


def test_missing_entry_is_a_key_error():
    with pytest.raises(KeyError, match="nope"):
        compile_program(entry="nope")


def test_programs_compile_in_parallel_threads():
    results = []
    run_in_threads(lambda i: results.append(run_entry(*compile_program())), 4)
    for out, calls in results:
        np.testing.assert_array_equal(out, [1, 4, 9, 16])
        assert calls == 2


def test_engine_fallback_gives_the_same_numbers(monkeypatch):
    def mlp(params, x):
        for w, b in params:
            x = pnp.tanh(x @ w + b)
        return pnp.sum(x ** 2)
    rng = np.random.default_rng(0)
    params = [(rng.standard_normal((16, 16)).astype(np.float32), rng.standard_normal(16).astype(np.float32))
              for _ in range(2)]
    x = rng.standard_normal((4, 16)).astype(np.float32)
    native = pullback.jit(pullback.grad(mlp))(params, x)
    pullback.clear_caches()
    monkeypatch.setenv(engine.ENGINE_ENV, "engine")
    assert not engine.use_native_jit()
    fallback = pullback.jit(pullback.grad(mlp))(params, x)
    for a, b in zip(pullback.tree_util.tree_leaves(native), pullback.tree_util.tree_leaves(fallback)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)


def test_units_reach_each_others_globals_through_the_got(tmp_path):
    """A mutable global lives in the glue unit; a kernel unit that writes it must reach it
    through the GOT, not PC-relative: LLJIT may map units more than 2 GB apart, and a 32-bit
    offset then failed to link ("Delta32 fixup ... out of range", seen late in a long run)."""
    objdump = os.path.join(os.path.dirname(native_jit.llvm_c._library_paths()[0]), "..", "bin", "llvm-objdump")
    if not os.access(objdump, os.X_OK):
        pytest.skip("llvm-objdump is not in this LLVM wheel")
    program, wrapper = compile_program()
    np.testing.assert_array_equal(run_entry(program, wrapper)[0], [1, 4, 9, 16])
    relocations = {}
    for path in program.write_objects(str(tmp_path)):
        out = subprocess.run([objdump, "-r", "-t", path], capture_output=True, text=True, check=True).stdout
        defines = "calls" in [line.split()[-1] for line in out.splitlines() if " .bss" in line or " .data" in line]
        relocations[defines] = [line.split()[1] for line in out.splitlines() if line.rstrip().endswith("calls-0x4")]
    assert relocations[False] and all("GOTPCREL" in kind for kind in relocations[False])
