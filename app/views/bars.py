"""The row of controls above a page's table (filters, actions)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


def control_bar(parent: QWidget, *items: QWidget | int) -> QWidget:
    """A row of ``items`` (a number is that much space) flush left, without margins."""
    bar = QWidget(parent)
    row = QHBoxLayout(bar)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(8)
    for item in items:
        if isinstance(item, int):
            row.addSpacing(item)
        else:
            row.addWidget(item)
    row.addStretch(1)
    return bar


def buddy_label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    """A label for ``buddy`` whose ``&`` mnemonic moves the focus to it."""
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label
