"""A passphrase strength meter: five segments, a one-word verdict and a hint."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.strength import MIN_SCORE, Strength
from app.views.message import Tone, tone_colour
from app.views.typography import SMALL_SCALE, mix, muted_text, scaled_font

SEGMENTS = 5  # one per score, 0 (very weak) to 4 (strong)


class _Bar(QWidget):
    """``score`` filled segments out of five."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score = 0
        self.colour = QColor()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(200, 6)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        gap = 6.0
        width = (self.width() - gap * (SEGMENTS - 1)) / SEGMENTS
        empty = mix(self.palette().color(QPalette.ColorRole.Base),
                    self.palette().color(QPalette.ColorRole.Text), 0.14)
        for i in range(SEGMENTS):
            painter.setBrush(self.colour if i < self.score else empty)
            painter.drawRoundedRect(QRectF(i * (width + gap), 0, width, self.height()), 3, 3)
        painter.end()


class StrengthMeter(QWidget):
    """Shows a :class:`~app.strength.Strength`; blank until the first :meth:`show_strength`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = _Bar(self)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("strengthVerdict")
        self.verdict.setMinimumWidth(self.fontMetrics().horizontalAdvance("Very weak") + 8)
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.hint = QLabel(self)
        self.hint.setObjectName("strengthHint")
        self.hint.setWordWrap(True)
        self.hint.setFont(scaled_font(self.font(), SMALL_SCALE))
        hint_palette = self.hint.palette()
        hint_palette.setColor(QPalette.ColorRole.WindowText, muted_text(self.palette()))
        self.hint.setPalette(hint_palette)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addWidget(self.bar, 1, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.verdict)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self.strength: Strength | None = None

    def show_strength(self, strength: Strength) -> None:
        self.strength = strength
        if strength.score >= MIN_SCORE:
            tone = Tone.SUCCESS
        elif strength.score == MIN_SCORE - 1:
            tone = Tone.WARNING
        else:
            tone = Tone.ERROR
        colour = tone_colour(tone, self.palette())
        self.bar.score = strength.score + 1 if strength.label else 0
        self.bar.score = min(self.bar.score, SEGMENTS)
        self.bar.colour = colour
        self.bar.update()
        self.verdict.setText(strength.label)
        verdict_palette = self.verdict.palette()
        verdict_palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.verdict.setPalette(verdict_palette)
        self.hint.setText(strength.hint)
        self.setAccessibleDescription(f"Strength: {strength.label}. {strength.hint}")
