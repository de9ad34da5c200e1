"""The empty state every page shows before it has content: icon, title, next step, actions."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.resources import render_svg
from app.views.typography import HEADING_SCALE, muted_text, scaled_font

TEXT_WIDTH = 440


def action_label(text: str) -> str:
    """A button text without mnemonic ampersands or a trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".… ")


def _centred(widget: QWidget) -> QHBoxLayout:
    """A row that centres a fixed-width widget.

    Wrapped labels must not be added with an alignment flag: the box layout would then ask
    their height for the full row width and clip the second line.
    """
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row


class EmptyState(QWidget):
    """Centred icon, title and a sentence saying what to do next, with a primary and a
    secondary button and, after them, ``more_actions`` buttons.

    ``action_requested(str)`` carries the clean label of the button pressed (see
    ``action_label``); the page decides what the action does.
    """

    action_requested = Signal(str)

    def __init__(
        self,
        title: str,
        text: str,
        icon_name: str | None = None,
        primary_action: str | None = None,
        secondary_action: str | None = None,
        icon_size: int = 40,
        parent: QWidget | None = None,
        *,
        more_actions: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self._icon_name = icon_name
        self._icon_size = icon_size

        self.icon_label = QLabel(self)
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon_label.setVisible(icon_name is not None)
        self.icon_label.setAccessibleName("")  # decorative

        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("emptyStateTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        self.title_label.setFixedWidth(TEXT_WIDTH)
        self.title_label.setFont(scaled_font(self.font(), HEADING_SCALE, QFont.Weight.DemiBold))

        self.text_label = QLabel(text, self)
        self.text_label.setObjectName("emptyStateText")
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label.setWordWrap(True)
        self.text_label.setFixedWidth(TEXT_WIDTH)  # wrapped labels need a width to size
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.primary_button = self._make_button(primary_action, primary=True)
        self.secondary_button = self._make_button(secondary_action, primary=False)
        self.more_buttons = [self._make_button(text, primary=False) for text in more_actions]

        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addStretch(1)
        for button in (self.primary_button, self.secondary_button, *self.more_buttons):
            if button is not None:
                buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(0)
        layout.addStretch(1)
        layout.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(20)
        layout.addLayout(_centred(self.title_label))
        layout.addSpacing(8)
        layout.addLayout(_centred(self.text_label))
        if self.primary_button or self.secondary_button or self.more_buttons:
            layout.addSpacing(24)
            layout.addLayout(buttons)
        layout.addStretch(1)

        self.setAccessibleName(title)
        self.setAccessibleDescription(text)
        self._apply_palette()

    @property
    def title(self) -> str:
        """The title text."""
        return self.title_label.text()

    @property
    def text(self) -> str:
        """The explanatory sentence."""
        return self.text_label.text()

    def _make_button(self, text: str | None, *, primary: bool) -> QPushButton | None:
        if text is None:
            return None
        button = QPushButton(text, self)
        button.setProperty("primary", primary)
        button.setAccessibleName(action_label(text))
        button.setDefault(primary)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        label = action_label(text)
        button.clicked.connect(lambda: self.action_requested.emit(label))
        return button

    def changeEvent(self, event: QEvent) -> None:
        """Re-tint icon and secondary text when the system palette changes."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        text_palette = self.text_label.palette()
        text_palette.setColor(QPalette.ColorRole.WindowText, muted_text(palette))
        self.text_label.setPalette(text_palette)
        if self._icon_name is not None:
            self.icon_label.setPixmap(self._badge(palette))

    def _badge(self, palette: QPalette) -> QPixmap:
        """The page icon in the accent colour on a soft round badge."""
        ratio = self.devicePixelRatioF()
        diameter = self._icon_size * 2
        accent = palette.color(QPalette.ColorRole.Highlight)
        pixmap = QPixmap(round(diameter * ratio), round(diameter * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        soft = QColor(accent)
        soft.setAlphaF(0.13)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(soft)
        painter.drawEllipse(QRectF(0, 0, diameter, diameter))
        icon = render_svg(f"icons/nav/{self._icon_name}.svg", self._icon_size, accent, ratio)
        offset = (diameter - self._icon_size) / 2
        painter.drawImage(QRectF(offset, offset, self._icon_size, self._icon_size), icon)
        painter.end()
        return pixmap
