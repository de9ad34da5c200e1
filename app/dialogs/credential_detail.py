"""One credential in full: who issued it, when, until when, its status and when that was
last checked, every claim grouped as the credential groups them (with what can be
withheld), and Share, Export and Delete."""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.credential_text import (
    SHARED_WHOLE,
    format_words,
    issuer_name,
    kind_name,
    type_label,
    validity,
)
from app.dialogs.common import confirm_box, explain, heading, note, open_dialog
from app.dialogs.share import ShareDialog
from app.formatting import local_time, short_did
from app.importing import FILE_FILTER
from app.models.claims import ClaimTreeModel
from app.session import WalletSession
from app.status_text import status_words
from app.views.claim_tree import ClaimTreeView
from app.views.message import InlineMessage, Tone
from app.views.typography import muted_text
from core.credentials import StoredCredential
from core.errors import TesseraError
from core.sdjwt.holder import HeldCredential
from core.vc import HeldW3cCredential

WITHHOLD_NOTE = ("Claims marked “Can be withheld” are yours to leave out when you share. "
                 "The others go with every presentation.")


#: The file name ending of an exported credential, by format.
EXPORT_SUFFIX = {"jwt_vc_json": ".jwt", "ldp_vc": ".json"}


def export_name(kind: str, fmt: str = "dc+sd-jwt") -> str:
    """A file name for an exported credential: ``Identity credential.sd-jwt`` (``.jwt`` or
    ``.json`` for W3C credentials)."""
    cleaned = re.sub(r"[^\w\- ]+", "", kind).strip() or "Credential"
    return cleaned + EXPORT_SUFFIX.get(fmt, ".sd-jwt")


def delete_box(kind: str, issuer: str, parent: QWidget) -> QMessageBox:
    """"Delete …?" with Keep as the default (and Escape) button."""
    box, delete = confirm_box(
        "Delete credential",
        f"Delete “{kind}” from {issuer}?",
        "It disappears from this wallet. To have it again, ask the issuer for a new one. "
        "You can't undo this.",
        "Delete",
        parent,
    )
    box.delete_button = delete  # type: ignore[attr-defined]
    return box


class CredentialDetailDialog(QDialog):
    """Everything about one stored credential. ``status_message(str)`` carries a sentence
    for the window's status bar (deleted, exported)."""

    status_message = Signal(str)

    def __init__(
        self, session: WalletSession, stored: StoredCredential, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.stored = stored
        self.held: HeldCredential | HeldW3cCredential = stored.parsed()
        self.dialog: QWidget | None = None  # the dialog opened from here, for tests
        self.kind = type_label(kind_name(stored.kind, shared_whole=stored.shared_whole))
        self.issuer = issuer_name(stored.issuer) if stored.issuer else "an unknown issuer"
        self.setWindowTitle(self.kind)
        self.setMinimumSize(640, 560)

        self.model = ClaimTreeModel(self.held.claims, [i.path for i in self.held.items],
                                    whole=stored.shared_whole, parent=self)
        self.tree = ClaimTreeView(self.model, self)
        self.message = InlineMessage(self)

        self.share_button = self._action("Share…", primary=True)
        self.share_button.clicked.connect(self.share)
        self.export_button = self._action("Export…")
        self.export_button.clicked.connect(self.export)
        self.delete_button = self._action("Delete…")
        self.delete_button.clicked.connect(self.delete)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setAutoDefault(False)
        buttons.addButton(self.share_button, QDialogButtonBox.ButtonRole.ActionRole)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.delete_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        row.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading(self.kind, self))
        layout.addWidget(self._facts())
        layout.addWidget(self.tree, 1)
        layout.addWidget(note(SHARED_WHOLE if stored.shared_whole else WITHHOLD_NOTE, self,
                              small=True))
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.tree.setFocus()

    def _action(self, text: str, *, primary: bool = False) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.rstrip("…"))
        button.setProperty("primary", primary)
        button.setAutoDefault(False)
        return button

    def _facts(self) -> QWidget:
        """Issuer, dates, validity and the identity it belongs to, as a small form."""
        box = QWidget(self)
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(24)
        form.setVerticalSpacing(6)
        stored = self.stored
        now = self.session.context.clock.now()
        issuer = self._value(self.issuer, stored.issuer or "")
        if stored.issuer and stored.issuer != self.issuer:
            muted = muted_text(self.palette()).name()
            issuer.setTextFormat(Qt.TextFormat.RichText)
            issuer.setText(f"{html.escape(self.issuer)}&nbsp;&nbsp;<span style='color:{muted}'>"
                           f"{html.escape(short_did(stored.issuer, 16))}</span>")
        form.addRow("Issuer", issuer)
        if isinstance(self.held, HeldW3cCredential) and self.held.issuer_name:
            own = f"{self.held.issuer_name} (in its own words)"  # a W3C issuer names itself
            form.addRow("Issuer's name", self._value(own))
        form.addRow("Format", self._value(format_words(stored.format)))
        if stored.issued_at is not None:
            form.addRow("Issued", self._value(local_time(stored.issued_at)))
        expiry = local_time(stored.expires_at) if stored.expires_at is not None else "Never"
        status = validity(now, stored.expires_at).value
        form.addRow("Expires", self._value(f"{expiry}  ·  {status}"))
        form.addRow("Status", self._status())
        form.addRow("Identity", self._value(self._holder_name(), stored.holder_did or ""))
        return box

    def _status(self) -> QLabel:
        """:attr:`status_label`: the stored status in words; the error code of an offline
        check as its tooltip. It follows the wallet: a background refresh updates it while
        the dialog is open."""
        label = self._value("")
        label.setObjectName("statusValue")
        label.setWordWrap(True)
        self.status_label = label
        self.update_status()
        self.session.changed.connect(self.update_status)
        return label

    def update_status(self) -> None:
        """Re-read the stored status (nothing when the wallet is locked or it is gone)."""
        if self.session.is_locked:
            return
        try:
            status = self.session.wallet.statuses.get(self.stored.id)
        except TesseraError:
            status = None
        self.status_label.setText(status_words(status).sentence)
        self.status_label.setToolTip(
            f"Details: {status.error}" if status is not None and status.error else ""
        )

    def _holder_name(self) -> str:
        did = self.stored.holder_did
        if not did and self.stored.shared_whole:
            return "None of your identities, so it can't be shared"
        if not did:
            return "Not bound to an identity"
        try:
            label = self.session.wallet.identities.get(did).label
        except TesseraError:
            label = ""
        return f"{label} · {short_did(did)}" if label else short_did(did)

    def _value(self, text: str, tooltip: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if tooltip:
            label.setToolTip(tooltip)
        return label

    # --- actions -----------------------------------------------------------------------

    def share(self) -> None:
        dialog = ShareDialog(self.session, self.stored, self.held, self)
        dialog.status_message.connect(self.status_message)
        self._open(dialog)

    def export(self) -> None:
        suggested = str(Path.home() / export_name(self.kind, self.stored.format))
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export credential", suggested, FILE_FILTER
        )
        if chosen:
            self.export_to(Path(chosen))

    def export_to(self, path: Path) -> bool:
        """Save the credential as issued (SD-JWT text with every disclosure, VC-JWT or
        W3C JSON) to ``path``."""
        try:
            path.write_text(self.stored.text + "\n", encoding="utf-8")
        except OSError as exc:
            sentence, details = explain(exc, "save the file")
            self.message.show_message(sentence, Tone.ERROR, details)
            return False
        self.message.show_message(f"Saved to {path}.", Tone.SUCCESS)
        self.status_message.emit(f"{self.kind} saved to {path.name}.")
        return True

    def delete(self) -> None:
        box = delete_box(self.kind, self.issuer, self)

        def clicked(button: object) -> None:
            if button is box.delete_button:  # type: ignore[attr-defined]
                self._delete()

        box.buttonClicked.connect(clicked)
        self._open(box)

    def _delete(self) -> None:
        try:
            self.session.delete_credential(self.stored.id)
        except TesseraError as exc:
            sentence, details = explain(exc, "delete this credential")
            self.message.show_message(sentence, Tone.ERROR, details)
            return
        self.status_message.emit(f"{self.kind} deleted.")
        self.accept()

    def _open(self, dialog: QDialog) -> None:
        self.dialog = open_dialog(dialog, self._dialog_closed)

    def _dialog_closed(self) -> None:
        self.dialog = None
