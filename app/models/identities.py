"""The identities table: one row per DID, oldest first."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QLocale, QObject, Qt

from app.formatting import key_type, local_time, method_name
from app.models.rows import RowsTableModel
from core.identity import Identity

UNNAMED = "Unnamed"


class IdentityRole(IntEnum):
    """Raw values of a row, the same in every column."""

    DID = Qt.ItemDataRole.UserRole + 1
    LABEL = Qt.ItemDataRole.UserRole + 2
    METHOD = Qt.ItemDataRole.UserRole + 3
    ALG = Qt.ItemDataRole.UserRole + 4
    CREATED = Qt.ItemDataRole.UserRole + 5
    INDEX = Qt.ItemDataRole.UserRole + 6


class IdentityColumn(IntEnum):
    NAME = 0
    DID = 1
    KIND = 2
    CREATED = 3


HEADERS = {
    IdentityColumn.NAME: "Name",
    IdentityColumn.DID: "Identifier (DID)",
    IdentityColumn.KIND: "Type",
    IdentityColumn.CREATED: "Created",
}


class IdentityTableModel(RowsTableModel[Identity]):
    """Identities for a table view; :meth:`set_identities` replaces them all, :meth:`clear`
    drops them (on lock)."""

    roles = IdentityRole
    columns = IdentityColumn
    headers = HEADERS

    def __init__(self, locale: QLocale | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._locale = locale or QLocale()

    def set_identities(self, identities: list[Identity]) -> None:
        self._set_rows(identities)

    def identity(self, row: int) -> Identity:
        """Raises IndexError for a row that is not there."""
        return self._at(row)

    def row_of(self, did: str) -> int:
        """The row showing ``did``, or -1."""
        return self._find(lambda identity: identity.did == did)

    def _shown(self, identity: Identity, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(identity, IdentityColumn(column))
        if role == Qt.ItemDataRole.ToolTipRole and column == IdentityColumn.DID:
            return identity.did
        return None

    def _raw(self, identity: Identity) -> dict[int, Any]:
        return {
            IdentityRole.DID: identity.did,
            IdentityRole.LABEL: identity.label,
            IdentityRole.METHOD: identity.method,
            IdentityRole.ALG: identity.alg,
            IdentityRole.CREATED: identity.created_at,
            IdentityRole.INDEX: identity.index,
        }

    def _display(self, identity: Identity, column: IdentityColumn) -> str:
        if column == IdentityColumn.NAME:
            return identity.label or UNNAMED
        if column == IdentityColumn.DID:
            return identity.did  # the view elides the middle
        if column == IdentityColumn.KIND:
            return f"{method_name(identity.method)} · {key_type(identity.alg)}"
        return local_time(identity.created_at, self._locale)
