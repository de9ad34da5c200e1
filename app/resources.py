"""Locate and load files from the top-level ``resources/`` directory (icons, stylesheet).

Icons are drawn with ``stroke="currentColor"``; they are tinted with a palette colour when
loaded, so they follow the system theme (light or dark).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

RESOURCES_DIR = Path(__file__).resolve().parents[1] / "resources"
APP_ICON_SVG = "icons/tessera.svg"
APP_ICON_PNG = "icons/tessera-256.png"
STYLESHEET = "style.qss"


def resource_path(relative: str) -> Path:
    """Absolute path of a file under ``resources/``.

    Raises FileNotFoundError when the file is missing (for example in an install that did
    not ship the resources directory).
    """
    path = RESOURCES_DIR / relative
    if not path.is_file():
        raise FileNotFoundError(f"resource not found: {path}")
    return path


def load_stylesheet() -> str:
    """The application stylesheet text. Raises FileNotFoundError when it is missing."""
    return resource_path(STYLESHEET).read_text(encoding="utf-8")


def app_icon() -> QIcon:
    """The application icon, scalable from the SVG with the PNG as a raster fallback.

    Returns an empty QIcon rather than raising when the files are missing, so a broken
    install still starts.
    """
    icon = QIcon()
    for relative in (APP_ICON_SVG, APP_ICON_PNG):
        path = RESOURCES_DIR / relative
        if path.is_file():
            icon.addFile(str(path))
    return icon


def _renderer(relative: str, color: QColor | None) -> QSvgRenderer:
    """An SVG renderer for a resource, with ``currentColor`` replaced by ``color``.

    Raises FileNotFoundError when the file is missing and ValueError when it is not valid SVG.
    """
    text = resource_path(relative).read_text(encoding="utf-8")
    if color is not None:
        text = text.replace("currentColor", color.name(QColor.NameFormat.HexRgb))
    renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError(f"not a valid SVG: {relative}")
    return renderer


def render_svg(
    relative: str, size: int, color: QColor | None = None, device_pixel_ratio: float = 1.0
) -> QImage:
    """Render an SVG resource into a transparent square image of ``size`` logical pixels.

    Raises FileNotFoundError or ValueError as ``_renderer`` does.
    """
    renderer = _renderer(relative, color)
    pixels = max(1, round(size * device_pixel_ratio))
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    image.setDevicePixelRatio(device_pixel_ratio)
    return image


def tinted_pixmap(
    relative: str, size: int, color: QColor, device_pixel_ratio: float = 1.0
) -> QPixmap:
    """An icon SVG rendered in one colour, as a pixmap for labels."""
    return QPixmap.fromImage(render_svg(relative, size, color, device_pixel_ratio))


def nav_icon(
    name: str, palette: QPalette, size: int = 20, device_pixel_ratio: float = 2.0
) -> QIcon:
    """A navigation icon with normal and selected variants in the palette's text colours.

    ``name`` is the file stem in ``resources/icons/nav``. Raises FileNotFoundError when it
    does not exist.
    """
    relative = f"icons/nav/{name}.svg"
    icon = QIcon()
    variants = (
        (QIcon.Mode.Normal, palette.color(QPalette.ColorRole.WindowText)),
        (QIcon.Mode.Active, palette.color(QPalette.ColorRole.WindowText)),
        (QIcon.Mode.Selected, palette.color(QPalette.ColorRole.HighlightedText)),
        (
            QIcon.Mode.Disabled,
            palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
        ),
    )
    for mode, color in variants:
        icon.addPixmap(tinted_pixmap(relative, size, color, device_pixel_ratio), mode)
    return icon
