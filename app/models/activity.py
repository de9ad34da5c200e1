"""The activity log as a table: newest entry first."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QLocale, QObject, Qt

from app.formatting import local_time, log_kind
from app.models.rows import RowsTableModel
from core.ledger import Entry


class ActivityRole(IntEnum):
    """Raw values of a row, the same in every column."""

    SEQ = Qt.ItemDataRole.UserRole + 1
    TIME = Qt.ItemDataRole.UserRole + 2
    KIND = Qt.ItemDataRole.UserRole + 3
    SUMMARY = Qt.ItemDataRole.UserRole + 4
    DETAILS = Qt.ItemDataRole.UserRole + 5


class ActivityColumn(IntEnum):
    TIME = 0
    KIND = 1
    SUMMARY = 2


HEADERS = {
    ActivityColumn.TIME: "When",
    ActivityColumn.KIND: "What",
    ActivityColumn.SUMMARY: "Details",
}


class ActivityTableModel(RowsTableModel[Entry]):
    """Log entries, newest first. :meth:`set_entries` takes them in log order."""

    roles = ActivityRole
    columns = ActivityColumn
    headers = HEADERS

    def __init__(self, locale: QLocale | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._locale = locale or QLocale()

    def set_entries(self, entries: list[Entry]) -> None:
        self._set_rows(sorted(entries, key=lambda entry: entry.seq, reverse=True))

    def entry(self, row: int) -> Entry:
        """Raises IndexError for a row that is not there."""
        return self._at(row)

    def _shown(self, entry: Entry, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == ActivityColumn.TIME:
                return local_time(entry.time, self._locale)
            if column == ActivityColumn.KIND:
                return log_kind(entry.kind)
            return entry.summary
        if role == Qt.ItemDataRole.ToolTipRole and column == ActivityColumn.SUMMARY:
            return entry.summary
        return None

    def _raw(self, entry: Entry) -> dict[int, Any]:
        return {
            ActivityRole.SEQ: entry.seq,
            ActivityRole.TIME: entry.time,
            ActivityRole.KIND: entry.kind,
            ActivityRole.SUMMARY: entry.summary,
            ActivityRole.DETAILS: dict(entry.details),
        }
