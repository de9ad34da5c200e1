"""run_in_background: work off the GUI thread, outcome back on it, errors and cancellation."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool

from app.workers import TaskHandle, run_in_background

MAIN = threading.main_thread().ident


class Recorder:
    """Collects callback calls with the thread each ran on."""

    def __init__(self) -> None:
        self.results: list[object] = []
        self.errors: list[BaseException] = []
        self.finished = 0
        self.callback_threads: set[int | None] = set()

    def on_result(self, value: object) -> None:
        self.callback_threads.add(threading.get_ident())
        self.results.append(value)

    def on_error(self, exc: BaseException) -> None:
        self.callback_threads.add(threading.get_ident())
        self.errors.append(exc)

    def on_finished(self) -> None:
        self.callback_threads.add(threading.get_ident())
        self.finished += 1

    def callbacks(self) -> dict[str, object]:
        return {
            "on_result": self.on_result,
            "on_error": self.on_error,
            "on_finished": self.on_finished,
        }


@pytest.fixture
def pool(qapp) -> Iterator[QThreadPool]:
    pool = QThreadPool()
    pool.setMaxThreadCount(2)
    yield pool
    pool.waitForDone(5000)


def wait_done(qtbot, handle: TaskHandle) -> None:
    qtbot.waitUntil(lambda: handle.done, timeout=5000)


def test_work_runs_off_the_gui_thread_and_result_arrives_on_it(qtbot, pool) -> None:
    rec = Recorder()
    ran_on: list[int] = []

    def work(a: int, b: int, *, scale: int) -> int:
        ran_on.append(threading.get_ident())
        return (a + b) * scale

    handle = run_in_background(work, 2, 3, scale=10, pool=pool, **rec.callbacks())
    wait_done(qtbot, handle)
    assert ran_on and ran_on[0] != MAIN
    assert rec.results == [50]
    assert rec.errors == []
    assert rec.finished == 1
    assert rec.callback_threads == {MAIN}


def test_exception_arrives_at_on_error_as_the_object(qtbot, pool) -> None:
    rec = Recorder()
    boom = LookupError("no such credential")

    def work() -> None:
        raise boom

    handle = run_in_background(work, pool=pool, **rec.callbacks())
    wait_done(qtbot, handle)
    assert rec.errors == [boom]
    assert rec.errors[0] is boom
    assert rec.results == []
    assert rec.finished == 1
    assert rec.callback_threads == {MAIN}


def test_exception_without_on_error_is_logged_not_raised(qtbot, pool, caplog) -> None:
    def work() -> None:
        raise RuntimeError("disk on fire")

    with caplog.at_level(logging.ERROR, logger="app.workers"):
        handle = run_in_background(work, pool=pool)
        wait_done(qtbot, handle)
    assert any("background task failed" in r.message for r in caplog.records)
    assert any(r.exc_info and "disk on fire" in str(r.exc_info[1]) for r in caplog.records)


def test_exception_in_a_callback_is_logged_not_raised(qtbot, pool, caplog) -> None:
    def bad_callback(value: object) -> None:
        raise ValueError(f"cannot show {value}")

    with caplog.at_level(logging.ERROR, logger="app.workers"):
        handle = run_in_background(lambda: 7, pool=pool, on_result=bad_callback)
        wait_done(qtbot, handle)
    assert any("callback failed" in r.message for r in caplog.records)


def test_cancel_event_is_passed_and_cancel_drops_the_result(qtbot, pool) -> None:
    rec = Recorder()
    started = threading.Event()
    saw: list[bool] = []

    def work(cancel_event: threading.Event) -> str:
        started.set()
        saw.append(cancel_event.wait(timeout=5))
        return "late result"

    handle = run_in_background(work, pool=pool, **rec.callbacks())
    assert started.wait(timeout=5)
    assert not handle.cancelled
    handle.cancel()
    assert handle.cancelled
    wait_done(qtbot, handle)
    assert saw == [True]  # the function saw the cancellation, it did not time out
    assert rec.results == [] and rec.errors == []
    assert rec.finished == 1


def test_task_cancelled_before_it_starts_never_runs(qtbot) -> None:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    release = threading.Event()
    calls: list[str] = []
    blocker = run_in_background(release.wait, 5, pool=pool)
    queued = run_in_background(lambda: calls.append("ran"), pool=pool)
    queued.cancel()
    release.set()
    wait_done(qtbot, blocker)
    wait_done(qtbot, queued)
    pool.waitForDone(5000)
    assert calls == []


def test_function_without_cancel_event_is_called_plainly(qtbot, pool) -> None:
    rec = Recorder()
    handle = run_in_background(sorted, [3, 1, 2], pool=pool, **rec.callbacks())
    wait_done(qtbot, handle)
    assert rec.results == [[1, 2, 3]]


def test_many_tasks_each_report_once(qtbot, pool) -> None:
    rec = Recorder()

    def square(n: int) -> int:
        time.sleep(0.001)
        return n * n

    handles = [run_in_background(square, n, pool=pool, **rec.callbacks()) for n in range(20)]
    qtbot.waitUntil(lambda: all(h.done for h in handles), timeout=10000)
    assert sorted(rec.results) == [n * n for n in range(20)]  # type: ignore[type-var]
    assert rec.finished == 20


def test_calling_from_another_thread_raises(qapp) -> None:
    caught: list[BaseException] = []

    def from_worker_thread() -> None:
        try:
            run_in_background(lambda: None)
        except RuntimeError as exc:
            caught.append(exc)

    thread = threading.Thread(target=from_worker_thread)
    thread.start()
    thread.join(timeout=5)
    assert len(caught) == 1
    assert "GUI thread" in str(caught[0])
