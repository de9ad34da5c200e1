"""A credential drawn as a card: the issuer's initial and name, the credential type, the
holder's main claim, a validity badge with the expiry beside it, and a status badge
(revoked, suspended, ...) with when it was last checked."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.credential_text import Validity
from app.models.credentials import CardRole
from app.status_text import StatusTone
from app.views.message import Tone, tone_colour
from app.views.typography import SMALL_SCALE, mix, muted_text, scaled_font

MIN_CARD_WIDTH = 250
MAX_CARD_WIDTH = 340
SPACING = 16
PADDING = 18
BADGE = 36
RADIUS = 12.0
_Index = QModelIndex | QPersistentModelIndex

VALIDITY_TONES = {
    Validity.VALID: Tone.SUCCESS,
    Validity.EXPIRING: Tone.WARNING,
    Validity.EXPIRED: Tone.ERROR,
    Validity.NOT_YET_VALID: Tone.WARNING,
}
STATUS_TONES = {
    StatusTone.SUCCESS: Tone.SUCCESS,
    StatusTone.WARNING: Tone.WARNING,
    StatusTone.ERROR: Tone.ERROR,
}
ROW_GAP = 8


def initial_colour(issuer_id: str) -> QColor:
    """A calm colour that is always the same for one issuer."""
    hue = hashlib.sha256(issuer_id.encode("utf-8")).digest()[0] * 360 // 256
    return QColor.fromHsl(hue, 110, 105)


class CardFonts:
    """The three text styles of a card, from the view's font."""

    def __init__(self, base: QFont) -> None:
        self.small = scaled_font(base, SMALL_SCALE)
        self.type = scaled_font(base, 1.15, QFont.Weight.DemiBold)
        self.claim = QFont(base)
        self.badge = scaled_font(base, SMALL_SCALE, QFont.Weight.DemiBold)
        self.initial = scaled_font(base, 1.2, QFont.Weight.Bold)


def card_size(base: QFont, width: int = MIN_CARD_WIDTH) -> QSize:
    """The size of every card: room for the badge row, two lines, the validity row and
    the status row."""
    fonts = CardFonts(base)
    height = (
        PADDING + BADGE + 14
        + QFontMetrics(fonts.type).height() + 4
        + QFontMetrics(fonts.claim).height() + 16
        + QFontMetrics(fonts.badge).height() + 8
        + ROW_GAP + QFontMetrics(fonts.small).height()
        + PADDING
    )
    return QSize(width, height)


class CardDelegate(QStyledItemDelegate):
    """Paints :class:`~app.models.credentials.CredentialListModel` rows as cards
    ``card_width`` wide (the grid sets it)."""

    card_width = MIN_CARD_WIDTH

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        # A whole grid cell: the card, then the gap to the next one on its right and below,
        # so the first column lines up with the page's left edge.
        size = card_size(option.font, self.card_width)  # type: ignore[attr-defined]
        return size + QSize(SPACING, SPACING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect: QRect = option.rect.adjusted(0, 0, -SPACING, -SPACING)  # type: ignore[attr-defined]
        palette: QPalette = option.palette  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        fonts = CardFonts(option.font)  # type: ignore[attr-defined]
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        focused = bool(state & QStyle.StateFlag.State_HasFocus)

        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        accent = palette.color(QPalette.ColorRole.Highlight)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        frame = QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5)
        outline = QPainterPath()
        outline.addRoundedRect(frame, RADIUS, RADIUS)
        fill = mix(base, accent, 0.07) if selected else mix(base, text, 0.025)
        border = accent if selected or hovered else mix(base, text, 0.16)
        painter.fillPath(outline, fill)
        painter.setPen(QPen(border, 2.0 if selected else 1.0))
        painter.drawPath(outline)
        if focused and not selected:
            painter.setPen(QPen(mix(base, accent, 0.6), 2.0, Qt.PenStyle.DotLine))
            painter.drawPath(outline)

        left = rect.left() + PADDING
        width = rect.width() - 2 * PADDING
        top = rect.top() + PADDING

        # Issuer: initial badge and name.
        badge = QRectF(left, top, BADGE, BADGE)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(initial_colour(str(index.data(CardRole.ISSUER_ID) or "")))
        painter.drawEllipse(badge)
        painter.setFont(fonts.initial)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(index.data(CardRole.INITIAL)))
        # Status badge (valid, revoked, suspended, ...) in the top right corner.
        room = width - BADGE - 12
        label = str(index.data(CardRole.STATUS_LABEL) or "")
        if label:
            tone = index.data(CardRole.STATUS_TONE)
            colour = (tone_colour(STATUS_TONES[tone], palette) if tone in STATUS_TONES
                      else muted_text(palette))
            pill_width = self._pill_width(fonts.badge, label)
            pill_top = top + (BADGE - QFontMetrics(fonts.badge).height() - 8) // 2
            self._pill(painter, left + width - pill_width, pill_top, fonts.badge, palette,
                       label, colour)
            room -= pill_width + 8
        issuer_rect = QRect(left + BADGE + 12, top, room, BADGE)
        self._text(painter, issuer_rect, fonts.small, muted_text(palette),
                   str(index.data(CardRole.ISSUER) or ""))

        # Type and main claim.
        y = top + BADGE + 14
        type_height = QFontMetrics(fonts.type).height()
        self._text(painter, QRect(left, y, width, type_height), fonts.type, text,
                   str(index.data(CardRole.TYPE) or ""))
        y += type_height + 4
        claim_height = QFontMetrics(fonts.claim).height()
        claim = str(index.data(CardRole.MAIN_CLAIM) or "")
        self._text(painter, QRect(left, y, width, claim_height), fonts.claim,
                   text if claim else muted_text(palette), claim or "No name on this credential")

        # Validity badge and expiry.
        y += claim_height + 16
        status = index.data(CardRole.VALIDITY)
        validity = status if isinstance(status, Validity) else Validity.VALID
        pill = self._pill(painter, left, y, fonts.badge, palette, validity.value,
                          tone_colour(VALIDITY_TONES[validity], palette))
        self._note(painter, pill, left + width, fonts.small, palette,
                   str(index.data(CardRole.EXPIRY_NOTE) or ""))

        # When the status was last checked (or that it could not be), the whole width.
        note = QRect(left, int(pill.bottom()) + ROW_GAP, width, QFontMetrics(fonts.small).height())
        self._text(painter, note, fonts.small, muted_text(palette),
                   str(index.data(CardRole.STATUS_NOTE) or ""))
        painter.restore()

    def _note(self, painter: QPainter, pill: QRectF, right: int, font: QFont,
              palette: QPalette, text: str) -> None:
        """The small muted text beside a badge."""
        rect = QRect(int(pill.right()) + 10, int(pill.top()),
                     right - int(pill.right()) - 10, int(pill.height()))
        self._text(painter, rect, font, muted_text(palette), text)

    @staticmethod
    def _text(painter: QPainter, rect: QRect, font: QFont, colour: QColor, text: str) -> None:
        painter.setFont(font)
        painter.setPen(colour)
        shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)

    @staticmethod
    def _pill_width(font: QFont, label: str) -> int:
        return QFontMetrics(font).horizontalAdvance(label) + 22

    def _pill(
        self, painter: QPainter, left: int, top: int, font: QFont, palette: QPalette,
        label: str, tone: QColor,
    ) -> QRectF:
        base = palette.color(QPalette.ColorRole.Base)
        metrics = QFontMetrics(font)
        pill = QRectF(left, top, self._pill_width(font, label), metrics.height() + 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(mix(base, tone, 0.15))
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setFont(font)
        painter.setPen(mix(palette.color(QPalette.ColorRole.Text), tone, 0.8))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        return pill

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> None:  # type: ignore[override]
        return None  # cards are not edited in place


class CardGrid(QListView):
    """Cards in rows that fill the width: as many columns as fit, cards stretched to
    share the row evenly (between the minimum and maximum card width)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = CardDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)  # the hover outline
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit()
        super().resizeEvent(event)

    def _fit(self) -> None:
        # The scroll bar's width is always left free, so that it coming and going does
        # not change the number of columns (which could bring it back again).
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        inner = self.width() - 2 * self.frameWidth() - scroll_bar - 1
        available = max(MIN_CARD_WIDTH + SPACING, inner)
        columns = max(1, available // (MIN_CARD_WIDTH + SPACING))
        width = min(MAX_CARD_WIDTH, available // columns - SPACING)
        if width != self.delegate.card_width or not self.gridSize().isValid():
            self.delegate.card_width = width
            self.setGridSize(card_size(self.font(), width) + QSize(SPACING, SPACING))
