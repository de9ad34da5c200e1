"""The identities table: one row per DID, oldest first."""

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

from app.formatting import key_type, local_time, method_name
from core.identity import Identity

UNNAMED = "Unnamed"
_Index = QModelIndex | QPersistentModelIndex


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


class IdentityTableModel(QAbstractTableModel):
    """Identities for a table view; :meth:`set_identities` replaces them all, :meth:`clear`
    drops them (on lock)."""

    def __init__(self, locale: QLocale | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Identity] = []
        self._locale = locale or QLocale()

    def set_identities(self, identities: list[Identity]) -> None:
        self.beginResetModel()
        self._rows = list(identities)
        self.endResetModel()

    def clear(self) -> None:
        self.set_identities([])

    def identity(self, row: int) -> Identity:
        """Raises IndexError for a row that is not there."""
        if not 0 <= row < len(self._rows):
            raise IndexError(row)
        return self._rows[row]

    def row_of(self, did: str) -> int:
        """The row showing ``did``, or -1."""
        return next((i for i, identity in enumerate(self._rows) if identity.did == did), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(IdentityColumn)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        identity = self._rows[index.row()]
        column = IdentityColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(identity, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == IdentityColumn.DID:
            return identity.did
        raw = {
            IdentityRole.DID: identity.did,
            IdentityRole.LABEL: identity.label,
            IdentityRole.METHOD: identity.method,
            IdentityRole.ALG: identity.alg,
            IdentityRole.CREATED: identity.created_at,
            IdentityRole.INDEX: identity.index,
        }
        return raw.get(role)  # type: ignore[call-overload]

    def _display(self, identity: Identity, column: IdentityColumn) -> str:
        if column == IdentityColumn.NAME:
            return identity.label or UNNAMED
        if column == IdentityColumn.DID:
            return identity.did  # the view elides the middle
        if column == IdentityColumn.KIND:
            return f"{method_name(identity.method)} · {key_type(identity.alg)}"
        return local_time(identity.created_at, self._locale)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(IdentityColumn)
        ):
            return HEADERS[IdentityColumn(section)]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({int(role): role.name.lower().encode() for role in IdentityRole})
        return names
