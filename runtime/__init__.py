"""Compilation to native code, caches and the call path."""
from .compiler import (cache_stats, clear_memory_cache, compile_module, flush_disk_cache,
                       function_signature, serve_requests)
from .executable import Executable, SignatureError

__all__ = ["Executable", "SignatureError", "cache_stats", "clear_memory_cache", "compile_module",
           "flush_disk_cache", "function_signature", "serve_requests"]
