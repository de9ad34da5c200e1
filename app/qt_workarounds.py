"""Work-arounds for bugs in the Qt bindings, applied once at start-up.

PySide6 6.12.0 on Python 3.11: ``SignalInstance.emit()`` returns ``True`` without taking
a reference to it (6.11 does not). Every emit from Python then costs ``True`` one
reference, and after a few thousand the interpreter frees ``True`` and aborts ("Fatal
Python error: bool_dealloc"). Python 3.12 made ``True`` immortal, which hides the bug;
on 3.11 we do the same by hand: when the leak is measured, ``True`` and ``False`` get
a reference count no program can use up.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

#: Added to the reference counts of True and False (Python 3.12 uses about 2**32 too).
_PADDING = 1 << 40
_PROBES = 8


class _Probe(QObject):
    fired = Signal()


def emit_leaks_true() -> bool:
    """Whether ``Signal.emit()`` loses a reference to ``True`` in this PySide6."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.fired.emit()
    return sys.getrefcount(True) <= before - _PROBES


def apply() -> bool:
    """Apply the work-arounds this interpreter needs. Returns True when one was applied.

    Safe to call more than once (the padding is applied once per process).
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if getattr(apply, "_done", False) or not emit_leaks_true():
        return False
    for constant in (True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(constant)).value += _PADDING
    apply._done = True  # type: ignore[attr-defined]
    return True
