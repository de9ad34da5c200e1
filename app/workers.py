"""Run slow work off the GUI thread and get the outcome back on it.

    handle = run_in_background(vault.unlock, passphrase,
                               on_result=self.show_unlocked, on_error=self.show_error)
    ...
    handle.cancel()

``fn`` runs on a QThreadPool thread. Its return value goes to ``on_result`` and any
exception it raises goes to ``on_error`` as the exception object; then ``on_finished`` runs.
All three callbacks run on the GUI thread (the thread that called ``run_in_background``),
through queued signal connections, so they may touch widgets.

Cancellation is cooperative: ``handle.cancel()`` sets a ``threading.Event``. If ``fn``
takes a keyword parameter named ``cancel_event``, it receives that event and should stop
early when it is set (raising ``core.errors.UserCancelled`` or returning anything). After
``cancel()``, ``on_result`` and ``on_error`` are no longer called; ``on_finished`` always is.
A task cancelled before it starts does not call ``fn`` at all.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    Qt,
    QThread,
    QThreadPool,
    Signal,
    Slot,
)

log = logging.getLogger(__name__)

CANCEL_KEYWORD = "cancel_event"


class WorkerSignals(QObject):
    """Signals a Worker emits from its pool thread."""

    result = Signal(object)
    error = Signal(object)
    finished = Signal()


class Worker(QRunnable):
    """A QRunnable that calls ``fn(*args, **kwargs)`` and reports through ``signals``.

    ``run`` never raises: every ``Exception`` from ``fn`` is emitted on ``signals.error``.
    """

    def __init__(
        self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it; the delivery object keeps it alive
        self.signals = WorkerSignals()
        self.cancel_event = threading.Event()
        self._fn = fn
        self._args = args
        self._kwargs = dict(kwargs)
        if _accepts_cancel_event(fn):
            self._kwargs[CANCEL_KEYWORD] = self.cancel_event

    def run(self) -> None:
        """Call the function on the pool thread and emit its outcome."""
        signals = self.signals
        try:
            if not self.cancel_event.is_set():
                value = self._fn(*self._args, **self._kwargs)
                signals.result.emit(value)
        except Exception as exc:
            signals.error.emit(exc)
        finally:
            signals.finished.emit()


def _accepts_cancel_event(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` declares a ``cancel_event`` parameter that can be passed by keyword."""
    try:
        parameter = inspect.signature(fn).parameters.get(CANCEL_KEYWORD)
    except (TypeError, ValueError):  # builtins without a signature
        return False
    return parameter is not None and parameter.kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )


class TaskHandle:
    """What ``run_in_background`` returns: cancel the task or ask whether it is done."""

    def __init__(self, cancel_event: threading.Event) -> None:
        self._cancel_event = cancel_event
        self._done = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop; its result and error are then dropped."""
        self._cancel_event.set()

    @property
    def cancelled(self) -> bool:
        """Whether ``cancel()`` was called."""
        return self._cancel_event.is_set()

    @property
    def done(self) -> bool:
        """Whether ``on_finished`` has run (on the GUI thread)."""
        return self._done.is_set()

    def _mark_done(self) -> None:
        self._done.set()


def _log_error(exc: object) -> None:
    log.error("background task failed", exc_info=exc if isinstance(exc, BaseException) else None)


class _Delivery(QObject):
    """Lives on the GUI thread and calls the callbacks there.

    Parented to the application so it stays alive until the task finishes, then deletes
    itself (and, as its children, the worker's signals) from the GUI thread.
    """

    def __init__(
        self,
        worker: Worker,
        handle: TaskHandle,
        on_result: Callable[[Any], object] | None,
        on_error: Callable[[BaseException], object] | None,
        on_finished: Callable[[], object] | None,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._handle = handle
        self._on_result = on_result
        self._on_error = on_error or _log_error
        self._on_finished = on_finished
        worker.signals.setParent(self)
        queued = Qt.ConnectionType.QueuedConnection
        worker.signals.result.connect(self._deliver_result, queued)
        worker.signals.error.connect(self._deliver_error, queued)
        worker.signals.finished.connect(self._deliver_finished, queued)

    @Slot(object)
    def _deliver_result(self, value: object) -> None:
        if self._on_result is not None and not self._handle.cancelled:
            self._guarded(self._on_result, value)

    @Slot(object)
    def _deliver_error(self, exc: object) -> None:
        if not self._handle.cancelled:
            self._guarded(self._on_error, exc)

    @Slot()
    def _deliver_finished(self) -> None:
        self._handle._mark_done()
        if self._on_finished is not None:
            self._guarded(self._on_finished)
        self.deleteLater()

    @staticmethod
    def _guarded(callback: Callable[..., object], *args: object) -> None:
        """Call a callback; an exception in it is logged, never raised into the event loop."""
        try:
            callback(*args)
        except Exception:
            log.exception("background task callback failed")


def run_in_background(
    fn: Callable[..., Any],
    *args: Any,
    on_result: Callable[[Any], object] | None = None,
    on_error: Callable[[BaseException], object] | None = None,
    on_finished: Callable[[], object] | None = None,
    pool: QThreadPool | None = None,
    **kwargs: Any,
) -> TaskHandle:
    """Start ``fn(*args, **kwargs)`` on ``pool`` (default: the global pool).

    Callbacks run on the GUI thread; without ``on_error`` an exception is logged. Returns a
    TaskHandle. Raises RuntimeError when there is no QCoreApplication or when called from a
    thread other than the application's (the callbacks would have no GUI thread to run on).
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("run_in_background needs a running QApplication")
    if QThread.currentThread() is not app.thread():
        raise RuntimeError("run_in_background must be called from the GUI thread")
    worker = Worker(fn, args, kwargs)
    handle = TaskHandle(worker.cancel_event)
    _Delivery(worker, handle, on_result, on_error, on_finished, parent=app)
    (pool or QThreadPool.globalInstance()).start(worker)
    return handle
