"""Persistent object cache: compiled functions as shared libraries on disk.

After an in-process JIT compile, a background thread dumps the engine's object
file, links it into a shared library with the system C compiler and commits it
to the cache directory; later processes dlopen the library and call its
`_mlir_<name>` packed wrapper without running MLIR at all.

Layout, per key: `<key>.json` (metadata) and `<key>.<sha256[:16]>.so`. The
library is renamed into place before its metadata, and the metadata rename is
the commit point, so a reader never sees a partial entry.

Loading a file runs its code, so trust rests on ownership, not on checksums (a
checksum stored next to a file proves nothing: whoever can replace the file can
replace the checksum). An entry is used only when the directory and both files
belong to the current user and are writable by nobody else; anything else is
ignored with a warning, never loaded. Files are opened without following
symbolic links and without blocking, and must be regular files (a FIFO in place
of an entry is a miss, not a hang). The library is dlopened through the
descriptor that was checked, and every object carries its cache key in the
symbol `_pullback_cache_key`, compared after loading: two swapped entries can
never answer each other's calls. The size and sha256 in the metadata only catch
damage (a truncated write, a flipped bit). Malformed metadata of any kind is a
miss.

The cache is capped (default 1 GiB, `PULLBACK_CACHE_MAX_SIZE` in bytes, with an
optional K/M/G suffix; 0 or less: no cap) and evicted least-recently-used: a
load refreshes an entry's time, and entries of other compiler versions go
first. Temporary directories left by killed writers are removed.

PULLBACK_CACHE_DIR sets the location (default ~/.cache/pullback, created 0700);
PULLBACK_CACHE=0 or off disables the cache. Without a C compiler the cache
disables itself.
"""
from __future__ import annotations

import concurrent.futures
import ctypes
import hashlib
import itertools
import json
import logging
import os
import platform
import shutil
import stat
import subprocess
import tempfile
import threading
import time
import warnings

from mlir import ir

from pullback.passes import blas

from .engine import mlir_lib_dir, runtime_libs

log = logging.getLogger("pullback.runtime.disk_cache")

FORMAT = 2
_OFF = {"0", "off", "false", "no"}
KEY_SYMBOL = "_pullback_cache_key"
MAX_META_BYTES = 64 * 1024
DEFAULT_MAX_SIZE = 1 << 30
STALE_TMP_SECONDS = 24 * 3600
GC_EVERY_FRACTION = 16  # the cache may exceed its cap by about 1/16 between collections


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


def embed_key(module: ir.Module, key: str) -> None:
    """Add the cache key to an LLVM-dialect module as the constant `_pullback_cache_key`, so
    the object proves which program it holds (checked by `DiskCache.load`)."""
    text = (f'llvm.mlir.global external constant @{KEY_SYMBOL}("{key}") '
            f'{{addr_space = 0 : i32}} : !llvm.array<{len(key)} x i8>')
    with module.context, ir.Location.unknown():
        holder = ir.Module.parse(text)  # kept alive until its op has moved
        op = holder.body.operations[0].operation
        module.body.append(op)


def _private_to_user(st: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _open_private_file(path: str) -> int | None:
    """A descriptor of `path` if it is a regular file private to this user (no symlink
    followed, never blocking on a FIFO); None when it does not exist; ValueError otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as e:  # ELOOP: a symbolic link; EACCES, ENXIO (a socket) ...
        raise ValueError(f"cannot open {path} safely: {e}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or not _private_to_user(st):
        os.close(fd)
        raise ValueError(f"{path} is not a regular file owned by this user and writable only by it")
    return fd


def _read_fd(fd: int, limit: int | None = None) -> bytes:
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if limit is not None and total > limit:
            raise ValueError(f"file is larger than {limit} bytes")


def _parse_meta(raw: bytes) -> dict:
    try:
        meta = json.loads(raw)
    except (ValueError, RecursionError, UnicodeDecodeError) as e:  # deep nesting is RecursionError
        raise ValueError(f"unreadable metadata: {type(e).__name__}") from None
    if not isinstance(meta, dict):
        raise ValueError("metadata is not an object")
    return meta


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def parse_size(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}.get(text[-1:], 1)
    return int(float(text[:-1] if scale != 1 else text) * scale)


class DiskCache:
    def __init__(self, directory: str, compiler: str, version: str = "", max_size: int = DEFAULT_MAX_SIZE):
        self.directory = directory
        self.compiler = compiler
        self.version = version
        self.max_size = max_size
        self.host = _host_id()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1,
                                                           thread_name_prefix="pullback-cache")
        self._pending: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        self._collected = False  # no collection yet in this process
        self._written_since_gc = 0

    def _meta_path(self, key: str) -> str:
        return os.path.join(self.directory, key + ".json")

    def _warn(self, what: str, why: str) -> None:
        if what not in self._warned:
            self._warned.add(what)
            warnings.warn(f"pullback: ignoring the compile cache {what}: {why}", RuntimeWarning, stacklevel=4)

    def directory_is_private(self) -> bool:
        """The directory exists, is a real directory of this user and writable by no one else."""
        try:
            st = os.lstat(self.directory)
        except FileNotFoundError:
            return False
        if not stat.S_ISDIR(st.st_mode) or not _private_to_user(st):
            self._warn(f"directory {self.directory}", "it is not a directory owned by this user and "
                       "writable only by it (set PULLBACK_CACHE_DIR to a private directory)")
            return False
        return True

    # -- reading -------------------------------------------------------------

    def load(self, key: str, name: str):
        """(library handle, address of `_mlir_<name>`) for a verified entry, or None."""
        if not self.directory_is_private():
            return None
        meta_path, lib_path = self._meta_path(key), None
        fd = lib_fd = None
        try:
            fd = _open_private_file(meta_path)
            if fd is None:
                return None
            meta = _parse_meta(_read_fd(fd, MAX_META_BYTES))
            lib = meta.get("lib")
            if not isinstance(lib, str) or os.path.basename(lib) != lib or not lib.startswith(key + "."):
                raise ValueError(f"bad library name {lib!r}")
            lib_path = os.path.join(self.directory, lib)
            expect = {"format": FORMAT, "key": key, "name": name, "host": self.host}
            for field, value in expect.items():
                if meta.get(field) != value:
                    raise ValueError(f"{field} is {meta.get(field)!r}, expected {value!r}")
            lib_fd = _open_private_file(lib_path)
            if lib_fd is None:
                raise ValueError("library missing")
            data = _read_fd(lib_fd)
            if len(data) != meta.get("size"):
                raise ValueError(f"library has {len(data)} bytes, metadata says {meta.get('size')}")
            if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
                raise ValueError("library sha256 does not match its metadata")
            handle = self._dlopen_verified(lib_fd, lib_path)
            embedded = ctypes.string_at(ctypes.addressof(ctypes.c_char.in_dll(handle, KEY_SYMBOL)), len(key))
            if embedded != key.encode():
                raise ValueError("the library holds another program (embedded key differs)")
            address = ctypes.cast(getattr(handle, "_mlir_" + name), ctypes.c_void_p).value
        except (ValueError, KeyError, TypeError, AttributeError, OSError) as e:
            log.debug("rejecting cache entry %s: %s", key, e)
            self._remove_if_ours(meta_path, lib_path)
            return None
        finally:
            for d in (fd, lib_fd):
                if d is not None:
                    os.close(d)
        self._touch(meta_path)
        return handle, address

    def _dlopen_verified(self, lib_fd: int, lib_path: str) -> ctypes.CDLL:
        """dlopen the very file that was checked (the inode behind `lib_fd`), not whatever
        `lib_path` names by now. dlopen matches libraries by path name and descriptor
        numbers are reused, so `/proc/self/fd/N` itself could return an earlier entry: it
        is opened through a symlink (in a fresh private directory) whose name no other
        load of this process uses."""
        fd_path = f"/proc/self/fd/{lib_fd}"
        if not os.path.isdir("/proc/self/fd"):
            return ctypes.CDLL(lib_path)
        tmp = tempfile.mkdtemp(prefix=f".tmp-{os.getpid()}-load{next(_load_counter)}-", dir=self.directory)
        try:
            unique = os.path.join(tmp, "entry.so")
            os.symlink(fd_path, unique)
            return ctypes.CDLL(unique)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @staticmethod
    def _touch(path: str) -> None:
        """Mark an entry as used (its metadata's mtime orders eviction)."""
        try:
            os.utime(path, follow_symlinks=False)
        except OSError:
            pass

    @staticmethod
    def _remove_if_ours(*paths) -> None:
        for p in paths:
            if not p:
                continue
            try:
                if os.lstat(p).st_uid == os.getuid():
                    os.unlink(p)
            except OSError:
                pass

    # -- writing -------------------------------------------------------------

    def _ensure_directory(self) -> bool:
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
        except OSError as e:
            log.debug("cannot create cache directory %s: %s", self.directory, e)
            return False
        return self.directory_is_private()

    def store_async(self, key: str, name: str, write_objects) -> None:
        """Write the entry for a compiled program: `write_objects(folder)` writes its object
        files now, on the compiling thread (an engine belongs to its MLIR/LLVM context, which
        must not be used from two threads at once) and returns their paths; they are linked
        and published on the cache thread. The program must carry its key (`embed_key`)."""
        try:
            if not self._ensure_directory():
                return
            tmp = tempfile.mkdtemp(prefix=f".tmp-{os.getpid()}-", dir=self.directory)
            objects = write_objects(tmp)
        except Exception as e:  # noqa: BLE001  (a cache write must never fail a compile)
            log.debug("cache entry %s not written: %s", key, e)
            return
        fut = self._pool.submit(self._store, key, name, tmp, objects)
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

    def _store(self, key: str, name: str, tmp: str, objects: list[str]) -> bool:
        try:
            so = os.path.join(tmp, "entry.so")
            libdir = mlir_lib_dir()
            # -Bsymbolic binds the entry's calls to its own functions even when a
            # function shares its name with a symbol already loaded (sin, exp, ...).
            blas_lib = blas.library_path()  # linked only if the object calls it (--as-needed)
            extra = [blas_lib, f"-Wl,-rpath,{os.path.dirname(blas_lib)}"] if blas_lib else []
            cmd = [self.compiler, "-shared", "-o", so, *objects, "-Wl,-Bsymbolic", "-Wl,--no-undefined",
                   "-Wl,--as-needed", *runtime_libs(), f"-Wl,-rpath,{libdir}", *extra, "-lm"]
            res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, timeout=120)
            if res.returncode != 0:
                log.debug("linking cache entry %s failed: %s", key, res.stdout.decode(errors="replace"))
                return False
            os.chmod(so, 0o700)  # whatever the umask: entries writable by others are never loaded
            with open(so, "rb") as f:
                data = f.read()
            digest = hashlib.sha256(data).hexdigest()
            lib = f"{key}.{digest[:16]}.so"
            os.replace(so, os.path.join(self.directory, lib))
            meta = {"format": FORMAT, "key": key, "name": name, "host": self.host, "lib": lib,
                    "size": len(data), "sha256": digest, "version": self.version}
            meta_tmp = os.path.join(tmp, "entry.json")
            with open(os.open(meta_tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                json.dump(meta, f)
            os.replace(meta_tmp, self._meta_path(key))
            self._written_since_gc += len(data)
            return True
        except Exception as e:  # noqa: BLE001  (a cache write must never fail a compile)
            log.debug("writing cache entry %s failed: %s", key, e)
            return False
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            self._maybe_collect_garbage()

    def _maybe_collect_garbage(self) -> None:
        """Collect after the first write of the process, then after every cap/16 bytes
        written. A collection reads the whole directory: doing it after every write made a
        compile-heavy process quadratic in the number of entries (tens of thousands)."""
        if not self._collected or self._written_since_gc >= max(self.max_size // GC_EVERY_FRACTION, 1):
            self._collected, self._written_since_gc = True, 0
            self.collect_garbage()

    # -- eviction ------------------------------------------------------------

    def entries(self) -> list[tuple[bool, float, int, list[str]]]:
        """(stale, last use, bytes, paths) per entry this user owns; stale: another version."""
        out = []
        try:
            names = os.listdir(self.directory)
        except OSError:
            return out
        libs: dict[str, list[str]] = {}
        for n in names:
            if n.endswith(".so"):
                libs.setdefault(n.split(".", 1)[0], []).append(n)
        for n in names:
            if not n.endswith(".json"):
                continue
            key = n[:-5]
            paths = [os.path.join(self.directory, x) for x in [n, *libs.pop(key, [])]]
            version, size, used = None, 0, 0.0
            try:
                st = os.lstat(paths[0])
                if st.st_uid != os.getuid():
                    continue
                used = st.st_mtime
                fd = _open_private_file(paths[0])
                if fd is not None:
                    try:
                        version = _parse_meta(_read_fd(fd, MAX_META_BYTES)).get("version")
                    finally:
                        os.close(fd)
                size = sum(os.lstat(p).st_size for p in paths)
            except (OSError, ValueError):
                pass
            out.append((version != self.version, used, size, paths))
        for key, orphans in libs.items():  # libraries whose metadata never got written
            paths = [os.path.join(self.directory, x) for x in orphans]
            try:
                out.append((True, 0.0, sum(os.lstat(p).st_size for p in paths), paths))
            except OSError:
                pass
        return out

    def collect_garbage(self) -> None:
        """Evict entries, stale versions first and then least recently used, until the cache
        fits its cap; remove temporary directories of writers that died."""
        now = time.time()
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for n in names:
            if not n.startswith(".tmp-"):
                continue
            path = os.path.join(self.directory, n)
            try:
                pid = int(n.split("-")[1])
            except (IndexError, ValueError):
                pid = -1
            try:
                old = now - os.lstat(path).st_mtime > STALE_TMP_SECONDS
            except OSError:
                continue
            if pid != os.getpid() and (pid <= 0 or not _pid_alive(pid) or old):
                shutil.rmtree(path, ignore_errors=True)
        if self.max_size <= 0:
            return
        entries = sorted(self.entries(), key=lambda e: (not e[0], e[1]))  # stale first, then oldest
        total = sum(e[2] for e in entries)
        for stale, used, size, paths in entries:
            if total <= self.max_size:
                break
            self._remove_if_ours(*paths)
            total -= size


_load_counter = itertools.count()
_caches: dict[tuple, DiskCache | None] = {}
_caches_lock = threading.Lock()


def dump_engine_object(engine, folder: str) -> list[str]:
    """`write_objects` for an ExecutionEngine (compiled with enable_pic)."""
    path = os.path.join(folder, "entry.o")
    engine.dump_to_object_file(path)
    return [path]


def find_compiler() -> str | None:
    return shutil.which(os.environ.get("CC") or "cc")


def max_size_setting() -> int:
    text = os.environ.get("PULLBACK_CACHE_MAX_SIZE")
    if not text:
        return DEFAULT_MAX_SIZE
    try:
        return parse_size(text)
    except ValueError:
        warnings.warn(f"pullback: PULLBACK_CACHE_MAX_SIZE={text!r} is not a size; using 1G", RuntimeWarning)
        return DEFAULT_MAX_SIZE


def default_cache(version: str = "") -> DiskCache | None:
    """The cache the environment asks for, or None when it is disabled or unusable.
    `version` (the compiler's fingerprint) tells stale entries apart for eviction."""
    if os.environ.get("PULLBACK_CACHE", "1").strip().lower() in _OFF:
        return None
    directory = os.environ.get("PULLBACK_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "pullback")
    config = (directory, os.environ.get("CC"), version, max_size_setting())
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
                    cache = DiskCache(os.path.abspath(directory), compiler, version, config[3])
                _caches[config] = cache
    return cache


def flush() -> None:
    """Wait until every disk cache write started so far has finished."""
    for cache in list(_caches.values()):
        if cache is not None:
            cache.flush()
