"""Text as a QR code image. Always a full QR code, never Micro QR (many scanners cannot
read it, and ``segno.make`` picks it silently for short text)."""

from __future__ import annotations

import io

import segno
from PySide6.QtGui import QImage, QPixmap

QUIET_ZONE = 4  # modules of white border: the standard's minimum


def qr_png(text: str, *, scale: int = 6, error: str = "m") -> bytes:
    """PNG bytes of a QR code for ``text`` (black on white, quiet zone included).

    ``error`` is the lowest error-correction level to use; segno raises it when that
    costs no extra size. Raises segno's DataOverflowError for text that does not fit.
    """
    code = segno.make_qr(text, error=error, boost_error=True)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=QUIET_ZONE, dark="#000", light="#fff")
    return buffer.getvalue()


def qr_image(text: str, *, scale: int = 6) -> QImage:
    """The QR code of ``text`` as a 32-bit QImage (the PNG is 1-bit; widgets and
    decoders such as zxing-cpp want a plain RGB image)."""
    image = QImage()
    if not image.loadFromData(qr_png(text, scale=scale), "PNG"):
        raise ValueError("the QR code image could not be decoded")  # pragma: no cover
    return image.convertToFormat(QImage.Format.Format_RGB32)


def qr_pixmap(text: str, *, scale: int = 6) -> QPixmap:
    return QPixmap.fromImage(qr_image(text, scale=scale))
