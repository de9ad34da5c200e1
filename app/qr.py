"""Text as a QR code image. Always a full QR code, never Micro QR (many scanners cannot
read it, and ``segno.make`` picks it silently for short text)."""

from __future__ import annotations

from PySide6.QtGui import QImage, QPixmap

from core.qr import render_png

QUIET_ZONE = 4  # modules of white border: the standard's minimum


def qr_png(text: str, *, scale: int = 6, error: str = "M") -> bytes:
    """PNG bytes of a QR code for ``text`` at exactly error level ``error`` (core.qr's
    renderer: full QR, fixed level, quiet zone included).

    Raises InvalidInput(qr_too_large) for text that does not fit.
    """
    return render_png(text, error=error.upper(), scale=scale, border=QUIET_ZONE)


def qr_image(text: str, *, scale: int = 6) -> QImage:
    """The QR code of ``text`` as a 32-bit QImage (the PNG is 1-bit; widgets and
    decoders such as zxing-cpp want a plain RGB image)."""
    image = QImage()
    if not image.loadFromData(qr_png(text, scale=scale), "PNG"):
        raise ValueError("the QR code image could not be decoded")  # pragma: no cover
    return image.convertToFormat(QImage.Format.Format_RGB32)


def qr_pixmap(text: str, *, scale: int = 6) -> QPixmap:
    return QPixmap.fromImage(qr_image(text, scale=scale))
