"""The IR of a program at each named pipeline stage: for `Lowered.as_text` and for
dumping every compile (`PULLBACK_DUMP_DIR=folder`).

Stages are `pullback.passes.pipeline.STAGES`, in order: pb, transformed, linalg,
vectorized, bufferized, llvm (the LLVM dialect) and llvm-ir, which is the LLVM
dialect translated by the `mlir-translate` that ships with the MLIR wheels.
"""
from __future__ import annotations

import itertools
import os
import subprocess

from mlir import ir

from pullback.passes import run_pipeline
from pullback.passes.pipeline import STAGES

from .engine import mlir_lib_dir

DUMP_ENV = "PULLBACK_DUMP_DIR"
_dump_ids = itertools.count()


def translate_to_llvm_ir(module: ir.Module) -> str:
    tool = os.path.join(os.path.dirname(mlir_lib_dir()), "bin", "mlir-translate")
    done = subprocess.run([tool, "--mlir-to-llvmir"], input=str(module), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mlir-translate failed: {done.stderr.strip()}")
    return done.stdout


def stage_texts(module: ir.Module, last: str = "llvm-ir"):
    """Yield (stage, text) for every stage up to `last`, lowering `module` in place."""
    for stage, passes in STAGES.items():
        if passes:
            run_pipeline(module, passes)
        yield stage, translate_to_llvm_ir(module) if stage == "llvm-ir" else str(module)
        if stage == last:
            return


def stage_text(module: ir.Module, stage: str) -> str:
    """The text of `module` after pipeline stage `stage`, lowering it in place."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
    for name, text in stage_texts(module, last=stage):
        if name == stage:
            return text


def dump_stages(module: ir.Module, name: str) -> str | None:
    """Write every stage of a compile of `module` to $PULLBACK_DUMP_DIR (unset: nothing).
    The module is lowered in place to the LLVM dialect; returns the folder used."""
    folder = os.environ.get(DUMP_ENV)
    if not folder:
        return None
    os.makedirs(folder, exist_ok=True)
    prefix = os.path.join(folder, f"{os.getpid()}_{next(_dump_ids):04d}_{name}")
    for i, (stage, text) in enumerate(stage_texts(module)):
        with open(f"{prefix}.{i}.{stage}.{'ll' if stage == 'llvm-ir' else 'mlir'}", "w") as f:
            f.write(text)
    return folder
