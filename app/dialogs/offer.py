"""A credential offer: who offers, what the wallet would receive, which identity will
hold it and, when the issuer asks for one, the transaction code. Accept runs the
issuance on a worker; the result screen says what was added. Decline is the default
button, and nothing is stored unless the very last step succeeds."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.credential_text import type_label
from app.dialogs.common import emphasize, explain, grow_to_fit, heading, note, passphrase_field
from app.formatting import short_did
from app.session import WalletSession
from app.views.busy import BusyIndicator
from app.views.message import InlineMessage, Tone
from app.workers import TaskHandle
from core.credentials import StoredCredential
from core.errors import (
    InvalidInput,
    IssuanceError,
    ResolutionError,
    VaultLocked,
    VerificationError,
)
from core.oid4vci import OfferSummary

TITLE = "Credential offer"
READING = "Reading the offer…"
RECEIVING = "Receiving the credential…"
DONE_NOTE = "It is selected on your Credentials page. Open it there to see every claim."
NEED_CODE = "Enter the transaction code the issuer sent you."
NO_IDENTITY = "Create an identity first (on the Identities page): it will hold the credential."
WRONG_CODE = "That code is not right. Check the code the issuer gave you."
USED_UP = ("The issuer did not accept this offer. It may have been used already or have "
           "expired: ask the issuer for a new one.")

_SENTENCES: dict[str, str] = {
    "issuer_unreachable": "Tessera couldn't reach the issuer. Check your connection and try again.",
    "invalid_issuer_response": (
        "The issuer's answer is not one Tessera can use. Try again later, or contact the issuer."
    ),
    "invalid_offer": "This credential offer can't be used. The details say why.",
    "insecure_url": "This offer points to an address that is not secure, so Tessera won't open it.",
    "invalid_proof": "The issuer did not accept your wallet's proof. Try again.",
    "invalid_nonce": "The issuer did not accept your wallet's proof. Try again.",
    "credential_request_denied": "The issuer refused to issue this credential.",
    "unsupported_grant_type": "This issuer does not support offers like this one.",
    "unknown_credential_configuration": "The issuer does not issue this credential any more.",
}


def offer_error(exc: BaseException, *, with_code: bool) -> tuple[str, str]:
    """(plain sentence, details with the error code) for a failed offer step."""
    if isinstance(exc, VaultLocked):
        return "Tessera was locked. Unlock it and open the offer again.", f"Error code: {exc.code}"
    if isinstance(exc, IssuanceError | InvalidInput):
        details = f"Error code: {exc.code}. {exc.message}"
        if exc.code == "invalid_grant":
            return (WRONG_CODE if with_code else USED_UP), details
        if exc.code in _SENTENCES:
            return _SENTENCES[exc.code], details
    if isinstance(exc, VerificationError | ResolutionError):
        sentence = "The credential the issuer sent could not be checked, so it was not added."
        return sentence, f"Error code: {exc.code}. {exc.message}"
    return explain(exc, "receive the credential")


class OfferDialog(QDialog):
    """Opens on a busy row while the offer is read; then the offer; then the result.

    ``received(StoredCredential)`` follows a stored credential."""

    received = Signal(object)

    def __init__(
        self, session: WalletSession, offer_uri: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.offer_uri = offer_uri
        self.summary: OfferSummary | None = None
        self.stored: StoredCredential | None = None
        self._task: TaskHandle | None = None
        self._receiving = False
        self._loading = False
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(580)

        self.title_label = heading(TITLE, self)
        self.stack = QStackedWidget(self)
        self.loading_page = QWidget(self)
        self.offer_page = QWidget(self)
        self.done_page = QWidget(self)
        for page in (self.loading_page, self.offer_page, self.done_page):
            self.stack.addWidget(page)
        self._build_offer_page()
        self.done_message = InlineMessage(self.done_page)
        done_layout = QVBoxLayout(self.done_page)
        done_layout.setContentsMargins(0, 0, 0, 0)
        done_layout.setSpacing(10)
        done_layout.addWidget(self.done_message)
        done_layout.addWidget(note(DONE_NOTE, self.done_page))
        done_layout.addStretch(1)
        QVBoxLayout(self.loading_page).setContentsMargins(0, 0, 0, 0)

        self.message = InlineMessage(self)
        self.busy = BusyIndicator(self)
        self.buttons = QDialogButtonBox(self)
        self.decline_button = QPushButton("Cancel", self)
        self.decline_button.setAccessibleName("Cancel")
        self.buttons.addButton(self.decline_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.accept_button = QPushButton("Accept", self)
        self.accept_button.setAccessibleName("Accept")
        self.accept_button.setProperty("primary", True)
        self.accept_button.setAutoDefault(False)
        self.buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = QPushButton("Close", self)
        self.close_button.setAccessibleName("Close")
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.clicked.connect(self.accept_offer)
        self.decline_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)
        self.accept_button.hide()
        self.close_button.hide()
        self.decline_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.title_label)
        layout.addWidget(self.stack)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._show_page(self.loading_page)
        self._load()

    def _build_offer_page(self) -> None:
        page = self.offer_page
        self.issuer_label = QLabel(page)
        self.issuer_label.setObjectName("offerIssuer")
        emphasize(self.issuer_label)
        self.issuer_url = note("", page, small=True)
        self.types_label = QLabel(page)
        self.types_label.setWordWrap(True)
        self.types_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.claims_note = note("", page, small=True)
        self.identity_combo = QComboBox(page)
        self.identity_combo.setAccessibleName("Identity that will hold it")
        self.identity_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.identity_combo.setMinimumContentsLength(24)
        self.tx_code = passphrase_field("Transaction code", page)
        self.tx_code.textEdited.connect(lambda _text: self.message.clear())
        self.tx_note = note("", page, small=True)
        self.tx_label = QLabel("Transaction &code", page)
        self.tx_label.setBuddy(self.tx_code)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self._caption("From"), self._pair(self.issuer_label, self.issuer_url))
        form.addRow(
            self._caption("You will receive"), self._pair(self.types_label, self.claims_note)
        )
        held = QLabel("&Held by", page)
        held.setBuddy(self.identity_combo)
        form.addRow(held, self.identity_combo)
        form.addRow(self.tx_label, self._pair(self.tx_code, self.tx_note))
        self.form = form
        self.tx_row = form.rowCount() - 1

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.offer_intro = note("", page)
        layout.addWidget(self.offer_intro)
        layout.addLayout(form)

    def _pair(self, first: QWidget, second: QWidget) -> QWidget:
        """Two lines in one form field (a widget, so that the field grows)."""
        box = QWidget(self.offer_page)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(first)
        column.addWidget(second)
        return box

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text, self.offer_page)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return label

    def _show_page(self, page: QWidget) -> None:
        """Show ``page``; the stack (and the dialog) take only its size."""
        for other in (self.loading_page, self.offer_page, self.done_page):
            policy = QSizePolicy.Policy.Preferred if other is page else QSizePolicy.Policy.Ignored
            other.setSizePolicy(policy, policy)
        self.stack.setCurrentWidget(page)
        if page is not self.done_page:  # the result keeps the offer's size
            self.adjustSize()

    def _tell(self, text: str, tone: Tone, details: str = "") -> None:
        self.message.show_message(text, tone, details)
        grow_to_fit(self)

    @property
    def working(self) -> bool:
        """Whether the offer is being read or the credential received."""
        return self._loading or self._receiving

    # --- reading the offer -------------------------------------------------------------------

    def _load(self) -> None:
        self.busy.start(READING)
        self._loading = True
        self._task = self.session.describe_offer(
            self.offer_uri, self._show_offer, self._load_failed
        )

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.busy.stop()
        sentence, details = offer_error(exc, with_code=False)
        self._tell(sentence, Tone.ERROR, details)
        self._set_buttons(decline="Close")

    def _show_offer(self, summary: OfferSummary) -> None:
        self._loading = False
        self.busy.stop()
        self.summary = summary
        self.issuer_label.setText(summary.issuer_name)
        self.issuer_url.setText(summary.issuer)
        names = [offered.name for offered in summary.credentials]
        self.types_label.setText(", ".join(names))
        first = summary.credentials[0] if summary.credentials else None
        if first is not None and first.claims:
            self.claims_note.setText("With: " + ", ".join(first.claims) + ".")
        self.claims_note.setVisible(bool(first and first.claims))
        self.offer_intro.setText(
            f"{summary.issuer_name} offers you a credential. Accept to add it to your wallet."
        )
        for identity in self.session.identities():
            did = short_did(identity.did)
            label = f"{identity.label} ({did})" if identity.label else did
            self.identity_combo.addItem(label, identity.did)
            self.identity_combo.setItemData(
                self.identity_combo.count() - 1, identity.did, Qt.ItemDataRole.ToolTipRole
            )
        needs_code = summary.tx_code is not None
        self.form.setRowVisible(self.tx_row, needs_code)
        if summary.tx_code is not None:
            code = summary.tx_code
            self.tx_note.setText(code.description or "The issuer sent you this code separately.")
            self.tx_note.setVisible(True)
            if code.length is not None:
                self.tx_code.setMaxLength(code.length)
            if code.input_mode == "numeric":
                self.tx_code.setValidator(
                    QRegularExpressionValidator(QRegularExpression(r"[0-9]*"), self.tx_code)
                )
        self._show_page(self.offer_page)
        self._set_buttons(decline="Decline", accept=True)
        if self.identity_combo.count() == 0:
            self.accept_button.setEnabled(False)
            self._tell(NO_IDENTITY, Tone.WARNING)
        (self.tx_code if needs_code else self.decline_button).setFocus()

    def _set_buttons(
        self, *, decline: str | None = None, accept: bool = False, close: bool = False
    ) -> None:
        self.decline_button.setVisible(decline is not None)
        if decline is not None:
            self.decline_button.setText(decline)
            self.decline_button.setAccessibleName(decline)
            self.decline_button.setDefault(True)
        self.accept_button.setVisible(accept)
        self.close_button.setVisible(close)
        if close:
            self.close_button.setDefault(True)
            self.close_button.setFocus()

    # --- accepting -----------------------------------------------------------------------------

    @property
    def chosen_did(self) -> str | None:
        did = self.identity_combo.currentData()
        return did if isinstance(did, str) else None

    def accept_offer(self) -> None:
        """Run the issuance with the chosen identity and code on a worker."""
        if self.summary is None or self.working or not self.accept_button.isEnabled():
            return
        did = self.chosen_did
        if did is None:
            self._tell(NO_IDENTITY, Tone.WARNING)
            return
        code: str | None = None
        if self.summary.needs_tx_code:
            code = self.tx_code.text().strip()
            if not code:
                self._tell(NEED_CODE, Tone.WARNING)
                self.tx_code.setFocus()
                return
        self.message.clear()
        self._set_receiving(True)
        self._task = self.session.receive_offer(
            self.offer_uri, did, code, self._received,
            lambda exc: self._receive_failed(exc, code is not None),
        )

    def _set_receiving(self, receiving: bool) -> None:
        self._receiving = receiving
        for widget in (self.identity_combo, self.tx_code, self.accept_button, self.decline_button):
            widget.setEnabled(not receiving)
        if receiving:
            self.busy.start(RECEIVING)
        else:
            self.busy.stop()

    def _receive_failed(self, exc: BaseException, with_code: bool) -> None:
        self._set_receiving(False)
        sentence, details = offer_error(exc, with_code=with_code)
        self._tell(sentence, Tone.ERROR, details)
        if with_code:
            self.tx_code.selectAll()
            self.tx_code.setFocus()

    def _received(self, stored: StoredCredential) -> None:
        self._set_receiving(False)
        self.stored = stored
        offered = self.summary.credentials if self.summary else ()
        name = offered[0].name if offered else type_label(stored.vct or "")
        issuer = self.summary.issuer_name if self.summary else stored.issuer
        self.done_message.show_message(f"Added: {name} from {issuer}.", Tone.SUCCESS)
        self._show_page(self.done_page)
        self._set_buttons(close=True)
        self.received.emit(stored)

    # --- keys and closing ---------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the code field accepts (the dialog's default button is Decline)."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.focusWidget() is self.tx_code and self.tx_code.isVisible():
            self.accept_offer()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self._receiving and not self.session.is_locked:
            return  # the credential may be being written; it ends in a moment
        if self._task is not None:
            self._task.cancel()
        super().reject()

