"""Read-only text that wraps anywhere and grows to fit: for values with no spaces to
wrap at (payee ids, hashes, base64url) that must never be clipped and stay selectable."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QResizeEvent, QTextOption
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextEdit, QWidget


class WrappedText(QTextEdit):
    """``text`` as plain text, as tall as it needs at the current width, or at most
    ``max_lines`` lines with a scroll bar beyond that (long bodies)."""

    def __init__(
        self,
        text: str,
        parent: QWidget | None = None,
        *,
        font: QFont | None = None,
        max_lines: int | None = None,
        accessible_name: str = "",
    ) -> None:
        super().__init__(parent)
        self._max_lines = max_lines
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if max_lines is None:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setFrameShape(QFrame.Shape.NoFrame)
            self.viewport().setAutoFillBackground(False)
            self.setStyleSheet("QTextEdit { background: transparent; border: none; }")
            self.document().setDocumentMargin(0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if font is not None:
            self.setFont(font)
        if accessible_name:
            self.setAccessibleName(accessible_name)
        self.setPlainText(text)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def set_text_colour(self, colour: QColor) -> None:
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Text, colour)
        self.setPalette(palette)

    def _fit(self, *_args: object) -> None:
        self.document().setTextWidth(self.viewport().width())
        height = math.ceil(self.document().size().height())
        if self._max_lines is not None:
            margin = round(self.document().documentMargin())
            height = min(height, self._max_lines * self.fontMetrics().lineSpacing() + 2 * margin)
        height += 2 * self.frameWidth()
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(max(height, self.fontMetrics().lineSpacing()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()
