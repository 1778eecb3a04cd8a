"""Diagnostics for pullback-opt: capture, printing and `--verify-diagnostics`.

Every diagnostic (parser, MLIR verifier, passes, pullback's own verifier) is
turned into a `Diag` with a file position, printed like mlir-opt prints them
(`file:line:col: error: msg`, the source line and a caret), or matched
against `// expected-error {{...}}` annotations as mlir-opt's
`-verify-diagnostics` does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from mlir import ir

# The name MLIR gives a buffer parsed from a string (ir.Module.parse).
STRING_BUFFER = "-"

SEVERITY = {
    ir.DiagnosticSeverity.ERROR: "error",
    ir.DiagnosticSeverity.WARNING: "warning",
    ir.DiagnosticSeverity.REMARK: "remark",
    ir.DiagnosticSeverity.NOTE: "note",
}

# The note MLIR attaches to verifier errors; mlir-opt turns it off under -verify-diagnostics.
CURRENT_OP_NOTE = "see current operation:"


@dataclass
class Diag:
    severity: str            # error | warning | remark | note
    message: str
    file: str | None = None  # None: unknown location
    line: int = 0
    col: int = 0
    notes: list = field(default_factory=list)


def position(loc: ir.Location) -> tuple[str | None, int, int]:
    """(file, line, col) of the first file position inside a location."""
    if loc.is_a_file():
        return loc.filename, loc.start_line, loc.start_col
    if loc.is_a_name():
        return position(loc.child_loc)
    if loc.is_a_callsite():
        return position(loc.callee)
    if loc.is_a_fused():
        for sub in loc.locations:
            pos = position(sub)
            if pos[0] is not None:
                return pos
    return None, 0, 0


def from_location(severity: str, loc: ir.Location, message: str, notes=()) -> Diag:
    return Diag(severity, message, *position(loc), notes=list(notes))


def from_mlir(d) -> Diag:
    """A Diag from an ir.Diagnostic (or the DiagnosticInfo of an MLIRError)."""
    notes = [from_mlir(n) for n in d.notes]
    return from_location(SEVERITY.get(d.severity, "error"), d.location, d.message, notes)


class Collector:
    """Receives every diagnostic of a context, errors included.

    With `emit_error_diagnostics` set, the bindings hand errors to attached
    handlers instead of folding them into the MLIRError they raise, so one
    handler sees parser, verifier and pass diagnostics alike.
    """

    def __init__(self, ctx: ir.Context):
        self.diags: list[Diag] = []
        ctx.emit_error_diagnostics = True
        self._handle = ctx.attach_diagnostic_handler(self._on_diag)

    def _on_diag(self, d) -> bool:
        try:
            self.diags.append(from_mlir(d))
        except Exception as e:  # a handler must never raise into MLIR
            self.diags.append(Diag("error", f"(unprintable diagnostic: {e})"))
        return True

    def add(self, diag: Diag) -> None:
        self.diags.append(diag)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diags)

    def detach(self) -> None:
        self._handle.detach()


class Source:
    """The text diagnostics point into, and the name to print for it."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.lines = text.split("\n")

    def display(self, file: str | None) -> str | None:
        return self.name if file == STRING_BUFFER else file

    def snippet(self, diag: Diag) -> str:
        """The source line and a caret under the column, as llvm::SourceMgr prints them."""
        if diag.file != STRING_BUFFER or not 1 <= diag.line <= len(self.lines):
            return ""
        text = self.lines[diag.line - 1].replace("\t", " ")
        return f"{text}\n{' ' * max(diag.col - 1, 0)}^\n"

    def format(self, diag: Diag, severity: str | None = None, message: str | None = None) -> str:
        severity = severity or diag.severity
        message = diag.message if message is None else message
        file = self.display(diag.file)
        if file is None:  # unknown location: name the input
            return f"{self.name}: {severity}: {message}\n"
        return f"{file}:{diag.line}:{diag.col}: {severity}: {message}\n{self.snippet(diag)}"

    def format_all(self, diags) -> str:
        out = []
        for d in diags:
            out.append(self.format(d))
            out.extend(self.format(n) for n in d.notes)
        return "".join(out)


# ---- -verify-diagnostics ----------------------------------------------------

# Same grammar as mlir::SourceMgrDiagnosticVerifierHandler.
EXPECTED = re.compile(r"expected-(error|note|remark|warning)(-re)? *"
                      r"(@([+-][0-9]+|above|below|unknown))? *\{\{(.*)\}\}$")


@dataclass
class Expected:
    severity: str
    text: str
    line: int | None   # None: expected at an unknown location
    at_line: int       # where the annotation itself is written
    at_col: int
    regex: re.Pattern | None = None
    matched: bool = False

    def matches(self, message: str) -> bool:
        if self.regex is not None:
            return self.regex.search(message) is not None
        return self.text in message


class ExpectationError(ValueError):
    """A malformed expected-* annotation, at its line and column."""

    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.line, self.col = line, col


def _regex_of(text: str) -> re.Pattern:
    """`-re` expectations: literal text with {{regex}} pieces (re.error when one is invalid)."""
    parts, pos = [], 0
    for m in re.finditer(r"\{\{(.*?)\}\}", text):
        parts.append(re.escape(text[pos:m.start()]))
        parts.append(f"(?:{m.group(1)})")
        pos = m.end()
    parts.append(re.escape(text[pos:]))
    return re.compile("".join(parts))


def parse_expectations(text: str) -> list[Expected]:
    """The expected-* annotations of a buffer, with the line each one designates."""
    out: list[Expected] = []
    below: list[Expected] = []
    last_plain = 0  # last line (1-based) that holds no annotation
    lines = text.split("\n")
    for i, raw in enumerate(lines, start=1):
        m = EXPECTED.search(raw.rstrip())
        if m is None:
            for e in below:
                e.line = i
            below.clear()
            last_plain = i
            continue
        severity, is_re, _, offset, body = m.groups()
        try:
            regex = _regex_of(body) if is_re else None
        except re.error as err:
            raise ExpectationError(f"invalid regex in expected-{severity}-re: {err}", i, m.start() + 1) from None
        e = Expected(severity, body, i, i, m.start() + 1, regex)
        if offset is None:
            pass
        elif offset[0] in "+-":
            e.line = i + int(offset)
        elif offset == "unknown":
            e.line = None
        elif offset == "above":
            e.line = last_plain
        else:  # below: the next line that is not an annotation
            e.line = len(lines) + 1
            below.append(e)
        out.append(e)
    return out


def verify(source: Source, diags: list[Diag], expected: list[Expected]) -> list[str]:
    """mlir-opt's -verify-diagnostics check; returns the failure reports (empty: all matched)."""
    reports: list[str] = []

    def check(d: Diag) -> None:
        if d.severity == "note" and d.message.startswith(CURRENT_OP_NOTE):
            return
        line = d.line if d.file == STRING_BUFFER else None
        if d.file not in (STRING_BUFFER, None):  # a position in some other file
            reports.append(source.format(d, "error", f"unexpected {d.severity}: {d.message}"))
            return
        near = None
        for e in expected:
            if e.line == line and e.matches(d.message):
                if e.severity == d.severity:
                    e.matched = True
                    return
                near = e
        if near is not None:
            at = Diag("error", "", STRING_BUFFER, near.at_line, near.at_col)
            reports.append(source.format(
                at, "error", f"'{d.severity}' diagnostic emitted when expecting a '{near.severity}'"))
        else:
            reports.append(source.format(d, "error", f"unexpected {d.severity}: {d.message}"))

    for d in diags:
        check(d)
        for n in d.notes:
            check(n)
    for e in expected:
        if not e.matched:
            at = Diag("error", "", STRING_BUFFER, e.at_line, e.at_col)
            reports.append(source.format(at, "error", f'expected {e.severity} "{e.text}" was not produced'))
    return reports
