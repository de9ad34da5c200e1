"""Dialogs for one identity: make a new one, rename it, show it as a QR code, delete it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.common import confirm_box, explain, heading, note
from app.formatting import short_did
from app.qr import qr_pixmap
from app.views.message import InlineMessage, Tone
from app.views.phrase import monospace_font
from core.errors import InvalidInput, TesseraError
from core.identity import MAX_LABEL, Identity

METHOD_CHOICES = (
    ("did:key", "key", "The key itself is the identifier. Works almost everywhere."),
    ("did:jwk", "jwk", "The key in JSON form. Some issuers ask for this one."),
)
KEY_CHOICES = (
    ("Ed25519", "EdDSA", "Fast and widely used. Comes back from your recovery phrase."),
    ("P-256", "ES256", "Needed by some government and EU wallets."),
)


def _buttons(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, dialog)
    ok = QPushButton(ok_text, dialog)
    ok.setProperty("primary", True)
    ok.setDefault(True)
    ok.setAccessibleName(ok_text)
    box.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setAccessibleName("Cancel")
    cancel.setAutoDefault(False)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box, ok


def _label_field(parent: QWidget, text: str = "") -> QLineEdit:
    field = QLineEdit(text, parent)
    field.setMaxLength(MAX_LABEL)
    field.setPlaceholderText("For example: Work, Bank, Health")
    field.setAccessibleName("Name")
    return field


def _caption(text: str, field: QWidget) -> QLabel:
    """A form label as tall as the field's first line, so both sit on one line."""
    label = QLabel(text)
    label.setBuddy(field)
    label.setMinimumHeight(field.sizeHint().height())
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return label


def _with_note(field: QWidget, explanation: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(field)
    layout.addWidget(explanation)
    return box


class NewIdentityDialog(QDialog):
    """Choose the DID method, key type and a name. Create calls
    ``create(method, alg, label)``; the dialog closes once that succeeds, with the new
    identity in ``created``."""

    def __init__(
        self, create: Callable[[str, str, str], Identity], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._create = create
        self.created: Identity | None = None
        self.setWindowTitle("New identity")
        self.setMinimumWidth(520)
        self.label_field = _label_field(self)
        self.method_box = QComboBox(self)
        self.method_box.setAccessibleName("Identifier type")
        for text, value, _ in METHOD_CHOICES:
            self.method_box.addItem(text, value)
        self.key_box = QComboBox(self)
        self.key_box.setAccessibleName("Key type")
        for text, value, _ in KEY_CHOICES:
            self.key_box.addItem(text, value)
        self.method_note = note("", self, small=True)
        self.key_note = note("", self, small=True)
        self.method_box.currentIndexChanged.connect(self._explain)
        self.key_box.currentIndexChanged.connect(self._explain)
        self._explain()

        form = QGridLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(14)
        form.setColumnStretch(1, 1)
        rows = (
            ("Name", self.label_field, self.label_field),
            ("Identifier type", self.method_box, _with_note(self.method_box, self.method_note)),
            ("Key type", self.key_box, _with_note(self.key_box, self.key_note)),
        )
        for row, (caption, field, cell) in enumerate(rows):
            form.addWidget(_caption(caption, field), row, 0, Qt.AlignmentFlag.AlignTop)
            form.addWidget(cell, row, 1)

        self.message = InlineMessage(self)
        box, self.ok_button = _buttons(self, "Create")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading("New identity", self))
        layout.addWidget(
            note("Each identity has its own key. Use different ones for different parts of "
                 "your life, so they can't be linked.", self)
        )
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(box)
        self.label_field.setFocus()

    def accept(self) -> None:
        def create() -> None:
            self.created = self._create(self.method, self.alg, self.label)

        if _submit(self, self.message, create):
            super().accept()

    def _explain(self) -> None:
        self.method_note.setText(METHOD_CHOICES[self.method_box.currentIndex()][2])
        self.key_note.setText(KEY_CHOICES[self.key_box.currentIndex()][2])

    @property
    def method(self) -> str:
        return str(self.method_box.currentData())

    @property
    def alg(self) -> str:
        return str(self.key_box.currentData())

    @property
    def label(self) -> str:
        return self.label_field.text().strip()


class RenameDialog(QDialog):
    """A new name for one identity; Rename calls ``rename(did, label)`` and closes once
    that succeeds."""

    def __init__(
        self,
        identity: Identity,
        rename: Callable[[str, str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.identity = identity
        self._rename = rename
        self.setWindowTitle("Rename identity")
        self.setMinimumWidth(440)
        self.label_field = _label_field(self, identity.label)
        self.label_field.selectAll()
        self.message = InlineMessage(self)
        box, self.ok_button = _buttons(self, "Rename")
        did = QLabel(short_did(identity.did), self)
        did.setToolTip(identity.did)
        did.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(heading("Rename identity", self))
        layout.addWidget(did)
        layout.addWidget(self.label_field)
        layout.addWidget(note("Only you see this name. It is not shared.", self, small=True))
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(box)
        self.label_field.setFocus()

    @property
    def label(self) -> str:
        return self.label_field.text().strip()

    def accept(self) -> None:
        if _submit(self, self.message, lambda: self._rename(self.identity.did, self.label)):
            super().accept()


class QrDialog(QDialog):
    """An identity's DID as a QR code, with the DID written out below it."""

    def __init__(self, identity: Identity, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.identity = identity
        name = identity.label or "Your identity"
        self.setWindowTitle(f"{name}: QR code")
        self.code_label = QLabel(self)
        self.code_label.setObjectName("qrCode")
        self.code_label.setPixmap(qr_pixmap(identity.did, scale=5 if len(identity.did) > 80 else 7))
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setAccessibleName(f"QR code of {identity.did}")
        # A DID has no spaces to wrap at: a read-only text box wraps it anywhere and
        # still lets the person select and copy it.
        self.did_text = QPlainTextEdit(identity.did, self)
        self.did_text.setReadOnly(True)
        self.did_text.setAccessibleName("DID")
        self.did_text.setFrameShape(QFrame.Shape.NoFrame)
        self.did_text.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.did_text.setFont(monospace_font(self.font(), 0.95))
        self.did_text.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.did_text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        width = max(360, self.code_label.pixmap().width())
        self.did_text.setFixedWidth(width)
        metrics = self.did_text.fontMetrics()
        per_line = max(1, (width - 12) // max(1, metrics.horizontalAdvance("m")))
        lines = min(6, -(-len(identity.did) // per_line))
        self.did_text.setFixedHeight(lines * metrics.lineSpacing() + 14)
        self.did_text.viewport().setAutoFillBackground(False)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.reject)
        close = box.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setDefault(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(heading(name, self))
        layout.addWidget(note("Let someone scan this to get your identifier. It holds no "
                              "secrets.", self))
        layout.addWidget(self.code_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.did_text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(box)


def delete_box(identity: Identity, bound: list[str], parent: QWidget | None = None) -> QMessageBox:
    """A confirmation that names the identity and the stored credentials bound to it;
    "Keep" is the default button."""
    name = f"“{identity.label}”" if identity.label else "this identity"
    lines = [f"It disappears from this wallet: {short_did(identity.did)}."]
    if bound:
        count = len(bound)
        noun = "credential uses" if count == 1 else "credentials use"
        lines.append(
            f"{count} stored {noun} its key and can no longer be shared: {', '.join(bound)}."
        )
    else:
        lines.append("No stored credentials use it.")
    lines.append("You can't undo this.")
    box, delete = confirm_box(
        "Delete identity", f"Delete {name}?", "\n\n".join(lines), "Delete", parent
    )
    box.delete_button = delete  # type: ignore[attr-defined]
    return box


def _submit(dialog: QDialog, message: InlineMessage, action: Callable[[], object]) -> bool:
    """Run ``action``; on a core error, say so in ``message`` and keep the dialog open."""
    try:
        action()
    except TesseraError as exc:
        sentence, details = explain(exc, "save this")
        message.show_message(exc.message[:1].upper() + exc.message[1:] + "."
                             if isinstance(exc, InvalidInput) else sentence, Tone.ERROR, details)
        return False
    return True
