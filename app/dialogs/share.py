"""Share a credential: tick the claims to disclose, see exactly what the verifier will
receive, paste the verifier's identifier and request code, then copy or save the
presentation. Nothing optional is ticked at first, and Cancel is the default button.

A W3C credential cannot withhold claims: a warning says, before anything is sent, that it
is shared whole, and every claim is ticked and locked. One about none of the wallet's
identities cannot be shared at all, and the dialog says so instead of offering Share."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.credential_text import (
    REGISTERED_CLAIMS,
    SHARED_WHOLE,
    issuer_name,
    kind_name,
    subject_claims,
    type_label,
)
from app.dialogs.common import caption, explain, heading, note
from app.dialogs.show_qr import ShowQrDialog
from app.models.claims import ClaimTreeModel
from app.session import WalletSession
from app.views.busy import BusyIndicator
from app.views.claim_tree import ClaimTreeView
from app.views.consent_duration import ConsentDurationPicker
from app.views.message import InlineMessage, Tone
from app.views.phrase import monospace_font
from app.workers import TaskHandle
from core.credentials import StoredCredential
from core.errors import TesseraError
from core.sdjwt.holder import HeldCredential
from core.vc import HeldW3cCredential

INTRO = ("Tick what you want to share. Claims marked “Always shared” go with every "
         "presentation; nothing else leaves your wallet.")
FIELDS_NOTE = ("The verifier gives you both. They tie this presentation to its request, "
               "so no one can reuse it.")
MISSING = "Paste the verifier's identifier and its request code first."
WHOLE_INTRO = "Every claim goes: this credential can only be shared whole."
UNBOUND = ("This credential is about none of your identities, so Tessera can't sign a "
           "presentation of it. A verifier could not tell that it is yours.")
PRESENTATION_FILTER = "Presentations (*.txt);;All files (*)"
#: What a W3C credential shows first in the preview: whom it is about, what, from whom.
W3C_FIRST = ("credentialSubject", "type", "issuer", "validFrom", "validUntil")


def preview_text(claims: dict[str, object]) -> str:
    """The claims as the verifier receives them, as readable JSON: the claims about the
    person first, then the credential's own (issuer, type, dates, key), which every
    presentation carries (a W3C credential: its subject, type, issuer and dates first,
    then the rest). Only the order of the members differs from what is sent."""
    ordered = {k: claims[k] for k in W3C_FIRST if k in claims}  # a W3C credential's own
    ordered.update(subject_claims(claims))
    ordered.update((k, v) for k, v in claims.items() if k in REGISTERED_CLAIMS)
    return json.dumps(ordered, indent=2, ensure_ascii=False)


class ShareDialog(QDialog):
    """Makes one presentation of ``stored``. Once made, it is in ``presentation`` and
    the dialog offers Copy and Save. ``status_message(str)`` is for the status bar."""

    status_message = Signal(str)

    def __init__(
        self,
        session: WalletSession,
        stored: StoredCredential,
        held: HeldCredential | HeldW3cCredential,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.stored = stored
        self.held = held
        self.presentation: str | None = None
        self.qr_dialog: ShowQrDialog | None = None
        self._task: TaskHandle | None = None
        kind = type_label(kind_name(stored.kind, shared_whole=stored.shared_whole))
        self.kind = kind
        self.setWindowTitle(f"Share {kind}")
        self.setMinimumSize(900, 620)

        self.model = ClaimTreeModel(held.claims, [i.path for i in held.items],
                                    checkable=True, whole=stored.shared_whole, parent=self)
        self.model.selection_changed.connect(self.update_preview)
        self.tree = ClaimTreeView(self.model, self)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("sharePreview")
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("They will receive")
        self.preview.setFont(monospace_font(self.font(), 0.92))
        self.preview.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)

        self.audience = self._field("Verifier", "For example https://verifier.example")
        self.nonce = self._field("Request code", "The one-time code from the request")
        self.message = InlineMessage(self)
        self.busy = BusyIndicator(self)
        self.result = self._result_panel()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setDefault(True)  # the safe choice is the easy one
        self.share_button = QPushButton("Share", self)
        self.share_button.setProperty("primary", True)
        self.share_button.setAccessibleName("Share")
        self.share_button.setAutoDefault(False)
        self.buttons.addButton(self.share_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.share_button.clicked.connect(self.share)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading(f"Share {kind}", self))
        source = issuer_name(stored.issuer) if stored.issuer else "an unknown issuer"
        intro = WHOLE_INTRO if stored.shared_whole else INTRO
        layout.addWidget(note(f"From {source}. {intro}", self))
        self.whole_warning = InlineMessage(self)
        if stored.shared_whole:
            self.whole_warning.show_message(
                SHARED_WHOLE, Tone.WARNING, f"Format: {stored.format} (no selective disclosure)"
            )
        layout.addWidget(self.whole_warning)
        layout.addWidget(self._form())  # who it goes to, first
        layout.addLayout(self._columns(), 1)
        self.duration_picker = ConsentDurationPicker(self)
        layout.addWidget(self.duration_picker)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        self.update_preview()
        if stored.shared_whole and stored.holder_did is None:
            self.message.show_message(UNBOUND, Tone.ERROR, "Error code: unbound_credential")
            self.share_button.setEnabled(False)
        chain = (self.audience, self.nonce, self.tree, self.preview, self.duration_picker,
                 self.share_button, self.cancel_button)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.audience.setFocus()

    def _field(self, name: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setAccessibleName(name)
        field.setPlaceholderText(placeholder)
        field.textEdited.connect(lambda _text: self.message.clear())
        return field

    def _columns(self) -> QHBoxLayout:
        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(caption("Claims", self))
        left.addWidget(self.tree, 1)
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(caption("They will receive", self))
        right.addWidget(self.preview, 1)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        return columns

    def _form(self) -> QWidget:
        box = QWidget(self)
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for text, field in (("&Verifier", self.audience), ("Request &code", self.nonce)):
            label = QLabel(text, box)
            label.setBuddy(field)
            label.setMinimumHeight(field.sizeHint().height())
            form.addRow(label, field)
        form.addRow(note(FIELDS_NOTE, box, small=True))
        self.audience.setToolTip("The audience (aud) the presentation is made for.")
        self.nonce.setToolTip("The nonce from the verifier's request.")
        return box

    def _result_panel(self) -> QWidget:
        panel = QWidget(self)
        self.copy_button = QPushButton("Copy", panel)
        self.copy_button.setAccessibleName("Copy presentation")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("Save to file…", panel)
        self.save_button.setAccessibleName("Save presentation to file")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.qr_button = QPushButton("Show as QR", panel)
        self.qr_button.setAccessibleName("Show presentation as QR code")
        self.qr_button.setToolTip("For a verifier that scans it off your screen, offline.")
        self.qr_button.setAutoDefault(False)
        self.qr_button.clicked.connect(self.show_qr)
        self.result_note = InlineMessage(panel)
        row = QHBoxLayout(panel)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.result_note, 1)
        row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.qr_button, 0, Qt.AlignmentFlag.AlignVCenter)
        panel.hide()
        return panel

    # --- choosing ------------------------------------------------------------------------

    def selected_paths(self) -> list[str]:
        return self.model.selected_paths()

    def update_preview(self) -> None:
        self.preview.setPlainText(preview_text(self.held.will_disclose(self.selected_paths())))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a field moves on to the next one rather than pressing Cancel."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focusWidget() in (
            self.audience, self.nonce
        ):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    # --- sharing -------------------------------------------------------------------------

    @property
    def working(self) -> bool:
        return self._task is not None

    def share(self) -> None:
        if self.working or self.presentation is not None:
            return
        audience, nonce = self.audience.text().strip(), self.nonce.text().strip()
        if not audience or not nonce:
            self.message.show_message(MISSING, Tone.WARNING)
            (self.audience if not audience else self.nonce).setFocus()
            return
        self.message.clear()
        self._set_working(True)
        self._task = self.session.present_credential(
            self.stored.id, self.selected_paths(), nonce, audience,
            self._presented, self._failed, self._finished,
            consent=self.duration_picker.duration,
        )

    def _set_working(self, working: bool) -> None:
        for widget in (self.tree, self.audience, self.nonce, self.duration_picker,
                       self.share_button):
            widget.setEnabled(not working)
        if working:
            self.busy.start("Signing the presentation…")
        else:
            self.busy.stop()

    def _finished(self) -> None:
        self._task = None

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        sentence, details = explain(exc, "make the presentation")
        self.message.show_message(sentence, Tone.ERROR, details)

    def _presented(self, presentation: str) -> None:
        self.busy.stop()
        self.presentation = presentation
        self.share_button.hide()
        self.cancel_button.setText("Close")
        self.cancel_button.setAccessibleName("Close")
        self.result_note.show_message(
            "Ready. Send it to the verifier: copy it, save it to a file, or show it as a "
            "QR code.", Tone.SUCCESS
        )
        self.result.show()
        self.copy_button.setFocus()
        self.status_message.emit(f"{self.kind} shared with {self.audience.text().strip()}.")

    def copy(self) -> None:
        if self.presentation is None:
            return
        QGuiApplication.clipboard().setText(self.presentation)
        self.result_note.show_message("Copied. Paste it where the verifier asks for it.",
                                      Tone.SUCCESS)

    def show_qr(self) -> None:
        """Open the presentation as QR codes (one, or an animated sequence of frames)."""
        if self.presentation is None:
            return
        try:
            dialog = ShowQrDialog(self.presentation, self)
        except TesseraError as exc:  # too large for 999 frames, or no QR renderer
            sentence, details = explain(exc, "show the presentation as a QR code")
            self.message.show_message(sentence, Tone.ERROR, details)
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._qr_closed)
        self.qr_dialog = dialog
        dialog.open()

    def _qr_closed(self) -> None:
        self.qr_dialog = None

    def save(self) -> None:
        if self.presentation is None:
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save presentation", str(Path.home() / "presentation.txt"),
            PRESENTATION_FILTER,
        )
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path) -> bool:
        assert self.presentation is not None
        try:
            path.write_text(self.presentation + "\n", encoding="utf-8")
        except OSError as exc:
            sentence, details = explain(exc, "save the file")
            self.message.show_message(sentence, Tone.ERROR, details)
            return False
        self.result_note.show_message(f"Saved to {path}.", Tone.SUCCESS)
        return True

    def reject(self) -> None:
        if self.working:
            return  # signing takes a moment; the result must not land in a closed dialog
        super().reject()
