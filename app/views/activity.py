"""Activity: the signed timeline of everything received, shared and signed, under a
banner that says whether the log's signatures and links check out."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QWidget

from app.models.activity import ActivityColumn, ActivityTableModel
from app.session import WalletSession
from app.views.empty_state import EmptyState
from app.views.message import InlineMessage, Tone
from app.views.page import Page
from app.workers import TaskHandle
from core.encoding import parse_json_object
from core.errors import InvalidInput, LedgerBroken, TesseraError
from core.ledger import LOG_KIND, Entry, LedgerReport

log = logging.getLogger(__name__)

CHECKING = "Checking the activity log…"


def verified_text(report: LedgerReport) -> str:
    count = report.count
    noun = "entry is" if count == 1 else f"{count} entries are"
    every = "The" if count == 1 else "All"
    return (f"The log checks out. {every} {noun} signed by this wallet, "
            "and none was changed or removed.")


def broken_text(exc: BaseException) -> tuple[str, str]:
    """(sentence, details) for a log that did not verify."""
    if isinstance(exc, LedgerBroken):
        return (
            "This log was changed outside Tessera: an entry was altered or removed. "
            "Don't trust the history below.",
            f"Error code: {exc.code}. First bad entry: number {exc.seq}. {exc.message}",
        )
    if isinstance(exc, TesseraError):
        return (
            "Part of this log was changed on disk and can't be read. "
            "Don't trust the history below.",
            f"Error code: {exc.code}. {exc.message}",
        )
    return ("Tessera couldn't check this log.", f"Error code: internal. {type(exc).__name__}")


class ActivityPage(Page):
    """The activity log, newest first; empty until the wallet does something."""

    page_name = "activity"
    title = "Activity"
    icon_name = "activity"

    def __init__(self, session: WalletSession | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = ActivityTableModel(parent=self)
        self._task: TaskHandle | None = None

        self.banner = InlineMessage(self, banner=True)
        self.table = self.row_table(
            self.model, "activityTable", "Activity",
            elide=Qt.TextElideMode.ElideRight, row_padding=18,
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ActivityColumn.TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ActivityColumn.KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ActivityColumn.SUMMARY, QHeaderView.ResizeMode.Stretch)

        self.body.addWidget(self.banner)
        self.body.addWidget(self.table, 1)
        self.set_empty_state(
            EmptyState(
                "Nothing here yet",
                "Everything you receive, share or sign will be listed here, "
                "signed so no one can change it.",
                icon_name=self.icon_name,
            )
        )
        if session is not None:
            session.changed.connect(self.refresh)
            session.unlocked.connect(self.refresh)
            session.locked.connect(self.clear)
        self.refresh()

    @property
    def checking(self) -> bool:
        return self._task is not None

    def refresh(self) -> None:
        """Reload the entries and check the whole log again on a worker."""
        if self.session is None or self.session.is_locked:
            self.clear()
            return
        self.model.set_entries(self._readable_entries())
        has_rows = self.model.rowCount() > 0
        self.table.setVisible(has_rows)
        self.empty_state.setVisible(not has_rows)
        self._verify()

    def clear(self) -> None:
        """Drop everything shown (the wallet was locked)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.model.clear()
        self.banner.clear()
        self.table.setVisible(False)
        self.empty_state.setVisible(self.session is None)

    def _readable_entries(self) -> list[Entry]:
        """Every entry that can be read, even when some cannot (a damaged log still shows
        what is left; the banner says it cannot be trusted)."""
        assert self.session is not None
        wallet = self.session.wallet
        try:
            return wallet.ledger.entries()
        except TesseraError:
            log.info("the activity log has unreadable entries", exc_info=True)
        records, _damaged = wallet.vault.list_records(LOG_KIND)
        entries = []
        for record in records:
            try:
                entries.append(Entry.from_json(parse_json_object(record.data)))
            except InvalidInput:
                continue
        return entries

    def _verify(self) -> None:
        assert self.session is not None
        if self._task is not None:
            self._task.cancel()
        self.banner.show_message(CHECKING, Tone.INFO)
        try:
            ledger = self.session.wallet.ledger
        except TesseraError as exc:
            self._failed(exc)
            return
        task: TaskHandle | None = None

        def done() -> None:
            if self._task is task:
                self._task = None

        task = self.session.run(
            ledger.verify, on_result=self._verified, on_error=self._failed, on_finished=done
        )
        self._task = task

    def _verified(self, report: LedgerReport) -> None:
        self.banner.show_message(verified_text(report), Tone.SUCCESS)

    def _failed(self, exc: BaseException) -> None:
        sentence, details = broken_text(exc)
        self.banner.show_message(sentence, Tone.ERROR, details)
