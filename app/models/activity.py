"""The activity log as a table: newest entry first."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.formatting import local_time, log_kind
from core.ledger import Entry

_Index = QModelIndex | QPersistentModelIndex


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


class ActivityTableModel(QAbstractTableModel):
    """Log entries, newest first. :meth:`set_entries` takes them in log order."""

    def __init__(self, locale: QLocale | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Entry] = []
        self._locale = locale or QLocale()

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self._rows = sorted(entries, key=lambda entry: entry.seq, reverse=True)
        self.endResetModel()

    def clear(self) -> None:
        self.set_entries([])

    def entry(self, row: int) -> Entry:
        """Raises IndexError for a row that is not there."""
        if not 0 <= row < len(self._rows):
            raise IndexError(row)
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ActivityColumn)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        entry = self._rows[index.row()]
        column = ActivityColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == ActivityColumn.TIME:
                return local_time(entry.time, self._locale)
            if column == ActivityColumn.KIND:
                return log_kind(entry.kind)
            return entry.summary
        if role == Qt.ItemDataRole.ToolTipRole and column == ActivityColumn.SUMMARY:
            return entry.summary
        raw = {
            ActivityRole.SEQ: entry.seq,
            ActivityRole.TIME: entry.time,
            ActivityRole.KIND: entry.kind,
            ActivityRole.SUMMARY: entry.summary,
            ActivityRole.DETAILS: dict(entry.details),
        }
        return raw.get(role)  # type: ignore[call-overload]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(ActivityColumn)
        ):
            return HEADERS[ActivityColumn(section)]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({int(role): role.name.lower().encode() for role in ActivityRole})
        return names
