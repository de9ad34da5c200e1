"""A tree view for a credential's claims: label, value, and how the claim is shared (in
muted, smaller type, so the values stay what the eye reads first)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from app.models.claims import ClaimColumn, ClaimTreeModel
from app.views.typography import SMALL_SCALE, muted_text, scaled_font

_Index = QModelIndex | QPersistentModelIndex


class _SharingDelegate(QStyledItemDelegate):
    """Draws the "how it is shared" column muted and small."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        super().initStyleOption(option, index)
        if index.column() == ClaimColumn.SHARING:
            option.font = scaled_font(option.font, SMALL_SCALE)  # type: ignore[attr-defined]
            palette = QPalette(option.palette)  # type: ignore[attr-defined]
            palette.setColor(QPalette.ColorRole.Text, muted_text(palette))
            option.palette = palette  # type: ignore[attr-defined]


class ClaimTreeView(QTreeView):
    """Shows a :class:`ClaimTreeModel` fully expanded; keyboard-navigable, read-only."""

    def __init__(self, model: ClaimTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claimTree")
        self.setAccessibleName("Claims")
        self.setModel(model)
        self.setItemDelegate(_SharingDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAllColumnsShowFocus(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setIndentation(18)
        self.setWordWrap(False)
        header = self.header()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(ClaimColumn.CLAIM, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ClaimColumn.VALUE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ClaimColumn.SHARING, QHeaderView.ResizeMode.ResizeToContents)
        self.expandAll()
        model.modelReset.connect(self.expandAll)

    def showEvent(self, event: QShowEvent) -> None:
        # Rows laid out by expandAll() before the style sheet polished the view keep
        # their unpadded height; lay them out again now that it has.
        super().showEvent(event)
        self.doItemsLayout()
