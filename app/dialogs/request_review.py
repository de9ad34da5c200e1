"""Review an OpenID4VP request before answering it: who asks (and whether that is
verified), why, which of your credentials answers each part, a check box per claim
(required ones ticked and locked, optional ones unticked), and exactly what the verifier
will receive. Nothing is sent until Share is pressed; Decline is the default button and
Escape declines.

The request is fetched and the answer built and posted on workers (with progress); the
dialog then shows the result. Below the claims the person picks how long the verifier may
use them (this once by default, 1 day, 30 days, until withdrawn); sharing records a
signed consent for that long (:mod:`core.consents`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QPalette, QTextOption
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.credential_text import claim_label, format_value, issuer_name, kind_name, type_label
from app.dialogs.common import caption, heading, note
from app.dialogs.payment import PaymentApprovalDialog, record_decline
from app.dialogs.requester import (
    HTTP_TIMEOUT,
    plain_sentence,
    show_requester,
)
from app.dialogs.requester import NO_PURPOSE as NO_PURPOSE
from app.dialogs.requester import NOT_VERIFIED as NOT_VERIFIED
from app.dialogs.requester import VERIFIED as VERIFIED
from app.dialogs.share import preview_text
from app.request_text import ahead_note, review_button_text, verifier_name
from app.session import WalletSession
from app.views.busy import BusyIndicator
from app.views.consent_duration import ConsentDurationPicker
from app.views.message import InlineMessage, Tone
from app.views.phrase import monospace_font
from app.workers import TaskHandle
from core.credentials import StoredCredential
from core.dcql import Candidate, CredentialMatch, DcqlMatch, match
from core.errors import TesseraError
from core.oid4vp import (
    AuthorizationRequest,
    ResponseResult,
    Share,
    build_response,
    fetch_request,
    plan,
    post_response,
)
from core.sdjwt.holder import HeldCredential
from core.sdjwt.process import ClaimPath, format_path
from core.vc import HeldW3cCredential

REQUIRED_WHY = "The verifier needs this"
OPTIONAL_WHY = "Optional: the verifier can do without it"
CANNOT_ANSWER = "Your wallet cannot answer this request."
WHOLE_SECTION = ("This credential is shared whole: the verifier will see every claim in it, "
                 "not only what it asks for.")
WHOLE_ROW = "Shared whole"


@dataclass
class Section:
    """One credential that answers one credential query, and its check boxes."""

    query_id: str
    stored: StoredCredential
    held: HeldCredential | HeldW3cCredential
    found: CredentialMatch
    boxes: dict[str, QCheckBox] = field(default_factory=dict)
    #: The "shared whole" warning of a W3C credential's section.
    whole_note: InlineMessage | None = None

    def ticked(self) -> list[str]:
        return [path for path, box in self.boxes.items() if box.isChecked()]


def _claim_text(held: HeldCredential | HeldW3cCredential, path: ClaimPath) -> str:
    """A claim as a person reads it, such as "Address, Locality: Köln" (a W3C
    credential's paths start at the credential; its ``credentialSubject`` goes unsaid)."""
    value: Any
    if isinstance(held, HeldW3cCredential):
        value = held.unsecured
        subject = path[:1] == ("credentialSubject",) and len(path) > 1
        shown = path[1:] if subject else path
    else:
        value, shown = held.claims, path
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            value = None
            break
    label = ", ".join(claim_label(step) for step in shown)
    if isinstance(value, dict | list) or value is None:
        return label
    return f"{label}: {format_value(value)}"


class RequestReviewDialog(QDialog):
    """Fetches ``request_uri`` and lets the person answer it or decline.

    Afterwards ``outcome`` holds the ResponseResult when something was shared; ``request``
    the fetched request (None until fetched or when fetching failed).
    """

    def __init__(
        self, session: WalletSession, request_uri: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.request_uri = request_uri
        self.request: AuthorizationRequest | None = None
        self.found: DcqlMatch | None = None
        self.sections: list[Section] = []
        self.shares: tuple[Share, ...] = ()
        self.outcome: ResponseResult | None = None
        self._task: TaskHandle | None = None
        #: The payment screen, once the person went on to it.
        self.payment: PaymentApprovalDialog | None = None
        self.setWindowTitle("Share with a verifier")
        self.setMinimumSize(880, 640)

        self.title = heading("Checking the request…", self)
        self.identifier = note("", self)
        self.trust = QLabel(self)
        self.trust.setObjectName("trustState")
        self.trust.setWordWrap(True)
        self.purpose = QLabel(self)
        self.purpose.setWordWrap(True)
        self.trust.hide()
        self.purpose.hide()

        self.body = QWidget(self)
        self.sections_box = QVBoxLayout()
        self.sections_box.setSpacing(10)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("sharePreview")
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("They will receive")
        self.preview.setFont(monospace_font(self.font(), 0.92))
        self.preview.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._build_body()
        self.body.hide()
        self.duration_picker = ConsentDurationPicker(self)
        self.duration_picker.hide()

        self.message = InlineMessage(self)
        self.busy = BusyIndicator(self)
        self.result_message = InlineMessage(self, banner=True)

        self.buttons = QDialogButtonBox(self)
        self.decline_button = QPushButton("Cancel", self)
        self.decline_button.setAccessibleName("Cancel")
        self.decline_button.setDefault(True)  # the safe choice is the easy one
        self.buttons.addButton(self.decline_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.share_button = QPushButton("Share", self)
        self.share_button.setProperty("primary", True)
        self.share_button.setAccessibleName("Share")
        self.share_button.setAutoDefault(False)
        self.share_button.hide()
        self.buttons.addButton(self.share_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.share_button.clicked.connect(self.share)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.identifier)
        layout.addWidget(self.trust)
        layout.addWidget(self.purpose)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.duration_picker)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.result_message)
        layout.addStretch(0)
        layout.addWidget(self.buttons)
        self.decline_button.setFocus()
        self._fetch()

    def _build_body(self) -> None:
        holder = QWidget(self.body)
        holder.setLayout(self.sections_box)
        self.sections_box.setContentsMargins(0, 0, 8, 0)
        scroll = QScrollArea(self.body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(caption("What they ask for", self))
        left.addWidget(scroll, 1)
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(caption("They will receive", self))
        right.addWidget(self.preview, 1)
        columns = QHBoxLayout(self.body)
        columns.setContentsMargins(0, 6, 0, 0)
        columns.setSpacing(16)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)

    # --- state ----------------------------------------------------------------------------

    @property
    def working(self) -> bool:
        return self._task is not None

    @property
    def can_share(self) -> bool:
        return bool(self.sections) and self.outcome is None

    def _start(self, text: str, fn: Callable[..., Any], on_result: Callable[[Any], object],
               on_error: Callable[[BaseException], object]) -> None:
        self.busy.start(text)
        self._task = self.session.run(fn, on_result=on_result, on_error=on_error,
                                      on_finished=self._finished)

    def _finished(self) -> None:
        self._task = None
        self.busy.stop()

    def _only_close(self) -> None:
        self.share_button.hide()
        self.decline_button.setText("Close")
        self.decline_button.setAccessibleName("Close")
        self.decline_button.setFocus()

    # --- fetching -------------------------------------------------------------------------

    def _fetch(self) -> None:
        uri, clock = self.request_uri, self.session.wallet.clock

        def fetch() -> AuthorizationRequest:
            import httpx

            with httpx.Client(timeout=HTTP_TIMEOUT) as client:
                return fetch_request(uri, client, clock=clock)

        self._start("Fetching the request…", fetch, self._fetched, self._fetch_failed)

    def _fetch_failed(self, exc: BaseException) -> None:
        self.title.setText("This request could not be read")
        sentence, details = plain_sentence(exc, "read the request")
        self.message.show_message(sentence, Tone.ERROR, details)
        self._only_close()

    def _fetched(self, request: AuthorizationRequest) -> None:
        self.request = request
        self._show_header(request)
        stored = {credential.id: credential for credential in self.session.credentials()}
        candidates = []
        for credential in stored.values():
            try:
                candidates.append(Candidate.from_stored(credential))
            except TesseraError:
                continue  # a damaged record: it cannot answer
        self.found = match(request.dcql, candidates)
        if not self.found.satisfied:
            lines = "\n\n".join(self.found.explanations) or "Nothing in your wallet answers it."
            self.message.show_message(f"{CANNOT_ANSWER}\n\n{lines}", Tone.WARNING,
                                      "Error code: no_matching_credential")
            self._only_close()
            return
        for query_id, matches in self.found.answer().items():
            for found in matches:
                credential = stored[found.credential_id]
                section = Section(query_id, credential, credential.parsed(), found)
                self.sections.append(section)
                self.sections_box.addWidget(self._section_box(section))
        for line in self.found.notes:
            self.sections_box.addWidget(note(line, self, small=True))
        if request.transactions:  # Share becomes a step to the payment screen
            self.sections_box.addWidget(note(ahead_note(request), self, small=True))
            self.share_button.setText(review_button_text(request))
            self.share_button.setAccessibleName(review_button_text(request))
        self.sections_box.addStretch(1)
        self.body.show()
        self.duration_picker.show()
        self.decline_button.setText("Decline")
        self.decline_button.setAccessibleName("Decline")
        self.share_button.show()
        self.update_preview()
        self.decline_button.setFocus()

    def _show_header(self, request: AuthorizationRequest) -> None:
        self.title.setText(f"{verifier_name(request)} asks for your data")
        show_requester(request, self.identifier, self.trust, self.purpose)

    def _section_box(self, section: Section) -> QGroupBox:
        stored = section.stored
        kind = type_label(kind_name(stored.kind, shared_whole=stored.shared_whole)) or "Credential"
        source = issuer_name(stored.issuer) if stored.issuer else "an unknown issuer"
        box = QGroupBox(f"{kind} from {source}", self)
        box.setAccessibleName(f"{kind} from {source}")
        column = QVBoxLayout(box)
        column.setSpacing(4)
        column.addWidget(note("This credential in your wallet will answer.", box, small=True))
        if stored.shared_whole:  # no selective disclosure: say so before anything is sent
            whole = InlineMessage(box)
            whole.show_message(WHOLE_SECTION, Tone.WARNING, f"Format: {stored.format}")
            column.addWidget(whole)
            section.whole_note = whole
        optional = set() if stored.shared_whole else set(section.found.optional)
        for path in section.found.paths:
            dotted = format_path(path)
            check = QCheckBox(_claim_text(section.held, path), box)
            check.setAccessibleName(dotted)
            required = path not in optional
            check.setChecked(required)  # minimal by default: optional ones start unticked
            check.setEnabled(not required)
            if required:  # locked, but shared: keep it as readable as the rest
                palette = check.palette()
                group, role = QPalette.ColorGroup, QPalette.ColorRole
                normal = palette.color(group.Active, role.WindowText)
                palette.setColor(group.Disabled, role.WindowText, normal)
                palette.setColor(group.Disabled, role.Text, normal)
                check.setPalette(palette)
            why = REQUIRED_WHY if required else OPTIONAL_WHY
            check.setToolTip(why)
            check.toggled.connect(self.update_preview)
            section.boxes[dotted] = check
            row = QHBoxLayout()
            row.setSpacing(8)
            row.addWidget(check)
            row.addWidget(note(WHOLE_ROW if stored.shared_whole else why, box, small=True), 1)
            column.addLayout(row)
        return box

    # --- choosing -------------------------------------------------------------------------

    def chosen_paths(self) -> list[str]:
        """Every ticked claim (required ones included), as dotted paths."""
        return [path for section in self.sections for path in section.ticked()]

    def update_preview(self) -> None:
        if self.request is None or not self.sections:
            return
        try:
            self.shares = plan(self.request, [s.stored for s in self.sections],
                               self.chosen_paths())
        except TesseraError as exc:
            self.shares = ()
            sentence, details = plain_sentence(exc, "prepare the answer")
            self.message.show_message(sentence, Tone.WARNING, details)
            self.share_button.setEnabled(False)
            self.preview.setPlainText("")
            return
        self.message.clear()
        self.share_button.setEnabled(True)
        held = {s.stored.id: s.held for s in self.sections}
        parts = []
        for share in self.shares:
            text = preview_text(held[share.credential_id].will_disclose(share.paths))
            parts.append(text if len(self.shares) == 1 else f"// {share.query_id}\n{text}")
        self.preview.setPlainText("\n\n".join(parts))

    # --- sharing --------------------------------------------------------------------------

    def share(self) -> None:
        if self.working or not self.can_share or self.request is None or not self.shares:
            return
        if self.request.transactions:
            self.review_transactions()
            return
        request, shares, wallet = self.request, self.shares, self.session.wallet
        duration = self.duration_picker.duration

        def send() -> ResponseResult:
            import httpx

            response = build_response(wallet, request, shares, consent=duration)
            with httpx.Client(timeout=HTTP_TIMEOUT) as client:
                return post_response(request, response, client, shares)

        self.message.clear()
        self._set_choosing(False)
        name = request.verifier_name or request.verifier
        self._start(f"Sending to {name}…", send, self._sent, self._send_failed)

    def _set_choosing(self, enabled: bool) -> None:
        self.share_button.setEnabled(enabled)
        self.duration_picker.setEnabled(enabled)
        for section in self.sections:
            for box in section.boxes.values():
                box.setEnabled(enabled and box.toolTip() != REQUIRED_WHY)

    def _sent(self, outcome: ResponseResult) -> None:
        self.outcome = outcome
        self.session.changed.emit()  # the presentation is in the log
        request = outcome.request
        name = request.verifier_name or request.verifier
        self.result_message.show_message(
            f"Shared with {name}. It received what is shown under “They will receive”.",
            Tone.SUCCESS,
        )
        self._only_close()

    def _send_failed(self, exc: BaseException) -> None:
        self.session.changed.emit()  # a presentation may have been made and logged
        sentence, details = plain_sentence(exc, "send your answer")
        self.result_message.show_message(sentence, Tone.ERROR, details)
        code = getattr(exc, "code", "")
        if code == "verifier_unreachable":
            self._set_choosing(True)  # trying again may work
        else:
            self._only_close()

    # --- transactions (payments) --------------------------------------------------------

    def review_transactions(self) -> None:
        """Open the payment screen for the chosen claims; it signs, sends or declines."""
        assert self.request is not None
        chosen = {section.stored.id: section.stored for section in self.sections}
        dialog = PaymentApprovalDialog(self.session, self.request, self.shares, chosen,
                                       consent=self.duration_picker.duration, parent=self)
        dialog.finished.connect(self._payment_finished)
        self.payment = dialog
        dialog.open()

    def _payment_finished(self, _result: int) -> None:
        dialog = self.payment
        if dialog is None:
            return
        if dialog.decision == "declined":
            super().reject()  # the payment screen logged the refusal
        elif dialog.outcome is not None:
            self.outcome = dialog.outcome
            self.result_message.show_message(dialog.result_message.text, Tone.SUCCESS)
            self._set_choosing(False)
            self._only_close()
        elif dialog.decision == "approved":  # signed, but the verifier did not take it
            self.result_message.show_message(dialog.result_message.text, Tone.ERROR,
                                             dialog.result_message.details)
            self._set_choosing(False)
            self._only_close()

    # --- closing --------------------------------------------------------------------------

    def reject(self) -> None:
        """Decline (or Cancel while fetching). While the answer is being sent it cannot be
        called back, so the dialog stays until the verifier has answered. Declining a
        request with transactions logs the refusal."""
        if self.working:
            if self.request is not None:
                return
            assert self._task is not None
            self._task.cancel()
        elif self.payment is not None and self.payment.isVisible():
            self.payment.reject()  # declines, then closes this dialog too
            return
        elif (self.request is not None and self.request.transactions and self.sections
              and self.outcome is None
              and (self.payment is None or self.payment.decision is None)):
            record_decline(self.session, self.request)
        super().reject()
