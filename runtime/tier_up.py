"""Tiered compilation: a program's cheap kernels run unoptimized first, optimized code replaces
them once the background has compiled it.

A first call waits for LLVM's optimizer and code generator on every kernel: ~6 ms of CPU per
small elementwise kernel on this kind of machine, most of a small program's compile (a
2-layer MLP gradient: 50 ms first call, 33 ms with every unit at O0). Unoptimized code runs
cheap kernels nearly as fast (0.29 -> 0.45 ms per step for that MLP), but not loops of
matmuls (an RNN's scan: 2 -> 21 ms). So runtime/native_jit.py compiles kernels that
pb-estimate-work found cheap (`pb.work`, scalar ops per run) at O0 with the glue ("tier 0"),
each behind a stub that calls through a cell. At the program's second call (a program called
once never needs more; with the disk cache on, at once: the cache stores optimized programs
only), this module compiles them again at the requested level on low-priority background
threads ("tier up"), links them into an LLJIT of their own, resolving what they use to the
tier-0 program's addresses, and stores their addresses in the cells. Both tiers compute the same numbers: LLVM's optimizer does not
reassociate or contract floating point without fast-math flags, which pullback never sets
(tests compare the tiers bit for bit); a call that straddles the switch mixes them harmlessly.
Tier-0 code stays alive with the program (a call may still be running it).

PULLBACK_TIERED_COMPILE: "1" (default) as above; "0" compiles everything at its final level
before the first call; "tier0" never tiers up (for tests and measurements).
"""
from __future__ import annotations

import concurrent.futures
import ctypes
import itertools
import os
import threading
import warnings
import weakref
from typing import Callable

TIERED_ENV = "PULLBACK_TIERED_COMPILE"
# Work (pb.work, scalar ops per run) a program may run unoptimized before it is optimized:
# measured 0.15-0.16 ns per op of extra run time (2- and 32-layer MLP gradients, 1.0 and 16 M
# ops: 0.29 -> 0.45 and 5.6 -> 8.2 ms a step unoptimized), so at most ~5 ms a call.
DEFERRED_WORK_BUDGET = 1 << 25


def mode() -> str:
    """"on", "off" or "tier0" (PULLBACK_TIERED_COMPILE)."""
    value = os.environ.get(TIERED_ENV, "1").strip().lower()
    if value in ("0", "off", "false", "no"):
        return "off"
    return "tier0" if value == "tier0" else "on"


_pool = None
_pool_lock = threading.Lock()
_exiting = False
_pending: set = set()  # tier-ups started and not finished, for wait_all
_waiting: "weakref.WeakValueDictionary[int, TierUp]" = weakref.WeakValueDictionary()  # not started, by id
_ids = itertools.count(1)

# What a tier-0 program calls, with its id, at its second call (runtime/native_jit.py counts
# calls in the packed wrapper): programs called once are never optimized.
REQUEST_SYMBOL = "pb_tier_up_request"


@ctypes.CFUNCTYPE(None, ctypes.c_int64)
def _request(program_id: int) -> None:
    job = _waiting.pop(program_id, None)
    if job is not None:
        job.start()


def new_id() -> int:
    """An id for the TierUp of a program being compiled (its code passes it to REQUEST_SYMBOL)."""
    return next(_ids)


def request_address() -> int:
    return ctypes.cast(_request, ctypes.c_void_p).value


def _lower_priority() -> None:
    """Background threads yield the cores to the user's thread and to first-call compiles."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):  # not Linux: the thread keeps the default priority
        pass


def _stop_at_exit() -> None:
    """Queued tier-ups of a finishing interpreter are skipped, except those the disk cache
    waits for (they finish here, before the executors stop taking the cache's writes)."""
    global _exiting
    _exiting = True
    with _pool_lock:
        pending = [job for job in _pending if job.persistent]
    for job in pending:
        job.wait()


def _workers() -> concurrent.futures.ThreadPoolExecutor:
    global _pool, _exiting
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1) - 1),
                                                          thread_name_prefix="pullback-tier-up",
                                                          initializer=_lower_priority)
            try:
                threading._register_atexit(_stop_at_exit)  # runs before the pool's own join
            except RuntimeError:  # the interpreter is finishing already: nothing more to start
                _exiting = True
        return _pool


class TierUp:
    """The background compile of one program's deferred kernels.

    `units` compile (each `compile()` gives an object; `dispose()` frees it); `link(program,
    objects, unit_imports)` links them and stores their addresses in the tier-0 cells. `plain_glue`
    (optional) is the glue unit without stubs, compiled only so that `final_objects` holds the
    program a non-tiered compile makes, for the disk cache."""

    def __init__(self, job_id: int, name: str, units: list, plain_glue, link: Callable[[object, list, list], None]):
        self.name = name
        self.persistent = plain_glue is not None  # its objects go to the disk cache
        self.id = job_id  # (new_id) what the program passes to REQUEST_SYMBOL
        self._count = len(units)
        self._jobs = list(enumerate(units)) + ([(-1, plain_glue)] if plain_glue is not None else [])
        self._link = link  # (tier-0 program, optimized objects, names each unit declares)
        self._program = lambda: None
        self._eager: list[bytes] = []
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []
        self._objects: dict[int, bytes] = {}
        self._imports: dict[int, list[str]] = {}
        self._errors: list[BaseException] = []
        self._left = len(self._jobs)
        self.started = False
        self._settled = False  # the callbacks have been taken
        self.final_objects: list[bytes] | None = None
        _waiting[self.id] = self

    def attach(self, program, eager_objects: list[bytes]) -> None:
        """The tier-0 program (held weakly: a program nobody holds is not worth optimizing)
        and the objects of its units compiled optimized already."""
        self._program = weakref.ref(program)
        self._eager = eager_objects

    def start(self) -> None:
        """Compile in the background (once)."""
        with self._lock:
            if self.started:
                return
            self.started = True
        _waiting.pop(self.id, None)
        with _pool_lock:
            _pending.add(self)
        for index, unit in self._jobs:
            _workers().submit(self._compile, index, unit)

    def __del__(self):
        if not getattr(self, "started", True):  # the program died before its second call
            for _, unit in self._jobs:
                unit.dispose()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a started tier-up (False: not started, or not finished in time)."""
        return self.started and self._done.wait(timeout)

    def when_final(self, callback: Callable[[], None]) -> None:
        """Call `callback` (on the background thread) once the optimized objects exist."""
        with self._lock:
            if not self._settled:
                self._callbacks.append(callback)
                return
        if self.final_objects is not None:
            callback()

    def _compile(self, index: int, unit) -> None:
        try:
            if (_exiting and not self.persistent) or self._errors:
                return
            if index >= 0:
                self._imports[index] = unit.declared_names()
            self._objects[index] = unit.compile()
        except BaseException as e:  # noqa: BLE001  (reported once all units are back)
            self._errors.append(e)
        finally:
            unit.dispose()
            with self._lock:
                self._left -= 1
                last = self._left == 0
            if last:
                self._finish()

    def _finish(self) -> None:
        try:
            program = self._program()
            if (_exiting and not self.persistent) or program is None:
                return
            if self._errors:
                raise self._errors[0]
            optimized = [self._objects[i] for i in range(self._count)]
            self._link(program, optimized, [self._imports[i] for i in range(self._count)])
            if -1 in self._objects:
                self.final_objects = self._eager + [self._objects[-1]] + optimized
        except Exception as e:  # noqa: BLE001  (the program keeps its tier-0 code, which is correct)
            warnings.warn(f"pullback: optimizing @{self.name} in the background failed; it keeps running "
                          f"unoptimized code ({type(e).__name__}: {e})", RuntimeWarning, stacklevel=1)
        finally:
            with self._lock:  # later when_final calls run their callback themselves
                self._settled = True
                callbacks, self._callbacks = self._callbacks, []
            if self.final_objects is not None:
                for callback in callbacks:  # before `done`: flush_disk_cache then sees the write
                    try:
                        callback()
                    except Exception as e:  # noqa: BLE001
                        warnings.warn(f"pullback: after optimizing @{self.name}: {type(e).__name__}: {e}",
                                      RuntimeWarning, stacklevel=1)
            self._done.set()
            with _pool_lock:
                _pending.discard(self)


def wait_all(timeout: float | None = None) -> bool:
    """Wait until every program called twice so far runs optimized code (True: all do)."""
    with _pool_lock:
        pending = list(_pending)
    return all(job.wait(timeout) for job in pending)
