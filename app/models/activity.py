"""The activity log as a table: newest entry first, filtered by kind and by date."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, QObject, Qt, QTime

from app.formatting import DAY, local_time, log_kind
from app.models.rows import RowsTableModel
from core.ledger import Entry

ALL_KINDS = "All"
RECEIVED = "Credentials received"
SHARED = "Shared (presentations)"
PAYMENTS = "Payments and signatures"
CONSENTS = "Consents"
IDENTITIES = "Identities"
WALLET = "Wallet and security"
#: The kind filter's choices, in order; "All" also shows kinds no group names.
KIND_FILTERS = (ALL_KINDS, RECEIVED, SHARED, PAYMENTS, CONSENTS, IDENTITIES, WALLET)
_GROUPS = (  # the first match wins: a presentation is not a credential received
    (SHARED, ("credential.presented",)),
    (RECEIVED, ("credential.",)),
    (PAYMENTS, ("payment.", "transaction.")),
    (CONSENTS, ("consent.",)),
    (IDENTITIES, ("identity.",)),
    (WALLET, ("wallet.", "backup.", "device.", "passphrase.")),
)

#: The date filter's choices: (label, days back; 0 is since midnight, None is any time).
DATE_FILTERS: tuple[tuple[str, int | None], ...] = (
    ("Any time", None),
    ("Today", 0),
    ("Last 7 days", 7),
    ("Last 30 days", 30),
)


def kind_group(kind: str) -> str | None:
    """The kind filter an entry's kind belongs to ("payment.approved" → payments); None
    for a kind of no group (shown under "All" only). Credential deletions and status
    changes count with the credentials received."""
    return next(
        (group for group, starts in _GROUPS if any(kind.startswith(s) for s in starts)), None
    )


def earliest(days: int | None, now: float) -> float | None:
    """The oldest time a date filter shows at ``now``: local midnight for ``days`` 0,
    ``days`` times 24 hours back otherwise; None (any time) for None."""
    if days is None:
        return None
    if days == 0:
        today = QDateTime.fromMSecsSinceEpoch(round(now * 1000)).toLocalTime().date()
        return QDateTime(today, QTime(0, 0)).toSecsSinceEpoch()
    return now - days * DAY


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
    ActivityColumn.SUMMARY: "Summary",
}


class ActivityTableModel(RowsTableModel[Entry]):
    """Log entries, newest first: those that pass the filter (:meth:`set_filter`) of all
    given to :meth:`set_entries`."""

    roles = ActivityRole
    columns = ActivityColumn
    headers = HEADERS

    def __init__(self, locale: QLocale | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._locale = locale or QLocale()
        self._all: list[Entry] = []
        self._group: str | None = None
        self._since: float | None = None

    def set_entries(self, entries: list[Entry]) -> None:
        self._all = sorted(entries, key=lambda entry: entry.seq, reverse=True)
        self._show()

    def set_filter(self, group: str | None = None, since: float | None = None) -> None:
        """Show entries of one of :data:`KIND_FILTERS` (None or "All": every kind) made
        at or after ``since`` (None: any time)."""
        self._group = None if group == ALL_KINDS else group
        self._since = since
        self._show()

    @property
    def total(self) -> int:
        """How many entries there are, shown or not."""
        return len(self._all)

    def clear(self) -> None:
        self._all = []
        super().clear()

    def row_of(self, seq: int) -> int:
        """The row of the entry numbered ``seq``, or -1 when it is not shown."""
        return self._find(lambda entry: entry.seq == seq)

    def _show(self) -> None:
        self._set_rows([entry for entry in self._all if self._passes(entry)])

    def _passes(self, entry: Entry) -> bool:
        if self._group is not None and kind_group(entry.kind) != self._group:
            return False
        return self._since is None or entry.time >= self._since

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
