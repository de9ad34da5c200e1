"""Reading QR codes and links for Scan: Qt images to grayscale pixels for core.qr, and
what a scanned text is (a credential offer, a verifier's request, or neither)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QImage

from core.qr import decode_gray, decode_image

OFFER_PREFIX = "openid-credential-offer://"
REQUEST_PREFIX = "openid4vp://"


class ScanKind(Enum):
    OFFER = "offer"
    REQUEST = "request"
    OTHER = "other"


def kind_of(text: str) -> ScanKind:
    """Which of the things Tessera understands ``text`` is (by its scheme)."""
    lowered = text.strip().lower()
    if lowered.startswith(OFFER_PREFIX):
        return ScanKind.OFFER
    if lowered.startswith(REQUEST_PREFIX):
        return ScanKind.REQUEST
    return ScanKind.OTHER


def first_known(texts: list[str]) -> str | None:
    """The first offer or request among decoded texts, else None."""
    for text in texts:
        if kind_of(text) is not ScanKind.OTHER:
            return text.strip()
    return None


def gray_pixels(image: QImage) -> tuple[bytes, int, int]:
    """``image`` as 8-bit grayscale pixels, row by row without padding: (pixels, w, h)."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    data = bytes(gray.constBits())[: stride * height]
    if stride == width:
        return data, width, height
    rows = (data[y * stride : y * stride + width] for y in range(height))
    return b"".join(rows), width, height


def decode_qimage(image: QImage) -> list[str]:
    """Every QR code text in a Qt image ([] for an empty image).

    Raises MissingDependency when zxing-cpp is not installed."""
    if image.isNull() or image.width() < 1 or image.height() < 1:
        return []
    pixels, width, height = gray_pixels(image)
    return decode_gray(pixels, width, height)


def decode_file(path: Path) -> list[str]:
    """Every QR code text in an image file. Raises InvalidInput(qr_image_unreadable),
    MissingDependency."""
    return decode_image(path)


def texts_from_mime(mime: QMimeData) -> list[str]:
    """What pasted or dropped data holds, as candidate texts: QR codes in an image or in
    local image files, else the text itself."""
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage):
            return decode_qimage(image)
    if mime.hasUrls():
        found: list[str] = []
        for url in mime.urls():
            if url.isLocalFile():
                found.extend(decode_file(Path(url.toLocalFile())))
        if found:
            return found
    if mime.hasText() and mime.text().strip():
        return [mime.text().strip()]
    return []
