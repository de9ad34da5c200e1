"""What the flat models share: a list of rows replaced all at once, read-only, selectable.

A subclass names its row type, its roles and (for a table) its columns and headers, and
says what a row shows (:meth:`_shown`) and its raw values (:meth:`_raw`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


def header_text(
    headers: Mapping[IntEnum, str], columns: type[IntEnum], section: int,
    orientation: Qt.Orientation, role: int,
) -> str | None:
    """The horizontal header of ``section`` for ``headerData``, or None."""
    if (
        orientation == Qt.Orientation.Horizontal
        and role == Qt.ItemDataRole.DisplayRole
        and 0 <= section < len(columns)
    ):
        return headers[columns(section)]
    return None


def role_names(names: Mapping[int, bytes], roles: Iterable[IntEnum]) -> dict[int, bytes]:
    """Qt's role names plus ``roles``, each by its lower-case name."""
    return {**names, **{int(role): role.name.lower().encode() for role in roles}}


class _Rows(Generic[T]):
    """The part shared by :class:`RowsListModel` and :class:`RowsTableModel`; mixed in
    before the Qt base class."""

    roles: ClassVar[type[IntEnum]]
    _rows: list[T]

    def _set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()  # type: ignore[attr-defined]
        self._rows = list(rows)
        self.endResetModel()  # type: ignore[attr-defined]

    def clear(self) -> None:
        self._set_rows([])

    def _at(self, row: int) -> T:
        """Raises IndexError for a row that is not there."""
        if not 0 <= row < len(self._rows):
            raise IndexError(row)
        return self._rows[row]

    def _find(self, wanted: Callable[[T], bool]) -> int:
        """The first row where ``wanted`` holds, or -1."""
        return next((i for i, item in enumerate(self._rows) if wanted(item)), -1)

    def _shown(self, item: T, column: int, role: int) -> Any:
        """What ``item`` shows in ``column`` for a Qt role; None leaves it to :meth:`_raw`."""
        raise NotImplementedError

    def _raw(self, item: T) -> Mapping[int, Any]:
        """The raw value of ``item`` per custom role."""
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        shown = self._shown(item, index.column(), role)
        return shown if shown is not None else self._raw(item).get(role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def roleNames(self) -> dict[int, bytes]:
        return role_names(super().roleNames(), self.roles)  # type: ignore[misc]


class RowsListModel(_Rows[T], QAbstractListModel):
    """A list of ``T``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []


class RowsTableModel(_Rows[T], QAbstractTableModel):
    """A table of ``T``, one per row, with ``columns`` titled by ``headers``."""

    columns: ClassVar[type[IntEnum]]
    headers: ClassVar[Mapping[IntEnum, str]]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return header_text(self.headers, self.columns, section, orientation, role)
