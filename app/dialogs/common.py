"""Pieces every dialog uses: a heading, a caption, a muted note, passphrase fields, error
wording."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyle,
    QWidget,
)

from app.views.typography import HEADING_SCALE, SMALL_SCALE, muted_text, scaled_font
from core.errors import TesseraError, WrongPassphrase

NO_KEYRING = "No system keyring found; you'll type your passphrase each time."
WRONG_PASSPHRASE = "That passphrase doesn't open this wallet."


def heading(text: str, parent: QWidget, scale: float = HEADING_SCALE) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("dialogHeading")
    label.setFont(scaled_font(parent.font(), scale, QFont.Weight.DemiBold))
    return label  # one short line: no word wrap, which would make layouts pad it


def caption(text: str, parent: QWidget, *, wrap: bool = False) -> QLabel:
    """A semi-bold label over a group of widgets ("They will receive")."""
    label = QLabel(text, parent)
    label.setWordWrap(wrap)
    emphasize(label)
    return label


def emphasize(label: QLabel) -> None:
    """Make ``label`` semi-bold, keeping its size and family."""
    font = label.font()
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)


def note(text: str, parent: QWidget, *, small: bool = False) -> QLabel:
    """A wrapped sentence in the muted text colour."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if small:
        label.setFont(scaled_font(parent.font(), SMALL_SCALE))
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, muted_text(parent.palette()))
    label.setPalette(palette)
    return label


def checkbox_indent(box: QCheckBox) -> int:
    """How far a check box's text starts from its left edge (to line notes up with it)."""
    style = box.style()
    return style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, box) + style.pixelMetric(
        QStyle.PixelMetric.PM_CheckBoxLabelSpacing, None, box
    )


def passphrase_field(accessible_name: str, parent: QWidget) -> QLineEdit:
    """A masked field that keeps its text out of input-method history."""
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(accessible_name)
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhSensitiveData
        | Qt.InputMethodHint.ImhNoPredictiveText
        | Qt.InputMethodHint.ImhNoAutoUppercase
        | Qt.InputMethodHint.ImhHiddenText
    )
    field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    return field


def explain(exc: BaseException, action: str) -> tuple[str, str]:
    """(plain sentence, details with the error code) for an error from ``core``.

    ``action`` completes "Tessera couldn't …" for errors without a better sentence.
    """
    if isinstance(exc, WrongPassphrase):
        return WRONG_PASSPHRASE, f"Error code: {exc.code}"
    if isinstance(exc, TesseraError):
        return f"Tessera couldn't {action}.", f"Error code: {exc.code}. {exc.message}"
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        return f"Tessera couldn't {action}: {reason}.", f"Error code: io_error. {exc}"
    return f"Tessera couldn't {action}.", f"Error code: internal. {type(exc).__name__}"


def grow_to_fit(dialog: QWidget) -> None:
    """Make a dialog tall enough for its content at its current width (after a message
    appeared: wrapped text must not be squeezed). Never shrinks it."""
    layout = dialog.layout()
    if layout is None:
        return
    if layout.hasHeightForWidth():
        needed = layout.totalHeightForWidth(dialog.width())
    else:
        needed = layout.totalSizeHint().height()
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


def confirm_box(
    title: str, question: str, consequences: str, action: str, parent: QWidget | None
) -> tuple[QMessageBox, QPushButton]:
    """A warning asking ``question`` before a destructive ``action`` (the button's text),
    with "Keep" as the default and Escape button. Returns (box, action button)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(question)
    box.setInformativeText(consequences)
    button = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    button.setAccessibleName(action)
    keep = box.addButton("Keep", QMessageBox.ButtonRole.RejectRole)
    keep.setAccessibleName("Keep")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box, button


def open_dialog(dialog: QDialog, on_closed: Callable[[], object]) -> QDialog:
    """Open ``dialog`` window-modal without blocking, deleted once it closes, calling
    ``on_closed`` then; returns it (owners keep it as ``dialog``, which tests reach)."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.finished.connect(on_closed)
    dialog.open()
    return dialog
