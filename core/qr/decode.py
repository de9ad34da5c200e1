"""Reading QR codes from images with zxing-cpp (the ``gui`` extra).

Two entry points:

- :func:`decode_image` takes PNG or JPEG bytes or a file path (any format Pillow reads),
  converts the image to 8-bit grayscale and reads every QR code in it. Needs Pillow and
  zxing-cpp.
- :func:`decode_gray` takes raw 8-bit grayscale pixels (one byte a pixel, row by row), as
  a screen capture or a camera frame already gives them. Needs zxing-cpp only. (The app
  may also pass a ``QImage`` to zxing-cpp directly, converted from 1-bit formats to
  RGB32 first: zxing-cpp does not read 1-bit QImages.)

Only full QR codes are looked for (not Micro QR, nor other barcode formats): faster, and
no stray match on a product barcode in a screenshot. Results come in zxing-cpp's order
(by position in the image); an image with no readable code gives ``[]``.

Both import their packages inside the function, so ``import core.qr`` works with the core
dependencies alone; a missing package raises MissingDependency naming it.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

from core.errors import InvalidInput, MissingDependency

if TYPE_CHECKING:
    from zxingcpp import Barcode


def _missing(package: str) -> MissingDependency:
    return MissingDependency(
        f"reading QR codes needs {package}: install tessera-wallet[gui]",
        package=package,
        extra="gui",
    )


def _texts(barcodes: list[Barcode]) -> list[str]:
    return [barcode.text for barcode in barcodes if barcode.valid]


def decode_gray(pixels: bytes | bytearray | memoryview, width: int, height: int) -> list[str]:
    """Read every QR code in an 8-bit grayscale image given as ``width * height`` bytes.

    Raises InvalidInput(qr_image_unreadable) when the buffer does not hold exactly that
    many pixels, and MissingDependency when zxing-cpp is not installed.
    """
    if width < 1 or height < 1 or len(memoryview(pixels).cast("B")) != width * height:
        raise InvalidInput(
            f"expected {width} x {height} grayscale pixels", code="qr_image_unreadable"
        )
    try:
        import zxingcpp
    except ImportError as exc:
        raise _missing("zxing-cpp") from exc
    view = memoryview(pixels).cast("B").cast("B", (height, width))
    qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    return _texts(zxingcpp.read_barcodes(view, formats=qr_only))


def decode_image(data: bytes | str | os.PathLike[str]) -> list[str]:
    """Read every QR code in an image: PNG or JPEG bytes, or the path of an image file.

    Raises InvalidInput(qr_image_unreadable) when the bytes or the file are not an image
    Pillow can read (or the file cannot be opened), and MissingDependency when Pillow or
    zxing-cpp is not installed.
    """
    try:
        from PIL import Image
    except ImportError as exc:
        raise _missing("Pillow") from exc
    try:
        import zxingcpp
    except ImportError as exc:
        raise _missing("zxing-cpp") from exc
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        with Image.open(source) as image:
            gray = image.convert("L")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput(
            f"cannot read the image: {type(exc).__name__}", code="qr_image_unreadable"
        ) from exc
    qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    return _texts(zxingcpp.read_barcodes(gray, formats=qr_only))
