"""The request review dialog against the real demo verifier (uvicorn on loopback) and a
real vault: who asks, what is required, minimal by default, and nothing is sent without
pressing Share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QDialog, QLabel

from app.context import AppContext
from app.dialogs.request_review import (
    CANNOT_ANSWER,
    NOT_VERIFIED,
    OPTIONAL_WHY,
    REQUIRED_WHY,
    RequestReviewDialog,
)
from app.request_text import REVIEW_PAYMENT
from app.session import WalletSession
from core.clock import SystemClock
from core.did import did_key_from_public_key
from core.keys import Ed25519PrivateKey
from core.payments import payment_entry
from core.services.runner import serve_in_thread
from core.services.verifier import create_verifier_app
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import WAIT_MS, click
from tests.app.issuing import PID_VCT, TestIssuer, holder_key


@contextmanager
def running_verifier(**options: Any) -> Iterator[str]:
    def factory(base_url: str) -> Any:
        return create_verifier_app(base_url=base_url, clock=SystemClock(), **options)

    with serve_in_thread(factory) as base_url:
        yield base_url


@pytest.fixture
def verifier() -> Iterator[str]:
    with running_verifier() as base_url:
        yield base_url


@contextmanager
def open_session(context: AppContext) -> Iterator[WalletSession]:
    """A real vault (fast KDF) holding one identity credential bound to its identity."""
    wallet, _phrase = Wallet.create(context.vault_dir, PASSPHRASE, kdf=context.kdf)
    wallet.import_credential(TestIssuer.new().issue(holder_key(wallet)))
    opened = WalletSession(wallet, context)
    try:
        yield opened
    finally:
        QThreadPool.globalInstance().waitForDone(5000)
        opened.close()


@pytest.fixture
def session(qapp, wallet_context: AppContext) -> Iterator[WalletSession]:
    with open_session(wallet_context) as opened:
        yield opened


def query(*claims: list[str], vct: str = PID_VCT, claim_sets: Any = None) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "id": "pid",
        "format": "dc+sd-jwt",
        "meta": {"vct_values": [vct]},
        "claims": [{"id": f"c{i}", "path": path} for i, path in enumerate(claims)],
    }
    if claim_sets is not None:
        credential["claim_sets"] = claim_sets
    return {"credentials": [credential]}


NAME_AND_TOWN = query(["given_name"], ["address", "locality"])


def new_request(base_url: str, dcql: dict[str, Any], **extra: Any) -> dict[str, Any]:
    answer = httpx.post(f"{base_url}/demo/requests", json={"dcql_query": dcql, **extra},
                        timeout=10)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def status(base_url: str, request_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{base_url}/demo/requests/{request_id}", timeout=10).json()
    return body


def review(qtbot, session: WalletSession, uri: str) -> RequestReviewDialog:
    dialog = RequestReviewDialog(session, uri)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT_MS)
    return dialog


def preview(dialog: RequestReviewDialog) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(dialog.preview.toPlainText())
    return parsed


def share(qtbot, dialog: RequestReviewDialog) -> None:
    click(qtbot, dialog.share_button)
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT_MS)


def test_required_claims_are_shared_and_verified(
    qtbot, session: WalletSession, verifier: str
) -> None:
    created = new_request(verifier, NAME_AND_TOWN, purpose="Check your name and town")
    dialog = review(qtbot, session, created["request_uri"])

    assert dialog.title.text() == "Tessera demo verifier asks for your data"
    assert verifier in dialog.identifier.text()
    assert dialog.trust.text() == NOT_VERIFIED and dialog.trust.isVisible()
    assert dialog.purpose.text() == "Why: Check your name and town"
    assert dialog.decline_button.isDefault() and not dialog.share_button.isDefault()
    assert dialog.decline_button.text() == "Decline"

    [section] = dialog.sections
    assert section.stored.vct == PID_VCT
    assert set(section.boxes) == {"given_name", "address.locality"}
    for box in section.boxes.values():
        assert box.isChecked() and not box.isEnabled() and box.toolTip() == REQUIRED_WHY
    assert section.boxes["given_name"].text() == "Given name: Erika"
    shown = preview(dialog)
    # In this credential the address members other than locality are not disclosures of
    # their own: they come with the address, and the preview says so.
    assert shown["given_name"] == "Erika" and shown["address"]["locality"] == "Köln"
    assert "family_name" not in shown and "birthdate" not in shown
    assert status(verifier, created["id"])["status"] == "pending"  # nothing sent yet

    share(qtbot, dialog)
    assert dialog.outcome is not None
    assert dialog.result_message.text.startswith("Shared with Tessera demo verifier")
    assert not dialog.share_button.isVisible() and dialog.decline_button.text() == "Close"
    answer = status(verifier, created["id"])
    assert answer["status"] == "verified"
    [received] = answer["claims"]["pid"]
    assert {"given_name", "address"} <= set(received)
    assert not {"family_name", "birthdate"} & set(received)
    assert {name: shown[name] for name in received} == received  # the preview was exact


def test_optional_claim_starts_unticked(qtbot, session: WalletSession, verifier: str) -> None:
    dcql = query(["given_name"], ["address", "locality"], claim_sets=[["c0", "c1"], ["c0"]])
    created = new_request(verifier, dcql)
    dialog = review(qtbot, session, created["request_uri"])
    [section] = dialog.sections
    town = section.boxes["address.locality"]
    assert not town.isChecked() and town.isEnabled() and town.toolTip() == OPTIONAL_WHY
    assert section.boxes["given_name"].isChecked()
    assert not section.boxes["given_name"].isEnabled()
    assert "locality" not in dialog.preview.toPlainText()

    town.setFocus()
    qtbot.keyClick(town, Qt.Key.Key_Space)
    assert town.isChecked()
    shown = preview(dialog)
    assert shown["address"]["locality"] == "Köln"
    share(qtbot, dialog)
    [received] = status(verifier, created["id"])["claims"]["pid"]
    assert received["address"]["locality"] == "Köln"
    assert {name: shown[name] for name in received} == received


def test_optional_claim_left_out_is_not_sent(
    qtbot, session: WalletSession, verifier: str
) -> None:
    dcql = query(["given_name"], ["address", "locality"], claim_sets=[["c0", "c1"], ["c0"]])
    created = new_request(verifier, dcql)
    dialog = review(qtbot, session, created["request_uri"])
    share(qtbot, dialog)
    answer = status(verifier, created["id"])
    assert answer["status"] == "verified"
    assert "locality" not in json.dumps(answer["claims"])


def test_unanswerable_request_explains_and_sends_nothing(
    qtbot, session: WalletSession, verifier: str
) -> None:
    created = new_request(verifier, query(["member_id"], vct="urn:example:membership:1"))
    dialog = review(qtbot, session, created["request_uri"])
    assert dialog.message.isVisible()
    assert dialog.message.text.startswith(CANNOT_ANSWER)
    assert "'urn:example:membership:1'; you have none" in dialog.message.text
    assert not dialog.share_button.isVisible() and not dialog.sections
    assert dialog.decline_button.text() == "Close"
    click(qtbot, dialog.decline_button)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert status(verifier, created["id"])["status"] == "pending"


def test_decline_and_escape_send_nothing(qtbot, session: WalletSession, verifier: str) -> None:
    created = new_request(verifier, NAME_AND_TOWN)
    dialog = review(qtbot, session, created["request_uri"])
    click(qtbot, dialog.decline_button)
    assert not dialog.isVisible() and dialog.outcome is None

    again = review(qtbot, session, created["request_uri"])
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    assert not again.isVisible() and again.outcome is None
    assert status(verifier, created["id"])["status"] == "pending"


def test_a_payment_request_keeps_the_choice_then_opens_the_payment_screen(
    qtbot, session: WalletSession, verifier: str
) -> None:
    dcql = query(["given_name"], ["address", "locality"], claim_sets=[["c0", "c1"], ["c0"]])
    data = payment_entry(["pid"], transaction_id="T-1", amount="5.00", currency="EUR",
                         payee_name="City Library", payee_id="LIB-0042")
    created = new_request(verifier, dcql, transaction_data=[data])
    dialog = review(qtbot, session, created["request_uri"])
    assert not dialog.message.isVisible()
    assert dialog.share_button.text() == REVIEW_PAYMENT
    assert dialog.decline_button.isDefault() and not dialog.share_button.isDefault()
    notes = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("a payment of 5.00 EUR to City Library" in text for text in notes)
    [section] = dialog.sections
    town = section.boxes["address.locality"]
    assert town.isEnabled() and not town.isChecked()
    town.setChecked(True)
    assert preview(dialog)["address"]["locality"] == "Köln"
    click(qtbot, dialog.share_button)
    assert dialog.payment is not None and dialog.payment.isVisible()
    assert dialog.payment.shares == dialog.shares
    assert status(verifier, created["id"])["status"] == "pending"  # nothing signed yet


def test_a_broken_link_says_so(qtbot, session: WalletSession) -> None:
    dialog = review(qtbot, session, "openid4vp://?client_id=verifier-123&request_uri=x")
    assert dialog.message.isVisible() and "unsupported_client_id_prefix" in dialog.message.details
    assert not dialog.share_button.isVisible()


def test_signed_request_shows_verified(qtbot, session: WalletSession) -> None:
    key = Ed25519PrivateKey.generate()
    did = did_key_from_public_key(key.public_key)
    with running_verifier(client_id_prefix="decentralized_identifier", verifier_key=key) as url:
        created = new_request(url, NAME_AND_TOWN)
        dialog = review(qtbot, session, created["request_uri"])
        assert dialog.trust.text().startswith("Verified: the request is signed by did:key:")
        assert dialog.trust.toolTip() == did
        share(qtbot, dialog)
        assert status(url, created["id"])["status"] == "verified"
