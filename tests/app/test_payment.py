"""The payment approval screen against the real demo verifier's shop (uvicorn on
loopback) and a real vault: the amount, currency and payee exactly as requested, nothing
signed before Approve and a passphrase, Decline logs the refusal and sends nothing, and
the whole chain from the demo issuer's bank account to a verified payment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt, QThreadPool

from app.context import AppContext
from app.dialogs.common import WRONG_PASSPHRASE
from app.dialogs.payment import PAID, PaymentApprovalDialog
from app.dialogs.request_review import RequestReviewDialog
from app.formatting import log_kind
from app.main_window import MainWindow
from app.request_text import REVIEW_PAYMENT, REVIEW_SIGNING
from app.session import WalletSession
from app.views.activity import ActivityPage
from core.payments import SIGN_TEXT, encode_transaction_data, transaction_data_hash
from core.services.issuer import create_issuer_app
from core.services.merchant import PAYMENT_QUERY_ID, PAYMENT_VCT, SHOP_ID, SHOP_NAME
from core.services.runner import serve_in_thread
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import WAIT_MS, click, press, type_into
from tests.app.issuing import TestIssuer, holder_key
from tests.app.test_full_chain import scan_request
from tests.app.test_receive_flow import ISSUER_KEY, accept, make_offer, paste_link
from tests.app.test_request_review import new_request, review, running_verifier, status

ACCOUNT_CLAIMS: dict[str, Any] = {
    "holder_name": "Erika Mustermann",
    "iban": "DE89370400440532013000",
    "account_display": "DE89 •••• 3000",
    "bank_name": "Demo Bank",
}


@pytest.fixture
def verifier() -> Iterator[str]:
    with running_verifier() as base_url:
        yield base_url


@contextmanager
def payer_session(context: AppContext) -> Iterator[WalletSession]:
    """A real vault (fast KDF) holding a bank account credential like the demo issuer's."""
    wallet, _phrase = Wallet.create(context.vault_dir, PASSPHRASE, kdf=context.kdf)
    account = TestIssuer.new().issue(
        holder_key(wallet), ACCOUNT_CLAIMS, list(ACCOUNT_CLAIMS), PAYMENT_VCT
    )
    wallet.import_credential(account)
    opened = WalletSession(wallet, context)
    try:
        yield opened
    finally:
        QThreadPool.globalInstance().waitForDone(5000)
        opened.close()


@pytest.fixture
def session(qapp, wallet_context: AppContext) -> Iterator[WalletSession]:
    with payer_session(wallet_context) as opened:
        yield opened


def checkout(base_url: str, amount: str = "12.50", currency: str = "EUR",
             payee: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"amount": amount, "currency": currency}
    if payee is not None:
        body["payee"] = payee
    answer = httpx.post(f"{base_url}/demo/checkout", json=body, timeout=10)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def open_payment(qtbot, dialog: RequestReviewDialog) -> PaymentApprovalDialog:
    """Press "Review payment…" on the review screen and wait for the payment screen."""
    click(qtbot, dialog.share_button)
    payment = dialog.payment
    assert isinstance(payment, PaymentApprovalDialog)
    qtbot.waitExposed(payment)
    return payment


def approve(qtbot, payment: PaymentApprovalDialog, passphrase: str) -> None:
    type_into(qtbot, payment.passphrase, passphrase)
    click(qtbot, payment.approve_button)
    qtbot.waitUntil(lambda: not payment.working, timeout=WAIT_MS)


def kinds(session: WalletSession) -> list[str]:
    return [entry.kind for entry in session.wallet.ledger.entries()]


def nothing_signed(session: WalletSession, base_url: str, request_id: str) -> bool:
    log = kinds(session)
    return (status(base_url, request_id)["status"] == "pending"
            and "credential.presented" not in log and "payment.approved" not in log)


@pytest.mark.parametrize(
    ("payee", "payee_id", "amount", "currency", "shown"),
    [
        ("Café Zürich ÅB", "CH93 0076 2011 6238 5295 7", "1234567890123.05", "EUR",
         "1,234,567,890,123.05"),
        ("東京ストア", "JP-TOKYO-STORE-0001", "1500", "JPY", "1,500"),
        ("Café Zürich ÅB", "KW81CBKU0000000000001234560101", "1.234", "KWD", "1.234"),
    ],
)
def test_amount_currency_and_payee_are_shown_exactly(
    qtbot, session: WalletSession, verifier: str,
    payee: str, payee_id: str, amount: str, currency: str, shown: str,
) -> None:
    created = checkout(verifier, amount, currency, {"name": payee, "id": payee_id})
    dialog = review(qtbot, session, created["request_uri"])
    [section] = dialog.sections
    assert section.stored.vct == PAYMENT_VCT
    assert section.boxes["account_display"].isChecked()
    assert dialog.share_button.text() == REVIEW_PAYMENT
    payment = open_payment(qtbot, dialog)

    assert payment.windowTitle() == "Approve a payment"
    assert payment.title.text() == "Tessera demo verifier asks you to pay"
    assert [label.text() for label in payment.amount_labels] == [shown]
    assert [label.text() for label in payment.currency_labels] == [currency]
    assert [text.text() for text in payment.payee_names] == [payee]
    assert [text.text() for text in payment.payee_ids] == [payee_id]
    [rows] = payment.field_rows
    assert ("Transaction", created["order_id"]) in rows
    [paid_from] = [value for label, value in rows if label == "Paid from"]
    assert paid_from.startswith("Bank account · DE89 •••• 3000 · issued by did:key:")
    # Nothing is clipped: the big amount has its full width, wrapped texts their height.
    [big] = payment.amount_labels
    assert big.width() >= big.sizeHint().width()
    for text in (*payment.payee_names, *payment.payee_ids):
        assert text.height() >= text.document().size().height()
    # The safe choice is the default, and nothing happened yet.
    assert payment.decline_button.isDefault() and not payment.approve_button.isDefault()
    assert not payment.approve_button.isEnabled()  # no passphrase yet
    assert nothing_signed(session, verifier, created["id"])


def test_wrong_passphrase_then_right_pays(qtbot, session: WalletSession, verifier: str) -> None:
    created = checkout(verifier, "12.50", "EUR")
    dialog = review(qtbot, session, created["request_uri"])
    payment = open_payment(qtbot, dialog)

    approve(qtbot, payment, "not the passphrase")
    assert payment.message.isVisible() and payment.message.text == WRONG_PASSPHRASE
    assert payment.passphrase.text() == ""  # cleared after use
    assert payment.decision is None and payment.outcome is None
    assert nothing_signed(session, verifier, created["id"])
    assert not session.wallet.is_locked  # a wrong passphrase changed nothing

    approve(qtbot, payment, PASSPHRASE)
    assert payment.outcome is not None and payment.decision == "approved"
    assert payment.result_message.text == PAID
    assert payment.decline_button.text() == "Close" and not payment.approve_button.isVisible()
    assert status(verifier, created["id"])["status"] == "verified"
    [entry] = [e for e in session.wallet.ledger.entries() if e.kind == "payment.approved"]
    assert entry.details["amount"] == "12.50" and entry.details["currency"] == "EUR"
    assert entry.details["payee"] == SHOP_NAME and entry.details["payee_id"] == SHOP_ID
    assert entry.details["hash"] == transaction_data_hash(created["transaction_data"][0])
    assert "credential.presented" in kinds(session)

    click(qtbot, payment.decline_button)  # Close
    assert not payment.isVisible() and dialog.outcome is payment.outcome
    assert dialog.result_message.text == PAID and dialog.decline_button.text() == "Close"
    assert "payment.declined" not in kinds(session)


def test_enter_in_the_passphrase_field_approves_with_the_chosen_consent(
    qtbot, session: WalletSession, verifier: str
) -> None:
    created = checkout(verifier)
    dialog = review(qtbot, session, created["request_uri"])
    dialog.duration_picker.set_duration("30d")  # the consent chosen there is recorded
    payment = open_payment(qtbot, dialog)
    assert payment.consent == "30d"
    type_into(qtbot, payment.passphrase, PASSPHRASE)
    press(qtbot, payment.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: payment.outcome is not None, timeout=WAIT_MS)
    assert status(verifier, created["id"])["status"] == "verified"
    [consent] = [e for e in session.wallet.ledger.entries() if e.kind == "consent.granted"]
    assert consent.details["duration"] == "30d"


def test_decline_logs_the_refusal_and_sends_nothing(
    qtbot, session: WalletSession, verifier: str
) -> None:
    created = checkout(verifier, "99.99", "EUR")
    dialog = review(qtbot, session, created["request_uri"])
    payment = open_payment(qtbot, dialog)
    type_into(qtbot, payment.passphrase, PASSPHRASE)  # typed, but never approved
    click(qtbot, payment.decline_button)
    assert not payment.isVisible() and not dialog.isVisible()
    assert payment.decision == "declined" and payment.outcome is None
    [entry] = [e for e in session.wallet.ledger.entries() if e.kind == "payment.declined"]
    assert entry.details["amount"] == "99.99" and entry.details["payee"] == SHOP_NAME
    assert entry.summary.startswith("Declined a payment of 99.99 EUR to Tessera Demo Shop")
    assert nothing_signed(session, verifier, created["id"])


def test_escape_declines_on_either_screen(qtbot, session: WalletSession, verifier: str) -> None:
    created = checkout(verifier)
    dialog = review(qtbot, session, created["request_uri"])
    payment = open_payment(qtbot, dialog)
    press(qtbot, payment, Qt.Key.Key_Escape)
    assert not payment.isVisible() and kinds(session).count("payment.declined") == 1

    before = review(qtbot, session, created["request_uri"])  # declined before the payment
    press(qtbot, before, Qt.Key.Key_Escape)
    assert not before.isVisible() and kinds(session).count("payment.declined") == 2
    assert nothing_signed(session, verifier, created["id"])


def test_details_show_the_exact_string_and_its_hash(
    qtbot, session: WalletSession, verifier: str
) -> None:
    created = checkout(verifier, "12.50", "EUR")
    [raw] = created["transaction_data"]
    dialog = review(qtbot, session, created["request_uri"])
    payment = open_payment(qtbot, dialog)
    assert not payment.details.isVisible()
    click(qtbot, payment.details_button)
    assert payment.details.isVisible()
    [shown_raw], [shown_hash] = payment.raw_fields, payment.hash_fields
    assert shown_raw.isVisible() and shown_raw.text() == raw
    assert shown_hash.isVisible() and shown_hash.text() == transaction_data_hash(raw)
    assert shown_hash.isReadOnly() and shown_hash.font().fixedPitch()
    click(qtbot, payment.details_button)
    assert not payment.details.isVisible()


def test_several_entries_with_text_to_sign(qtbot, session: WalletSession, verifier: str) -> None:
    terms = "\n\n".join(f"§{n}. The buyer agrees to clause {n} of the terms." for n in range(40))
    sign_text = encode_transaction_data({
        "type": SIGN_TEXT, "credential_ids": [PAYMENT_QUERY_ID],
        "title": "Terms of the Tessera Demo Shop", "text": terms,
    })
    order = checkout(verifier, "7.00", "EUR")
    created = new_request(
        verifier,
        {"credentials": [{"id": PAYMENT_QUERY_ID, "format": "dc+sd-jwt",
                          "meta": {"vct_values": [PAYMENT_VCT]},
                          "claims": [{"path": ["account_display"]}]}]},
        transaction_data=[*order["transaction_data"], sign_text],
    )
    dialog = review(qtbot, session, created["request_uri"])
    assert dialog.share_button.text() == REVIEW_PAYMENT
    payment = open_payment(qtbot, dialog)
    assert payment.title.text() == "Tessera demo verifier asks you to pay and to sign"
    assert [label.text() for label in payment.amount_labels] == ["7.00"]
    [body] = payment.texts
    assert body.text() == terms and body.isReadOnly()
    assert body.verticalScrollBar().maximum() > 0  # a long text scrolls in its box
    assert len(payment.hash_fields) == 2
    assert [f.text() for f in payment.raw_fields] == [*order["transaction_data"], sign_text]

    approve(qtbot, payment, PASSPHRASE)
    assert status(verifier, created["id"])["status"] == "verified"
    log = kinds(session)
    assert "payment.approved" in log and "transaction.approved" in log


def test_text_to_sign_alone_says_review_and_sign(
    qtbot, session: WalletSession, verifier: str
) -> None:
    sign_text = encode_transaction_data({
        "type": SIGN_TEXT, "credential_ids": [PAYMENT_QUERY_ID],
        "title": "Direct debit mandate", "text": "I allow the shop to collect my orders.",
    })
    created = new_request(
        verifier,
        {"credentials": [{"id": PAYMENT_QUERY_ID, "format": "dc+sd-jwt",
                          "meta": {"vct_values": [PAYMENT_VCT]},
                          "claims": [{"path": ["account_display"]}]}]},
        transaction_data=[sign_text],
    )
    dialog = review(qtbot, session, created["request_uri"])
    assert dialog.share_button.text() == REVIEW_SIGNING
    payment = open_payment(qtbot, dialog)
    assert payment.windowTitle() == "Approve and sign" and not payment.amount_labels
    click(qtbot, payment.decline_button)
    assert kinds(session).count("transaction.declined") == 1
    assert status(verifier, created["id"])["status"] == "pending"


# --- the whole chain through the main window ------------------------------------------------


@pytest.fixture
def services() -> Iterator[tuple[str, str]]:
    with serve_in_thread(
        lambda base_url: create_issuer_app(base_url=base_url, issuer_key=ISSUER_KEY)
    ) as issuer, running_verifier() as verifier:
        yield issuer, verifier


def test_bank_account_from_the_issuer_pays_a_checkout(
    qtbot, wallet_window: MainWindow, services: tuple[str, str]
) -> None:
    issuer, verifier = services
    offer = paste_link(qtbot, wallet_window,
                       make_offer(issuer, credential_configuration_id="bank_account"))
    assert offer.types_label.text() == "Bank account"
    accept(qtbot, offer)
    assert offer.stored is not None and offer.stored.vct == PAYMENT_VCT
    press(qtbot, offer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: wallet_window.offer_dialog is None, timeout=WAIT_MS)

    created = checkout(verifier, "12.50", "EUR")
    dialog = scan_request(qtbot, wallet_window, created["request_uri"])
    [section] = dialog.sections
    assert section.stored.id == offer.stored.id
    payment = open_payment(qtbot, dialog)
    assert [label.text() for label in payment.amount_labels] == ["12.50"]
    assert [text.text() for text in payment.payee_names] == [SHOP_NAME]
    [rows] = payment.field_rows
    assert any(label == "Paid from" and "DE89 •••• 3000" in value for label, value in rows)
    assert status(verifier, created["id"])["status"] == "pending"

    approve(qtbot, payment, PASSPHRASE)
    assert payment.result_message.text == PAID
    assert status(verifier, created["id"])["status"] == "verified"
    session = wallet_window.session
    assert session is not None
    assert "payment.approved" in kinds(session)

    click(qtbot, payment.decline_button)  # Close
    click(qtbot, dialog.decline_button)  # Close
    wallet_window.show_page("activity")
    activity = wallet_window.pages["activity"]
    assert isinstance(activity, ActivityPage)
    qtbot.waitUntil(lambda: not activity.checking, timeout=WAIT_MS)
    model = activity.model
    shown = [model.index(row, 1).data() for row in range(model.rowCount())]
    assert log_kind("payment.approved") == "Payment approved" and "Payment approved" in shown
