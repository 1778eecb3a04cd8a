"""Persistent object cache: compiled functions as shared libraries on disk.

After an in-process JIT compile, a background thread dumps the engine's object
file, links it into a shared library with the system C compiler and commits it
to the cache directory; later processes dlopen the library and call its
`_mlir_<name>` packed wrapper without running MLIR at all.

Layout, per key: `<key>.json` (metadata) and `<key>.<sha256[:16]>.so`. The
library is renamed into place before its metadata, and the metadata rename is
the commit point, so a reader never sees a partial entry. The library name
carries its hash, so a name that dlopen has already mapped in this process
always stands for the same bytes. An entry whose metadata is missing fields,
names another key/format/host, or whose library has the wrong size or sha256
is deleted and recompiled, never loaded.

PULLBACK_CACHE_DIR sets the location (default ~/.cache/pullback);
PULLBACK_CACHE=0 or off disables the cache. Without a C compiler the cache
disables itself.
"""
from __future__ import annotations

import concurrent.futures
import ctypes
import hashlib
import json
import logging
import os
import platform
import shutil
import subprocess
import tempfile
import threading

from .engine import mlir_lib_dir, runtime_libs

log = logging.getLogger("pullback.runtime.disk_cache")

FORMAT = 1
_OFF = {"0", "off", "false", "no"}


def _host_id() -> str:
    """Compiled code targets the host CPU and this MLIR build: entries name both, so a
    cache directory shared between machines or toolchains never serves foreign code."""
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    flags = line
                    break
    except OSError:
        pass
    libs = []
    for lib in ("libMLIR-C.so", "libMLIR.so"):
        try:
            st = os.stat(os.path.join(mlir_lib_dir(), lib))
            libs.append(f"{lib}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            pass
    text = "|".join([platform.machine(), platform.system(), flags, *libs])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class DiskCache:
    def __init__(self, directory: str, compiler: str):
        self.directory = directory
        self.compiler = compiler
        self.host = _host_id()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1,
                                                           thread_name_prefix="pullback-cache")
        self._pending: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()

    def _meta_path(self, key: str) -> str:
        return os.path.join(self.directory, key + ".json")

    # -- reading -------------------------------------------------------------

    def load(self, key: str, name: str):
        """(library handle, address of `_mlir_<name>`) for a verified entry, or None."""
        meta_path = self._meta_path(key)
        try:
            with open(meta_path, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            return None
        except OSError as e:
            log.debug("cache entry %s unreadable: %s", key, e)
            return None
        lib_path = None
        try:
            meta = json.loads(raw)
            lib = meta["lib"]
            if os.path.basename(lib) != lib or not lib.startswith(key + "."):
                raise ValueError(f"bad library name {lib!r}")
            lib_path = os.path.join(self.directory, lib)
            expect = {"format": FORMAT, "key": key, "name": name, "host": self.host}
            for field, value in expect.items():
                if meta.get(field) != value:
                    raise ValueError(f"{field} is {meta.get(field)!r}, expected {value!r}")
            with open(lib_path, "rb") as f:
                data = f.read()
            if len(data) != meta["size"]:
                raise ValueError(f"library has {len(data)} bytes, metadata says {meta['size']}")
            if hashlib.sha256(data).hexdigest() != meta["sha256"]:
                raise ValueError("library sha256 does not match its metadata")
            handle = ctypes.CDLL(lib_path)
            address = ctypes.cast(getattr(handle, "_mlir_" + name), ctypes.c_void_p).value
        except (ValueError, KeyError, TypeError, AttributeError, OSError) as e:
            log.debug("rejecting cache entry %s: %s", key, e)
            self._remove(meta_path, lib_path)
            return None
        return handle, address

    @staticmethod
    def _remove(*paths) -> None:
        for p in paths:
            if p:
                try:
                    os.unlink(p)
                except OSError:
                    pass

    # -- writing -------------------------------------------------------------

    def store_async(self, key: str, name: str, engine) -> None:
        """Write the entry for a compiled engine: the object file now, on the compiling
        thread (the engine belongs to its MLIR/LLVM context, which must not be used
        from two threads at once), then link and publish it on the cache thread."""
        try:
            os.makedirs(self.directory, exist_ok=True)
            tmp = tempfile.mkdtemp(prefix=".tmp-", dir=self.directory)
            engine.dump_to_object_file(os.path.join(tmp, "entry.o"))
        except Exception as e:  # noqa: BLE001  (a cache write must never fail a compile)
            log.debug("cache entry %s not written: %s", key, e)
            return
        fut = self._pool.submit(self._store, key, name, tmp)
        with self._lock:
            self._pending.add(fut)
        fut.add_done_callback(self._done)

    def _done(self, fut) -> None:
        with self._lock:
            self._pending.discard(fut)

    def flush(self, timeout: float | None = None) -> None:
        """Wait for every pending write."""
        with self._lock:
            pending = list(self._pending)
        concurrent.futures.wait(pending, timeout=timeout)

    def _store(self, key: str, name: str, tmp: str) -> bool:
        try:
            obj, so = os.path.join(tmp, "entry.o"), os.path.join(tmp, "entry.so")
            libdir = mlir_lib_dir()
            # -Bsymbolic binds the entry's calls to its own functions even when a
            # function shares its name with a symbol already loaded (sin, exp, ...).
            cmd = [self.compiler, "-shared", "-o", so, obj, "-Wl,-Bsymbolic", "-Wl,--no-undefined",
                   "-Wl,--as-needed", *runtime_libs(), f"-Wl,-rpath,{libdir}", "-lm"]
            res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, timeout=120)
            if res.returncode != 0:
                log.debug("linking cache entry %s failed: %s", key, res.stdout.decode(errors="replace"))
                return False
            with open(so, "rb") as f:
                data = f.read()
            digest = hashlib.sha256(data).hexdigest()
            lib = f"{key}.{digest[:16]}.so"
            os.replace(so, os.path.join(self.directory, lib))
            meta = {"format": FORMAT, "key": key, "name": name, "host": self.host, "lib": lib,
                    "size": len(data), "sha256": digest}
            meta_tmp = os.path.join(tmp, "entry.json")
            with open(meta_tmp, "w") as f:
                json.dump(meta, f)
            os.replace(meta_tmp, self._meta_path(key))
            return True
        except Exception as e:  # noqa: BLE001  (a cache write must never fail a compile)
            log.debug("writing cache entry %s failed: %s", key, e)
            return False
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


_caches: dict[tuple, DiskCache | None] = {}
_caches_lock = threading.Lock()


def find_compiler() -> str | None:
    return shutil.which(os.environ.get("CC") or "cc")


def default_cache() -> DiskCache | None:
    """The cache the environment asks for, or None when it is disabled or unusable."""
    if os.environ.get("PULLBACK_CACHE", "1").strip().lower() in _OFF:
        return None
    directory = os.environ.get("PULLBACK_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "pullback")
    config = (directory, os.environ.get("CC"))
    cache = _caches.get(config, False)
    if cache is False:
        with _caches_lock:
            cache = _caches.get(config, False)
            if cache is False:
                compiler = find_compiler()
                if compiler is None:
                    log.debug("no C compiler found: the disk cache is disabled")
                    cache = None
                else:
                    cache = DiskCache(os.path.abspath(directory), compiler)
                _caches[config] = cache
    return cache


def flush() -> None:
    """Wait until every disk cache write started so far has finished."""
    for cache in list(_caches.values()):
        if cache is not None:
            cache.flush()
