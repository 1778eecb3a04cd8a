"""The pullback-opt command line: passes, diagnostics, splitting, the JIT runner, failures."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from pullback.dialects.irdl_gen import dialect_irdl
from pullback.dialects.types import TensorSpec
from pullback.passes import PASSES, PassFailure, register_pass
from pullback.tools import runner
from pullback.tools.opt import main

ADD = """\
func.func @f(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "pb.add"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
"""
BAD_SHAPES = """\
func.func @g(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "pb.floor"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = "pb.add"(%a, %0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<3xf32>
  return %0 : tensor<2xf32>
}
"""
BAD_DTYPE = """\
func.func @h(%a: tensor<2xi32>) -> tensor<2xi32> {
  %0 = "pb.floor"(%a) : (tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}
"""


@pytest.fixture
def opt(capsys, monkeypatch, tmp_path):
    """Run pullback-opt in process: opt(*args, input=text) -> (exit status, stdout, stderr)."""
    def run(*args, input=None, stdin=None):
        argv = list(args)
        if input is not None:
            path = tmp_path / "input.mlir"
            path.write_text(input)
            argv.append(str(path))
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        rc = main(argv)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return rc, out, err
    run.path = str(tmp_path / "input.mlir")
    return run


@pytest.fixture
def temp_pass():
    """Register passes for one test only."""
    added = []

    def add(name, description, fn):
        register_pass(name, description)(fn)
        added.append(name)
    yield add
    for name in added:
        PASSES.pop(name, None)


# ---- parsing, printing, passes ----------------------------------------------------

def test_round_trip_prints_parseable_ir(opt):
    rc, out, err = opt(input=ADD)
    assert rc == 0 and err == ""
    assert '"pb.add"(%arg0, %arg1) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>' in out
    rc2, out2, _ = opt(input=out)
    assert rc2 == 0 and out2 == out


def test_stdin_and_output_file(opt, tmp_path):
    dest = tmp_path / "out.mlir"
    rc, out, _ = opt("-", "-o", str(dest), stdin=ADD)
    assert rc == 0 and out == ""
    assert '"pb.add"' in dest.read_text()
    rc, out, _ = opt(stdin=ADD)  # no input argument: stdin
    assert rc == 0 and '"pb.add"' in out


def test_pass_flags_lower_pb_ops(opt):
    rc, out, _ = opt("-pb-to-linalg", input=ADD)
    assert rc == 0
    assert "pb." not in out and "linalg.generic" in out and "arith.addf" in out


def test_pass_flags_and_pipeline_agree(opt):
    _, by_flags, _ = opt("-pb-to-linalg", "-canonicalize", "-cse", input=ADD)
    _, by_pipeline, _ = opt("--pass-pipeline=builtin.module(pb-to-linalg,canonicalize,cse)", input=ADD)
    assert by_flags == by_pipeline and "linalg.generic" in by_flags


def test_upstream_pass_flags_run_in_order(opt):
    # Lowering linalg to loops only works after pb-to-linalg produced linalg.
    rc, out, _ = opt("-pb-to-linalg", "-one-shot-bufferize=bufferize-function-boundaries",
                     "-convert-linalg-to-loops", input=ADD)
    assert rc == 0 and "scf.for" in out and "linalg.generic" not in out
    rc, out, _ = opt("-convert-linalg-to-loops", "-pb-to-linalg", input=ADD)
    assert rc == 0 and "linalg.generic" in out and "scf.for" not in out


def test_pass_options_become_pipeline_options(opt):
    rc, out, _ = opt("-pb-to-linalg", "-canonicalize=max-iterations=1 top-down=false", input=ADD)
    assert rc == 0 and "linalg.generic" in out
    rc, _, err = opt("-canonicalize=no-such-option=1", input=ADD)
    assert rc == 2 and "no such option no-such-option" in err


def test_every_registered_pass_is_a_flag(opt, temp_pass):
    def mark(module_op):
        from mlir import ir
        module_op.attributes["test.marked"] = ir.UnitAttr.get()
    temp_pass("test-mark-module", "Mark the module (test pass)", mark)
    rc, out, _ = opt("--list-passes")
    assert rc == 0
    for name, info in PASSES.items():
        assert re.search(rf"-{re.escape(name)}\s+{re.escape(info.description)}", out)
    rc, out, _ = opt("-test-mark-module", input=ADD)
    assert rc == 0 and "test.marked" in out


def test_unknown_pass_or_option(opt):
    rc, out, err = opt("-no-such-pass", input=ADD)
    assert rc == 2 and out == ""
    assert "pullback-opt: error: unknown option or pass '-no-such-pass'" in err
    rc, _, err = opt("--pass-pipeline=builtin.module(no-such-pass)", input=ADD)
    assert rc == 2 and "'no-such-pass' does not refer to a registered pass" in err
    rc, _, err = opt("--pass-pipeline=builtin.module(canonicalize", input=ADD)
    assert rc == 2 and "invalid pass pipeline" in err


@pytest.mark.parametrize("argv, message", [
    (["--pass-pipeline=builtin.module(cse)", "-canonicalize"], "cannot be combined"),
    (["--arg=1.0"], "--arg needs --run"),
    (["--run"], "needs a value"),
    (["--split-input-file=yes"], "takes no value"),
    (["a.mlir", "b.mlir"], "too many input files"),
    (["/no/such/file.mlir"], "cannot open input file"),
])
def test_command_line_errors(opt, argv, message):
    rc, out, err = opt(*argv)
    assert rc == 2 and out == "" and message in err and err.startswith("pullback-opt: error:")


def test_help_version_irdl(opt):
    rc, out, _ = opt("--help")
    assert rc == 0 and "--run=FN" in out and "--verify-diagnostics" in out and "--dump-irdl" in out
    rc, out, _ = opt("--version")
    assert rc == 0 and out.startswith("pullback-opt")
    rc, out, _ = opt("--dump-irdl")
    assert rc == 0 and out == dialect_irdl()


def test_print_debuginfo_names_the_input(opt):
    rc, out, _ = opt("--mlir-print-debuginfo", input=ADD)
    assert rc == 0 and f'loc("{opt.path}":2:8)' in out
    assert '"-":' not in out


def test_print_op_generic(opt):
    rc, out, _ = opt("--mlir-print-op-generic", input=ADD)
    assert rc == 0 and '"func.func"()' in out and '"pb.add"' in out


def test_print_ir_after_all():
    # MLIR prints the dumps itself, to the process's stderr: run the command.
    proc = subprocess.run(_command() + ["--mlir-print-ir-after-all", "-pb-to-linalg", "-cse", "-"],
                          input=ADD, capture_output=True, text=True)
    err = proc.stderr
    assert proc.returncode == 0 and "linalg.generic" in proc.stdout
    assert "IR Dump After pb-to-linalg" in err and "IR Dump After CSE (cse)" in err


def test_allow_unregistered_dialect(opt):
    src = 'func.func @f() {\n  "foo.bar"() : () -> ()\n  return\n}\n'
    rc, _, err = opt(input=src)
    assert rc == 1 and "unregistered" in err
    rc, out, _ = opt("--allow-unregistered-dialect", input=src)
    assert rc == 0 and '"foo.bar"()' in out


# ---- diagnostics --------------------------------------------------------------------

def test_malformed_ir_reports_position(opt):
    rc, out, err = opt(input="func.func @f( {\n")
    assert rc == 1 and out == ""
    assert re.match(rf"{re.escape(opt.path)}:1:\d+: error: ", err)


@pytest.mark.parametrize("text", ["", "\x00\x01garbage", "module {", "}}}", "%0 = ", '"pb.add"()'])
def test_garbage_never_crashes(opt, text):
    rc, _, err = opt(input=text)
    assert rc in (0, 1)
    if rc:
        assert "error:" in err


def test_custom_pb_syntax_gets_a_diagnostic(opt):
    # MLIR rejects the custom form of IRDL ops without saying anything: the tool explains.
    rc, _, err = opt(input="func.func @f(%a: tensor<2xf32>) {\n  %0 = pb.exp %a : tensor<2xf32>\n  return\n}\n")
    assert rc == 1
    assert f"{opt.path}:2:8: error: custom assembly format is not supported for 'pb.exp'" in err


def test_irdl_and_pb_verifier_errors(opt):
    rc, out, err = opt(input=BAD_SHAPES)
    assert rc == 1 and out == ""
    assert f"{opt.path}:3:8: error: expected 'tensor<2xf32>' but got 'tensor<3xf32>'" in err
    assert "  %1 = \"pb.add\"" in err and "       ^" in err  # source line and caret
    rc, out, err = opt(input=BAD_DTYPE)
    assert rc == 1 and out == ""
    assert f"{opt.path}:2:8: error: 'pb.floor' op pb.floor does not accept operand of dtype int32" in err


def test_pass_failure_is_a_diagnostic(opt, temp_pass):
    def fail_at_op(module_op):
        func = module_op.regions[0].blocks[0].operations[0]
        raise PassFailure("this op is not welcome", func.location)

    def crash(module_op):
        raise ValueError("bug in a pass")
    temp_pass("test-fail", "Fail (test pass)", fail_at_op)
    temp_pass("test-crash", "Crash (test pass)", crash)
    rc, out, err = opt("-test-fail", input=ADD)
    assert rc == 1 and out == "" and f"{opt.path}:1:1: error: this op is not welcome" in err
    rc, out, err = opt("-test-crash", input=ADD)
    assert rc == 1 and out == "" and "error: pass failed: ValueError: bug in a pass" in err


# ---- --split-input-file ---------------------------------------------------------------

def test_split_input_file(opt):
    rc, out, err = opt("--split-input-file", input=ADD + "// -----\n" + BAD_DTYPE + "// -----\n" + ADD)
    assert rc == 1
    parts = out.split("// -----\n")
    assert len(parts) == 3 and '"pb.add"' in parts[0] and parts[1] == "" and parts[0] == parts[2]
    # Line numbers are those of the whole file, not of the chunk.
    assert f"{opt.path}:7:8: error: 'pb.floor' op" in err


def test_without_split_the_marker_is_a_comment(opt):
    rc, out, _ = opt(input=ADD + "// -----\n" + ADD.replace("@f", "@f2"))
    assert rc == 0 and "@f2" in out and "// -----" not in out


# ---- --verify-diagnostics ----------------------------------------------------------------

VERIFY_OK = """\
func.func @a(%x: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{does not accept operand of dtype int32}}
  %0 = "pb.floor"(%x) : (tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}
// -----
func.func @b(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "pb.add"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  // expected-error @-1 {{expects exactly 2 operands}}
  return %0 : tensor<2xf32>
}
// -----
func.func @c(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "pb.exp"(%x) : (tensor<2xf32>) -> tensor<3xf32> // expected-error {{but got 'tensor<3xf32>'}}
  return %x : tensor<2xf32>
}
// -----
func.func @d(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "pb.round"(%x) {rounding_method = "UP"} : (tensor<2xf32>) -> tensor<2xf32>
  // expected-error @above {{must be one of}}
  return %0 : tensor<2xf32>
}
// -----
func.func @e(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error-re @below {{attribute "{{[a-z]+}}" is expected}}
  %0 = "pb.integer_pow"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
"""


def test_verify_diagnostics_accepts_matching_annotations(opt):
    rc, _, err = opt("--split-input-file", "--verify-diagnostics", input=VERIFY_OK)
    assert rc == 0, err
    assert err == ""


def test_verify_diagnostics_reports_missing_and_unexpected(opt):
    src = BAD_DTYPE.replace("  %0 =", "  // expected-error @+1 {{a message that is not produced}}\n  %0 =")
    rc, _, err = opt("--verify-diagnostics", input=src)
    assert rc == 1
    assert f'{opt.path}:2:6: error: expected error "a message that is not produced" was not produced' in err
    assert f"{opt.path}:3:8: error: unexpected error: 'pb.floor' op pb.floor does not accept" in err


def test_verify_diagnostics_checks_the_line(opt):
    src = BAD_DTYPE.replace("  %0 =", "  // expected-error @+2 {{does not accept}}\n  %0 =")
    rc, _, err = opt("--verify-diagnostics", input=src)
    assert rc == 1 and "was not produced" in err and "unexpected error" in err


def test_verify_diagnostics_checks_the_severity(opt):
    src = BAD_DTYPE.replace("  %0 =", "  // expected-warning @+1 {{does not accept}}\n  %0 =")
    rc, _, err = opt("--verify-diagnostics", input=src)
    assert rc == 1 and "'error' diagnostic emitted when expecting a 'warning'" in err


def test_verify_diagnostics_without_errors_or_annotations(opt):
    rc, out, err = opt("--verify-diagnostics", input=ADD)
    assert rc == 0 and err == "" and '"pb.add"' in out
    rc, _, err = opt("--verify-diagnostics", input=ADD.replace("  %0", "  // expected-error @+1 {{x}}\n  %0"))
    assert rc == 1 and 'expected error "x" was not produced' in err


def test_verify_diagnostics_unknown_location(opt, temp_pass):
    from mlir import ir

    def fail_unknown(module_op):
        raise PassFailure("no location for this one", ir.Location.unknown())
    temp_pass("test-fail-unknown", "Fail at an unknown location (test pass)", fail_unknown)
    src = "// expected-error @unknown {{no location for this one}}\n" + ADD
    rc, _, err = opt("-test-fail-unknown", "--verify-diagnostics", input=src)
    assert rc == 0, err


# ---- the function-transform driver: a new kind of call, added by registering rules ----------

# A call of @twice means "call the function its tag names", as a control-flow declaration
# names its body functions: each pass gets a rule for the kind, and no driver changes.
NAMED_BODY = """\
func.func @main(%x: tensor<3xf32>, %t: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %y, %ty = call @f_jvp(%x, %t) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  %z, %g = call @f_vjp(%x, %t) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %ty, %g : tensor<3xf32>, tensor<3xf32>
}
func.func private @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = call @twice(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @twice(tensor<3xf32>) -> tensor<3xf32> attributes {test.named_body = @body}
func.func private @body(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "pb.mul"(%x, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @f_jvp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "jvp", callee = @f}}
func.func private @f_vjp(tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {pb.transform = {kind = "vjp", callee = @f}}
func.func private @f_vmap(tensor<2x3xf32>) -> tensor<2x3xf32>
    attributes {pb.transform = {kind = "vmap", callee = @f, in_axes = array<i64: 0>, out_axes = array<i64: 0>,
                                axis_size = 2 : i64}}
"""


@pytest.fixture
def named_body_kind():
    """Kind "named_body" with a rule in pb-jvp, pb-vmap and the inliner, for one test only."""
    from mlir import ir
    from pullback.dialects.ir import call, signature, symbol_name
    from pullback.passes.autodiff.jvp import JVPTransform
    from pullback.passes.batching.vmap import VmapTransform
    from pullback.passes.cloning import Inliner
    from pullback.passes.function_transform import CALL_KINDS, register_call_kind

    used = []
    register_call_kind("named_body", "test.named_body", lambda fn: ir.FlatSymbolRefAttr(
        fn.attributes["test.named_body"]).value)

    def jvp_rule(jvp, site, primals, tangents):
        """A call of a new declaration of the kind, naming the body's JVP (from the memo)."""
        used.append(("jvp", site.tag))
        body, _ = jvp.transformed(site.tag, (tuple(t is not None for t in tangents), True))
        ins, outs = signature(jvp.table[body])
        decl = jvp.table.declare(f"{site.callee}_jvp", ins, outs,
                                 attributes={"test.named_body": ir.FlatSymbolRefAttr.get(body)})
        res = call(symbol_name(decl), primals + [t for t in tangents if t is not None], outs)
        return res[:1], res[1:]

    def vmap_rule(vmap, site, args, dims, size):
        used.append(("vmap", site.tag))
        name, out_dims = vmap.batched_function(site.tag, dims, size)
        return call(name, args, signature(vmap.table[name])[1]), out_dims

    def inline_rule(inliner, site, args):  # flattening (linearize, transpose): the body itself
        used.append(("inline", site.tag))
        return inliner.inline(site.tag, args)

    rules = [(JVPTransform, jvp_rule), (VmapTransform, vmap_rule), (Inliner, inline_rule)]
    for cls, rule in rules:
        cls.call_rule("named_body")(rule)
    yield used
    CALL_KINDS.pop("named_body")
    for cls, _ in rules:
        cls.call_rules.pop("named_body", None)


def test_a_new_call_kind_is_a_rule_per_pass(opt, named_body_kind):
    rc, out, err = opt("-pb-expand-transforms", input=NAMED_BODY)
    assert rc == 0, err
    assert ("jvp", "body") in named_body_kind and ("vmap", "body") in named_body_kind
    # pb-vjp's partial evaluation flattens the JVP: the inliner's rule inlines the body's JVP
    assert any(kind == "inline" and tag.startswith("body_jvp") for kind, tag in named_body_kind)
    assert re.search(r"call @twice_jvp\(", out) and re.search(r"call @body_vmap\(", out)
    # requests of functions calling @twice are served: its tag names a defined function
    assert "pb.transform" not in out
    # d(x*x) = 2x: forward (t = 1) and reverse (ct = 1) at x = [1, 2, 3]
    rc, out, err = opt("-pb-expand-transforms", "--run=main", "--arg=[1.0, 2.0, 3.0]", "--arg=[1.0, 1.0, 1.0]",
                       input=NAMED_BODY)
    assert rc == 0, err
    assert "result[0]: tensor<3xf32> = [2.0, 4.0, 6.0]" in out
    assert "result[1]: tensor<3xf32> = [2.0, 4.0, 6.0]" in out


def test_a_kind_without_a_rule_is_a_diagnostic(opt, named_body_kind):
    from pullback.passes.autodiff.jvp import JVPTransform
    JVPTransform.call_rules.pop("named_body")
    rc, _, err = opt("-pb-jvp", input=NAMED_BODY)
    assert rc == 1 and "pb-jvp cannot differentiate a call of @twice (kind named_body)" in err


# ---- the JIT runner -------------------------------------------------------------------------

def test_run_prints_results(opt):
    rc, out, err = opt("--run=f", "--arg=dense<[1.0, 2.0]> : tensor<2xf32>", "--arg=[0.5, -4.0]", input=ADD)
    assert rc == 0, err
    assert out == "result[0]: tensor<2xf32> = [1.5, -2.0]\n"


def test_run_splat_arguments(opt):
    rc, out, _ = opt("--run=f", "--arg=dense<1.5> : tensor<2xf32>", "--arg=0.25", input=ADD)
    assert rc == 0 and out == "result[0]: tensor<2xf32> = [1.75, 1.75]\n"


def test_run_after_passes_and_other_functions(opt):
    src = ADD + BAD_DTYPE.replace('"pb.floor"', '"pb.neg"').replace("@h", "@other")
    rc, out, err = opt("-pb-to-linalg", "-canonicalize", "--run=other", "--arg=[3, -4]", input=src)
    assert rc == 0, err
    assert out == "result[0]: tensor<2xi32> = [-3, 4]\n"


@pytest.mark.parametrize("args, rc, message", [
    (["--arg=dense<[1.0, 2.0, 3.0]> : tensor<3xf32>", "--arg=0.0"], 2, "has type tensor<2xf32>, got tensor<3xf32>"),
    (["--arg=[1.0, 2.0]"], 2, "takes 2 argument(s), got 1"),
    (["--arg=[1, 2]", "--arg=x"], 2, "invalid literal"),
    (["--arg=[1.0, 2.0", "--arg=0.0"], 2, "invalid literal"),
    (["--arg=dense<[1.0, 2.0] : tensor<2xf32>", "--arg=0.0"], 2, "unterminated"),
    (["--arg=[1.0, 2.0] : tensor<2xbogus>", "--arg=0.0"], 2, "invalid type"),
])
def test_run_bad_arguments(opt, args, rc, message):
    got_rc, out, err = opt("--run=f", *args, input=ADD)
    assert got_rc == rc and out == "" and message in err


def test_run_missing_function(opt):
    rc, out, err = opt("--run=nope", input=ADD)
    assert rc == 1 and out == "" and "no func.func @nope" in err


def test_run_does_not_run_invalid_ir(opt):
    rc, out, err = opt("--run=h", "--arg=[1, 2]", input=BAD_DTYPE)
    assert rc == 1 and out == "" and "does not accept" in err


@pytest.mark.parametrize("spec, array, text", [
    (TensorSpec((3,), "float32"), np.array([0.1, -2.0, 1e20], np.float32), "[0.1, -2.0, 1.0e+20]"),
    (TensorSpec((2,), "float64"), np.array([np.nan, -np.inf]), "[nan, -inf]"),
    (TensorSpec((2, 2), "int8"), np.array([[1, -128], [127, 0]], np.int8), "[[1, -128], [127, 0]]"),
    (TensorSpec((2,), "uint32"), np.array([0, 4294967295], np.uint32), "[0, 4294967295]"),
    (TensorSpec((2,), "bool"), np.array([True, False]), "[true, false]"),
    (TensorSpec((), "int64"), np.array(-7, np.int64), "-7"),
    (TensorSpec((2,), "float16"), np.array([0.1, 65504], np.float16), "[0.1, 6.55e+04]"),
    (TensorSpec((1,), "complex64"), np.array([1.5 - 2j], np.complex64), "[(1.5, -2.0)]"),
])
def test_result_values_are_dense_literals(spec, array, text):
    """Results print stably, and the printed value reads back as the same --arg."""
    assert runner.format_value(array, spec.dtype) == text
    if spec.dtype not in ("float64",):  # nan/inf have no decimal literal
        back = runner.parse_arg(text, spec, 0, "f")
        assert back.dtype == array.dtype and np.array_equal(back, array)


def test_bfloat16_arguments_round_to_nearest_even():
    spec = TensorSpec((3,), "bfloat16")
    got = runner.parse_arg("[1.0, 0.1, -3.0]", spec, 0, "f")
    assert got.dtype.name == "bfloat16" and list(got.view(np.uint16)) == [0x3F80, 0x3DCD, 0xC040]
    assert runner.format_value(got, "bfloat16") == "[1.0, 0.1, -3.0]"


# ---- the installed command ---------------------------------------------------------------------

def _command() -> list[str]:
    path = shutil.which("pullback-opt", path=os.pathsep.join(
        [os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    return [path] if path else [sys.executable, "-m", "pullback.tools.opt"]


@pytest.mark.parametrize("text", ['func.func @f() {\n  "pb.add"() : () -> ()\n  return\n}\n', "func.func @"])
def test_console_script_exit_status_and_no_traceback(text):
    proc = subprocess.run(_command() + ["-"], input=text, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "<stdin>:" in proc.stderr and "error:" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_verifier_crash_is_located(opt, monkeypatch):
    """A rule that raises something other than InferenceError still yields a positioned error."""
    from pullback.dialects import registry

    def broken(specs, attrs):
        raise IndexError("tuple index out of range")
    monkeypatch.setitem(registry.INFER, "floor", broken)
    rc, out, err = opt(input=BAD_SHAPES.replace("tensor<3xf32>", "tensor<2xf32>"))
    assert rc == 1 and out == ""
    assert f"{opt.path}:2:8: error: 'pb.floor' op verifier failed: IndexError: tuple index out of range" in err


def test_pass_options_a_pass_does_not_take(opt):
    rc, out, err = opt("-pb-jvp=foo=1", input=ADD)
    assert rc == 2 and out == ""
    assert "pullback-opt: error: invalid pass pipeline: pass 'pb-jvp' has no option 'foo' (it takes none)" in err


def test_invalid_expected_regex_is_reported_at_its_position(opt):
    text = ADD.replace("\n", "\n// expected-error-re @+1 {{bad {{[regex}}}}\n", 1)
    rc, _, err = opt("--verify-diagnostics", input=text)
    assert rc == 1
    assert ":2:4: error: invalid regex in expected-error-re: unterminated character set" in err


@pytest.mark.parametrize("verify_each", [True, False])
def test_run_pipeline_rejects_invalid_ir_with_or_without_per_pass_verification(verify_each):
    """The compiler verifies once at the end unless PULLBACK_VERIFY_EACH_PASS is set; either
    way invalid IR is an MLIRError, never handed to LLVM."""
    from mlir import ir
    from mlir.dialects import func

    from pullback.passes import run_pipeline
    with ir.Context(), ir.Location.unknown():
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            fn = func.FuncOp("bad", ([], [ir.IntegerType.get_signless(32)]))
            with ir.InsertionPoint(fn.add_entry_block()):
                func.ReturnOp([])  # the function promises an i32
        with pytest.raises(ir.MLIRError, match="returns 1"):
            run_pipeline(module, "builtin.module(canonicalize)", verify_each=verify_each)


def test_test_suite_verifies_after_every_pass():
    from pullback.passes.pipeline import verify_each_pass
    assert verify_each_pass()  # conftest.py turns it on for every compile of the suite
