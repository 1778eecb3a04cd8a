"""Compilation to native code, caches and the call path."""
from .compiler import (cache_stats, clear_memory_cache, compile_module, flush_disk_cache,
                       function_signature)
from .executable import Executable, SignatureError
from .requests import serve_requests

__all__ = ["Executable", "SignatureError", "cache_stats", "clear_memory_cache", "compile_module",
           "flush_disk_cache", "function_signature", "serve_requests"]
