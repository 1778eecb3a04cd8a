"""The generated IRDL definition of the pb dialect, and its use by upstream tools."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest

from pullback.dialects import registry
from pullback.dialects.irdl_gen import dialect_irdl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKED_IN = os.path.join(ROOT, "dialects", "pb.irdl.mlir")
DIALECT_TESTS = os.path.join(ROOT, "test", "dialect")
REGENERATE = "pullback-opt --dump-irdl -o dialects/pb.irdl.mlir"


def all_ops() -> dict:
    """Every op of the dialect (transformations, custom derivatives and control flow are tagged
    declarations, not ops)."""
    return {**registry.OPS, **getattr(registry, "TRANSFORMS", {})}


def round_trip_files() -> list[str]:
    """test/dialect/ops.mlir (elementwise) and ops_<family>.mlir: pb ops in generic form."""
    return sorted(os.path.join(DIALECT_TESTS, f) for f in os.listdir(DIALECT_TESTS)
                  if re.fullmatch(r"ops(_\w+)?\.mlir", f))


def family_of_file(path: str) -> str:
    name = os.path.basename(path)[:-len(".mlir")]
    return "elementwise" if name == "ops" else name[len("ops_"):]


def find_mlir_opt() -> str | None:
    spec = importlib.util.find_spec("mlir")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(root, "bin", "mlir-opt")
        if os.access(path, os.X_OK):
            return path
    return shutil.which("mlir-opt", path=os.pathsep.join(
        [os.path.dirname(sys.executable), os.environ.get("PATH", "")]))


@pytest.fixture(scope="module")
def mlir_opt():
    path = find_mlir_opt()
    if path is None:
        pytest.skip("upstream mlir-opt is not installed")
    return path


@pytest.fixture(scope="module")
def irdl_file(tmp_path_factory):
    """The IRDL as generated now (test_checked_in_file_is_current guards the checked-in copy)."""
    path = tmp_path_factory.mktemp("irdl") / "pb.irdl.mlir"
    path.write_text(dialect_irdl())
    return str(path)


def test_checked_in_file_is_current():
    with open(CHECKED_IN) as f:
        checked_in = f.read()
    assert checked_in == dialect_irdl(), f"dialects/pb.irdl.mlir is stale: regenerate it with `{REGENERATE}`"


def test_every_op_is_defined():
    text = dialect_irdl()
    defined = re.findall(r"irdl\.operation @(\w+)", text)
    assert defined == sorted(all_ops())


@pytest.mark.parametrize("path", round_trip_files(), ids=os.path.basename)
def test_round_trip_file_covers_its_family(path):
    """Every op of a family appears in its round-trip file."""
    family = family_of_file(path)
    with open(path) as f:
        used = set(re.findall(r'"pb\.(\w+)"', f.read()))
    missing = sorted(n for n, op in all_ops().items() if op.family == family and n not in used)
    assert not missing, f"{os.path.basename(path)} does not exercise: {', '.join(missing)}"


@pytest.mark.parametrize("path", round_trip_files(), ids=os.path.basename)
def test_upstream_mlir_opt_parses_test_ir(mlir_opt, irdl_file, path):
    """Upstream mlir-opt, given only the IRDL file, parses and verifies our IR."""
    proc = subprocess.run([mlir_opt, f"--irdl-file={irdl_file}", "--split-input-file", path],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with open(path) as f:
        ops_in_file = set(re.findall(r'"(pb\.\w+)"', f.read()))
    ops_printed = set(re.findall(r'"(pb\.\w+)"', proc.stdout))
    assert ops_in_file and ops_in_file == ops_printed


def test_upstream_mlir_opt_checks_constraints(mlir_opt, irdl_file, tmp_path):
    """The IRDL constraints themselves: operand count and same-type groups, upstream."""
    cases = {
        "expects exactly 2 operands": '%0 = "pb.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>',
        "expected 'tensor<2xf32>' but got 'tensor<3xf32>'":
            '%0 = "pb.add"(%a, %b) : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32>',
        "expected base type 'builtin.tensor'": '%0 = "pb.exp"(%s) : (f32) -> f32',
    }
    for message, op in cases.items():
        src = tmp_path / "bad.mlir"
        src.write_text("func.func @f(%a: tensor<2xf32>, %b: tensor<3xf32>, %s: f32) {\n"
                       f"  {op}\n  return\n}}\n")
        proc = subprocess.run([mlir_opt, f"--irdl-file={irdl_file}", str(src)], capture_output=True, text=True)
        assert proc.returncode != 0 and message in proc.stderr, (message, proc.stderr)
