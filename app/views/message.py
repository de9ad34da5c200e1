"""An inline message: one or two plain sentences, tinted by kind, with the technical
part (an error code) kept under a "Details" toggle."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.views.typography import SMALL_SCALE, mix, muted_text, scaled_font


class Tone(Enum):
    """What kind of news a message carries (its colour)."""

    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


# Semantic colours that read on light and dark backgrounds; INFO uses the palette accent.
_TONE_COLOURS = {Tone.SUCCESS: "#2e7d32", Tone.WARNING: "#b26a00", Tone.ERROR: "#c62828"}


def tone_colour(tone: Tone, palette: QPalette) -> QColor:
    """The accent colour of ``tone`` (INFO follows the system highlight)."""
    if tone is Tone.INFO:
        return palette.color(QPalette.ColorRole.Highlight)
    return QColor(_TONE_COLOURS[tone])


class InlineMessage(QFrame):
    """A tinted box with ``text`` and, when given, ``details`` behind a toggle.

    Hidden until :meth:`show_message` is called; :meth:`clear` hides it again.
    """

    def __init__(self, parent: QWidget | None = None, *, banner: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("inlineMessage")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(True)
        self.tone = Tone.INFO
        self._banner = banner

        self.text_label = QLabel(self)
        self.text_label.setObjectName("inlineMessageText")
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if banner:
            font = self.text_label.font()
            font.setWeight(font.Weight.DemiBold)
            self.text_label.setFont(font)

        self.details_button = QToolButton(self)
        self.details_button.setText("Details")
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName("Show details")
        self.details_button.setAutoRaise(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.details_button.toggled.connect(self._toggle_details)

        self.details_label = QLabel(self)
        self.details_label.setObjectName("inlineMessageDetails")
        self.details_label.setWordWrap(True)
        self.details_label.setFont(scaled_font(self.font(), SMALL_SCALE))
        self.details_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.details_label.hide()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(8)
        top.addWidget(self.text_label, 1)
        top.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        margin = 14 if banner else 10
        layout.setContentsMargins(margin, margin - 2, margin, margin - 2)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.details_label)
        self.hide()

    @property
    def text(self) -> str:
        return self.text_label.text()

    @property
    def details(self) -> str:
        return self.details_label.text()

    def show_message(self, text: str, tone: Tone = Tone.INFO, details: str = "") -> None:
        """Show ``text``; ``details`` (if any) appear when the user asks for them."""
        self.tone = tone
        self.text_label.setText(text)
        self.details_label.setText(details)
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(False)
        self.details_label.hide()
        self.setAccessibleName(text)
        self._apply_tone()
        self.show()

    def clear(self) -> None:
        self.text_label.clear()
        self.details_label.clear()
        self.hide()

    def _toggle_details(self, shown: bool) -> None:
        self.details_label.setVisible(shown)
        self.details_button.setAccessibleName("Hide details" if shown else "Show details")

    def _apply_tone(self) -> None:
        # The application palette, not this widget's: the style sheet below writes its
        # background into the widget palette, and mixing from that would darken the box
        # a little more on every message.
        palette = QApplication.palette(self)
        accent = tone_colour(self.tone, palette)
        base = palette.color(QPalette.ColorRole.Base)
        palette.setColor(QPalette.ColorRole.Window, mix(base, accent, 0.12))
        text = palette.color(QPalette.ColorRole.Text)
        palette.setColor(QPalette.ColorRole.WindowText, mix(text, accent, 0.55))
        self.setPalette(palette)
        details_palette = self.details_label.palette()
        details_palette.setColor(QPalette.ColorRole.WindowText, muted_text(palette))
        self.details_label.setPalette(details_palette)
        self.setStyleSheet(
            f"#inlineMessage {{ border: 1px solid {mix(base, accent, 0.45).name()};"
            f" border-radius: 8px; background: {mix(base, accent, 0.10).name()}; }}"
        )
