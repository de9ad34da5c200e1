"""Type scale and muted colours derived from the system font and palette (never fixed)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette

TITLE_SCALE = 1.7
HEADING_SCALE = 1.3
SMALL_SCALE = 0.9


def scaled_font(base: QFont, factor: float, weight: QFont.Weight | None = None) -> QFont:
    """A copy of ``base`` scaled by ``factor``, optionally with another weight."""
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:  # pixel-sized system fonts
        font.setPixelSize(max(1, round(font.pixelSize() * factor)))
    if weight is not None:
        font.setWeight(weight)
    return font


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """Blend ``a`` toward ``b`` by ``amount`` (0 gives ``a``, 1 gives ``b``)."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def muted_text(palette: QPalette) -> QColor:
    """Secondary text: the text colour pulled toward the background, still readable."""
    return mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.38)
