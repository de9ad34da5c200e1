"""Image checks shared by the screenshot tests."""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QImage


def colour_stats(image: QImage) -> tuple[int, float]:
    """Number of distinct colours and the share of the most common one."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = rgb.width(), rgb.height()
    data = bytes(rgb.constBits())[: rgb.bytesPerLine() * height]
    pixels = memoryview(data).cast("I")
    counts = Counter(pixels)
    return len(counts), max(counts.values()) / (width * height)


def assert_not_blank(image: QImage) -> None:
    """Fail unless the image has real content: many colours, none covering nearly all of it."""
    assert not image.isNull()
    distinct, dominant_share = colour_stats(image)
    assert distinct > 16, f"only {distinct} distinct colours"
    assert dominant_share < 0.97, f"one colour covers {dominant_share:.0%} of the image"
