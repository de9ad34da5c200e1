"""Keeping credentials' status fresh while the wallet is open, without ever blocking.

:class:`StatusRefresher` wakes up now and then (a random delay between ``tick_ms``
bounds, so a list host cannot tell when the wallet was unlocked from when its lists are
fetched), asks the wallet which credentials are due (each on its own jittered schedule,
see :mod:`core.credential_status`) and checks them. The three steps are split by thread:
reading what is due and writing the outcomes happen here on the GUI thread (they are
quick, and the vault is only ever used from one thread at a time); fetching and verifying
the lists runs on a pool thread through :func:`app.workers.run_in_background` and touches
no vault. That task is not counted as :attr:`WalletSession.busy` on purpose: it holds
no key, so the idle lock need not wait for a slow network.

While another task uses the vault on a worker (:attr:`WalletSession.busy`: an import, a
presentation, the log check) the vault is left alone: a look is put off, Refresh status
waits for it, and outcomes wait to be stored.

While the wallet is locked nothing runs: the timer stops, a running check is cancelled
(its result dropped) and the next one is planned only after the next unlock.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from app.session import WalletSession
from app.workers import TaskHandle, run_in_background
from core.credential_status import StatusOutcome, StatusSchedule, check_statuses
from core.did.web import Fetcher
from core.errors import TesseraError

log = logging.getLogger(__name__)
MINUTE_MS = 60_000
#: How soon to try again when the vault was busy (a refresh asked for, outcomes to store).
RETRY_BUSY_MS = 250
#: Bounds of the random wait between two looks at what is due.
DEFAULT_TICK_MS = (2 * MINUTE_MS, 10 * MINUTE_MS)


class StatusRefresher(QObject):
    """Runs due status checks in the background; :meth:`refresh_now` checks all.

    Signals: ``running_changed(bool)``; ``checked(outcomes, manual, announced)`` after
    outcomes were stored (``manual``: asked for by the person; ``announced``: a state
    changed, so ``session.changed`` already told every view to reload).
    """

    running_changed = Signal(bool)
    checked = Signal(object, bool, bool)

    def __init__(
        self,
        session: WalletSession,
        *,
        fetcher: Fetcher | None = None,
        schedule: StatusSchedule | None = None,
        tick_ms: tuple[int, int] = DEFAULT_TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.fetcher = fetcher
        self.schedule = schedule or StatusSchedule()
        self.tick_ms = tick_ms
        self._handle: TaskHandle | None = None
        self._waiting = False  # a Refresh status waits for the vault
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.tick)
        session.locked.connect(self._on_locked)
        session.unlocked.connect(self.arm)
        self.arm()

    @property
    def running(self) -> bool:
        """Whether a check is on its way (possibly cancelled, not finished yet)."""
        return self._handle is not None

    def arm(self) -> None:
        """Plan the next look at what is due, after a random wait (nothing while locked)."""
        if self.session.is_locked:
            return
        low, high = self.tick_ms
        wait = low + self.session.context.rng.random() * max(0, high - low)
        self.timer.start(int(wait))

    def tick(self) -> bool:
        """Check what is due now; returns whether a check started."""
        if self.session.is_locked:
            return False
        if self.running or self.session.busy:
            self.arm()
            return False
        return self._start(manual=False)

    def refresh_now(self) -> bool:
        """Check every credential now (Refresh status), or as soon as the vault is free;
        False when locked, already running or there is nothing to check."""
        if self.session.is_locked or self.running:
            return False
        if self.session.busy:
            if not self._waiting:
                self._waiting = True
                QTimer.singleShot(RETRY_BUSY_MS, self, self._retry)
            return True
        self.timer.stop()
        return self._start(manual=True)

    def _retry(self) -> None:
        self._waiting = False
        self.refresh_now()

    def _start(self, *, manual: bool) -> bool:
        """Plan the checks (all when ``manual``, else those due) and run them; when there
        are none, plan the next look instead. Returns whether a check started."""
        try:
            checks = self.session.wallet.statuses.plan(due_only=not manual)
        except TesseraError:
            log.warning("could not read which credentials to check", exc_info=True)
            checks = []
        if not checks:
            self.arm()
            return False
        clock, fetcher = self.session.context.clock, self.fetcher

        def work(cancel_event: threading.Event) -> list[StatusOutcome]:
            return check_statuses(checks, clock=clock, fetcher=fetcher, cancel_event=cancel_event)

        self._handle = run_in_background(
            work,
            on_result=lambda outcomes: self._store(outcomes, manual),
            on_error=self._failed,
            on_finished=self._finished,
        )
        self.running_changed.emit(True)
        return True

    def _store(self, outcomes: list[StatusOutcome], manual: bool) -> None:
        if self.session.is_locked:
            return
        if self.session.busy:  # a worker has the vault: store once it is done
            QTimer.singleShot(RETRY_BUSY_MS, self, lambda: self._store(outcomes, manual))
            return
        try:
            changes = self.session.wallet.record_credential_status(
                outcomes, rng=self.session.context.rng, schedule=self.schedule
            )
        except TesseraError:
            log.warning("could not store the status of credentials", exc_info=True)
            return
        if changes:  # the activity log has new entries: every view reloads
            self.session.changed.emit()
        self.checked.emit(outcomes, manual, bool(changes))

    def _failed(self, exc: BaseException) -> None:
        log.warning("the status check failed", exc_info=exc)

    def _finished(self) -> None:
        self._handle = None
        self.running_changed.emit(False)
        self.arm()

    def _on_locked(self) -> None:
        self.timer.stop()
        if self._handle is not None:
            self._handle.cancel()
