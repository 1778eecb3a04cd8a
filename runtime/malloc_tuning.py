"""Keep freed heap memory in the process, so compiled code does not page-fault on every call.

Compiled functions allocate their temporaries and results with malloc and free them when
they are done. glibc gives the top of the heap back to the kernel once more than
M_TRIM_THRESHOLD (128 KiB, grown dynamically only a little) of it is free, so the next call's
buffers come back as fresh pages: each first touch is a page fault and a zeroing. In the
32-layer MLP gradient step that was a third of the time (22 ms against 12 ms with the heap
kept). XLA avoids the same cost by reusing its buffers; a trim threshold does it for every
allocation of the process. The price is that up to the threshold of freed memory stays
resident.

PULLBACK_MALLOC_TRIM_THRESHOLD sets it in bytes (default 256 MiB); 0 or off leaves glibc's
behaviour alone. Other C libraries are left alone too. Blocks under 32 MiB come from the heap
rather than from mmap, whose pages are fresh on every call for the same reason.
"""
from __future__ import annotations

import ctypes
import os
import platform
import warnings

DEFAULT_TRIM_THRESHOLD = 256 << 20
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>
# Setting the trim threshold freezes glibc's mmap threshold at 128 KiB, below a 256x256 f32
# matrix: blocks up to glibc's own dynamic maximum come from the heap instead.
MMAP_THRESHOLD = 32 << 20
_OFF = {"0", "off", "no", "false"}
_done = False


def requested_threshold() -> int | None:
    text = os.environ.get("PULLBACK_MALLOC_TRIM_THRESHOLD", "").strip().lower()
    if not text:
        return DEFAULT_TRIM_THRESHOLD
    if text in _OFF:
        return None
    try:
        return int(text)
    except ValueError:
        warnings.warn(f"pullback: PULLBACK_MALLOC_TRIM_THRESHOLD={text!r} is not a number of bytes; "
                      f"using {DEFAULT_TRIM_THRESHOLD}", RuntimeWarning)
        return DEFAULT_TRIM_THRESHOLD


def tune_malloc() -> bool:
    """Set glibc's trim threshold once per process; whether it was set."""
    global _done
    if _done:
        return False
    _done = True
    threshold = requested_threshold()
    if threshold is None or platform.system() != "Linux":
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # glibc only: others read mallopt's numbers differently
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    threshold = min(threshold, 2**31 - 1)
    return bool(mallopt(M_TRIM_THRESHOLD, threshold)) and bool(
        mallopt(M_MMAP_THRESHOLD, min(threshold, MMAP_THRESHOLD)))
