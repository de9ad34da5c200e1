"""Approve or decline what a request asks you to sign: for a payment the amount and
currency very large, the payee below them, then every other field and the credential
that pays; sign-text entries show their text to read. "Details" shows each entry exactly
as received and the SHA-256 hash the signature confirms.

Decline is the default button and Escape declines: the refusal is logged and nothing is
signed or sent. Approve asks for the passphrase again (Argon2id on a worker; a wrong one
changes nothing), then signs with exactly the request's transaction data and posts the
answer, each on a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.common import caption, explain, grow_to_fit, heading, note, passphrase_field
from app.dialogs.requester import HTTP_TIMEOUT, plain_sentence, show_requester
from app.request_text import approval_titles, is_payment, paying_account, verifier_name
from app.session import WalletSession
from app.views.busy import BusyIndicator
from app.views.message import InlineMessage, Tone
from app.views.phrase import monospace_font
from app.views.typography import HEADING_SCALE, mix, muted_text, scaled_font
from app.views.wrapped_text import WrappedText
from app.workers import TaskHandle
from core.credentials import StoredCredential
from core.errors import TesseraError
from core.oid4vp import (
    AuthorizationRequest,
    ResponseResult,
    Share,
    build_response,
    post_response,
    record_decision,
)
from core.payments import HASH_ALG, TransactionData

log = logging.getLogger(__name__)

#: The amount and currency: the largest text in the app.
AMOUNT_SCALE = 2.6
PAID = "Paid: the merchant verified your authorization."
SIGNED = "Signed: {name} verified your signature."
NOT_DELIVERED = "Your approval was signed, but {name} has not accepted it. {sentence}"
NOT_SIGNED = "Nothing was signed. {sentence}"
TYPE_PASSPHRASE = "Type your passphrase to approve."
CONFIRM = ("Approving signs this with your key. Type your wallet's passphrase to confirm "
           "it is you; nothing is signed before you do.")
NO_PAYER = ("None of the credentials you chose confirms this. Go back and share the "
            "claims it needs, or decline.")


def record_decline(session: WalletSession, request: AuthorizationRequest) -> bool:
    """Log that the person declined ``request``'s transactions; False when the log could
    not be written (the wallet was locked meanwhile)."""
    try:
        record_decision(session.wallet, request, approved=False)
    except TesseraError as exc:
        log.warning("the decline could not be logged (%s)", exc.code)
        return False
    session.changed.emit()
    return True


class PaymentApprovalDialog(QDialog):
    """One request's transactions, to approve (re-authenticating) or decline.

    ``shares`` are what the person chose on the review screen, ``credentials`` the
    stored credentials they name, ``consent`` the duration passed to ``build_response``.
    Afterwards ``decision`` is "approved" (signed), "declined" or None, and ``outcome``
    the ResponseResult once the verifier accepted the answer.
    """

    def __init__(
        self,
        session: WalletSession,
        request: AuthorizationRequest,
        shares: Sequence[Share],
        credentials: Mapping[str, StoredCredential],
        *,
        consent: str = "once",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.request = request
        self.shares = tuple(shares)
        self.credentials = dict(credentials)
        self.consent = consent
        self.decision: str | None = None
        self.response: dict[str, Any] | None = None
        self.outcome: ResponseResult | None = None
        self._task: TaskHandle | None = None
        self._signing = False
        self.amount_labels: list[QLabel] = []
        self.currency_labels: list[QLabel] = []
        self.payee_names: list[WrappedText] = []
        self.payee_ids: list[WrappedText] = []
        self.field_rows: list[list[tuple[str, str]]] = []
        self.texts: list[WrappedText] = []
        self.raw_fields: list[WrappedText] = []
        self.hash_fields: list[WrappedText] = []
        window_title, title = approval_titles(request)
        self.setWindowTitle(window_title)
        self.setMinimumSize(640, 560)

        self.title = heading(title, self)
        self.title.setWordWrap(True)
        self.identifier = note("", self)
        self.trust = QLabel(self)
        self.trust.setWordWrap(True)
        self.purpose = QLabel(self)
        self.purpose.setWordWrap(True)
        show_requester(request, self.identifier, self.trust, self.purpose)

        self.payable = all(self._payers(entry) for entry in request.transactions)
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(12)
        count = len(request.transactions)
        for number, entry in enumerate(request.transactions, 1):
            if count > 1:
                title = f"{number} of {count}: {entry.view.title}"
                column.addWidget(caption(title, body, wrap=True))
            column.addWidget(self._entry_card(entry, body))
        self.details_button = QToolButton(body)
        self.details_button.setText("Details: exactly what is signed")
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName("Show details")
        self.details_button.setAutoRaise(True)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details = self._details(body)
        self.details.hide()
        self.details_button.toggled.connect(self._toggle_details)
        column.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.details)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.scroll_area = scroll

        self.passphrase = passphrase_field("Passphrase", self)
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.textChanged.connect(self._update_buttons)
        self.confirm_note = note(CONFIRM, self, small=True)
        self.message = InlineMessage(self)
        self.busy = BusyIndicator(self)
        self.result_message = InlineMessage(self, banner=True)
        if not self.payable:
            self.message.show_message(NO_PAYER, Tone.WARNING, "Error code: claims_withheld")

        self.buttons = QDialogButtonBox(self)
        self.decline_button = QPushButton("Decline", self)
        self.decline_button.setAccessibleName("Decline")
        self.decline_button.setDefault(True)  # the safe choice is the easy one
        self.buttons.addButton(self.decline_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.approve_button = QPushButton("Approve", self)
        self.approve_button.setProperty("primary", True)
        self.approve_button.setAccessibleName("Approve")
        self.approve_button.setAutoDefault(False)
        self.buttons.addButton(self.approve_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.approve_button.clicked.connect(self.approve)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.identifier)
        layout.addWidget(self.trust)
        layout.addWidget(self.purpose)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.confirm_note)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.result_message)
        layout.addWidget(self.buttons)
        self._update_buttons()
        self.decline_button.setFocus()

    # --- what is shown ------------------------------------------------------------------

    def _payers(self, entry: TransactionData) -> list[StoredCredential]:
        chosen = self.credentials
        return [
            chosen[share.credential_id]
            for share in self.shares
            if share.query_id in entry.credential_ids and share.credential_id in chosen
        ]

    def _entry_card(self, entry: TransactionData, parent: QWidget) -> QFrame:
        view = entry.view
        card = QFrame(parent)
        card.setObjectName("transactionCard")
        base = QPalette(self.palette()).color(QPalette.ColorRole.Base)
        edge = mix(base, self.palette().color(QPalette.ColorRole.Text), 0.18)
        card.setStyleSheet(
            f"#transactionCard {{ border: 1px solid {edge.name()}; border-radius: 10px;"
            f" background: {base.name()}; }}"
        )
        column = QVBoxLayout(card)
        column.setContentsMargins(18, 14, 18, 14)
        column.setSpacing(6)
        muted = muted_text(self.palette())
        if view.amount is not None:
            big = scaled_font(self.font(), AMOUNT_SCALE, QFont.Weight.Bold)
            amount = QLabel(view.amount, card)
            amount.setObjectName("paymentAmount")
            amount.setFont(big)
            amount.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            currency = QLabel(view.currency or "", card)
            currency.setObjectName("paymentCurrency")
            currency.setFont(scaled_font(self.font(), AMOUNT_SCALE, QFont.Weight.DemiBold))
            currency.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            palette = currency.palette()
            palette.setColor(QPalette.ColorRole.WindowText, muted)
            currency.setPalette(palette)
            amount.setAccessibleName(f"Amount: {view.amount} {view.currency}")
            row = QHBoxLayout()
            row.setSpacing(12)
            row.addWidget(amount, 0, Qt.AlignmentFlag.AlignBaseline)
            row.addWidget(currency, 0, Qt.AlignmentFlag.AlignBaseline)
            row.addStretch(1)
            column.addLayout(row)
            self.amount_labels.append(amount)
            self.currency_labels.append(currency)
            payee = WrappedText(
                view.party_name or "", card,
                font=scaled_font(self.font(), HEADING_SCALE, QFont.Weight.DemiBold),
                accessible_name="Payee",
            )
            payee_id = WrappedText(view.party_id or "", card, accessible_name="Payee identifier")
            payee_id.set_text_colour(muted)
            column.addWidget(note("To", card, small=True))
            column.addWidget(payee)
            column.addWidget(payee_id)
            self.payee_names.append(payee)
            self.payee_ids.append(payee_id)
        else:
            title = WrappedText(
                view.title, card,
                font=scaled_font(self.font(), HEADING_SCALE, QFont.Weight.DemiBold),
                accessible_name="Title",
            )
            column.addWidget(title)
        if view.text is not None:
            body = WrappedText(view.text, card, max_lines=10, accessible_name="Text to sign")
            body.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # long: scrolls by keyboard too
            column.addWidget(body)
            self.texts.append(body)
        rows = [(f.label, f.value) for f in view.fields]
        payers = self._payers(entry)
        payer_label = "Paid from" if view.amount is not None else "Signed with"
        rows.append((payer_label, "; ".join(paying_account(c) for c in payers) or "—"))
        self.field_rows.append(rows)
        grid = QGridLayout()
        grid.setContentsMargins(0, 8, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        for index, (label, value) in enumerate(rows):
            name = note(label, card)
            grid.addWidget(name, index, 0, Qt.AlignmentFlag.AlignTop)
            shown = WrappedText(value, card, accessible_name=label)
            grid.addWidget(shown, index, 1)
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)
        return card

    def _details(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        mono = monospace_font(self.font(), 0.92)
        for entry in self.request.transactions:
            column.addWidget(caption(entry.view.title, box, wrap=True))
            column.addWidget(note("The transaction data exactly as received (base64url):", box,
                                  small=True))
            raw = WrappedText(entry.raw, box, font=mono, max_lines=4,
                              accessible_name="Transaction data")
            column.addWidget(raw)
            column.addWidget(note(f"Its hash ({HASH_ALG}, base64url), which your signature "
                                  "confirms:", box, small=True))
            digest = WrappedText(entry.hash, box, font=mono, accessible_name="Hash")
            column.addWidget(digest)
            self.raw_fields.append(raw)
            self.hash_fields.append(digest)
        return box

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setAccessibleName("Hide details" if shown else "Show details")
        self.details_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        if shown:
            self.scroll_area.ensureWidgetVisible(self.details)

    # --- state ----------------------------------------------------------------------------

    @property
    def working(self) -> bool:
        return self._task is not None

    def _update_buttons(self) -> None:
        idle = not self.working and self.outcome is None
        resend = self.response is not None
        self.passphrase.setEnabled(idle and not resend and self.payable)
        self.approve_button.setEnabled(
            idle and self.payable and (resend or bool(self.passphrase.text()))
        )
        self.decline_button.setEnabled(not self._signing)

    def _start(self, text: str, fn: Callable[..., Any], *args: Any,
               on_result: Callable[[Any], object],
               on_error: Callable[[BaseException], object]) -> None:
        self.busy.start(text)
        handle: TaskHandle | None = None

        def finished() -> None:
            if self._task is handle:  # a next step may have started already
                self._task = None
                self.busy.stop()
                self._update_buttons()

        handle = self.session.run(fn, *args, on_result=on_result, on_error=on_error,
                                  on_finished=finished)
        self._task = handle
        self._update_buttons()

    def _only_close(self) -> None:
        self.approve_button.hide()
        self.passphrase.hide()
        self.confirm_note.hide()
        self.decline_button.setText("Close")
        self.decline_button.setAccessibleName("Close")
        self.decline_button.setEnabled(True)
        self.decline_button.setFocus()

    # --- approving ------------------------------------------------------------------------

    def approve(self) -> None:
        """Re-authenticate, then sign and send; after a failed send, send again."""
        if self.working or not self.approve_button.isEnabled():
            return
        if self.response is not None:
            self._send()
            return
        passphrase = self.passphrase.text()
        self.passphrase.clear()
        if not passphrase:
            self.message.show_message(TYPE_PASSPHRASE, Tone.INFO)
            return
        self.message.clear()
        self._start("Checking your passphrase…", self.session.wallet.derive_kek, passphrase,
                    on_result=self._reauthenticated, on_error=self._reauth_failed)

    def _reauthenticated(self, kek: bytes) -> None:
        try:
            self.session.wallet.unlock_with_kek(kek)
        except TesseraError as exc:
            self._reauth_failed(exc)
            return
        request, shares, wallet = self.request, self.shares, self.session.wallet
        consent = self.consent

        def sign() -> dict[str, Any]:
            return build_response(wallet, request, shares, approved=request.transaction_data,
                                  consent=consent)

        self._signing = True
        self._start("Signing…", sign, on_result=self._signed, on_error=self._sign_failed)

    def _reauth_failed(self, exc: BaseException) -> None:
        sentence, details = explain(exc, "check your passphrase")
        self.message.show_message(sentence, Tone.ERROR, details)
        grow_to_fit(self)
        self.passphrase.setFocus()

    def _signed(self, response: dict[str, Any]) -> None:
        self.response = response
        self.decision = "approved"
        self.session.changed.emit()  # the approval and the presentation are in the log
        self._send()

    def _sign_failed(self, exc: BaseException) -> None:
        self._signing = False
        sentence, details = plain_sentence(exc, "sign")
        self.message.show_message(NOT_SIGNED.format(sentence=sentence), Tone.ERROR, details)
        grow_to_fit(self)

    def _send(self) -> None:
        request, shares, response = self.request, self.shares, self.response
        assert response is not None

        def send() -> ResponseResult:
            import httpx

            with httpx.Client(timeout=HTTP_TIMEOUT) as client:
                return post_response(request, response, client, shares)

        self._signing = True
        self.message.clear()
        self._start(f"Sending to {verifier_name(request)}…", send, on_result=self._sent,
                    on_error=self._send_failed)

    def _sent(self, outcome: ResponseResult) -> None:
        self._signing = False
        self.outcome = outcome
        paid = any(is_payment(entry) for entry in self.request.transactions)
        text = PAID if paid else SIGNED.format(name=verifier_name(self.request))
        self.result_message.show_message(text, Tone.SUCCESS)
        self.message.clear()
        self._only_close()
        grow_to_fit(self)

    def _send_failed(self, exc: BaseException) -> None:
        self._signing = False
        sentence, details = plain_sentence(exc, "send your approval")
        text = NOT_DELIVERED.format(name=verifier_name(self.request), sentence=sentence)
        self.result_message.show_message(text, Tone.ERROR, details)
        if getattr(exc, "code", "") == "verifier_unreachable":
            self.approve_button.setText("Send again")  # the same signed answer
            self.approve_button.setAccessibleName("Send again")
            self.passphrase.hide()
            self.confirm_note.hide()
        else:
            self._only_close()
        grow_to_fit(self)

    # --- declining ------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the passphrase field approves (it would press Decline, the default)."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.focusWidget() is self.passphrase:
            self.approve()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Decline: log the refusal, sign and send nothing. While signing or sending the
        dialog stays until that is done; afterwards this only closes it."""
        if self._signing:
            return
        if self._task is not None:  # checking the passphrase: stop, nothing was signed
            self._task.cancel()
            self._task = None
            self.busy.stop()
        if self.decision is None:
            record_decline(self.session, self.request)
            self.decision = "declined"
        super().reject()

