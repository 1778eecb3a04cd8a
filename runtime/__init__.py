"""Compilation to native code, caches and the call path."""
from .compiler import compile_module, function_signature
from .executable import Executable, SignatureError

__all__ = ["Executable", "SignatureError", "compile_module", "function_signature"]
