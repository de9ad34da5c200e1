"""The issue's whole chain through the GUI, against the real demo issuer and verifier over
loopback HTTP and a real vault: Scan an offer link → Accept → the card is there; then Scan
a verifier's request link → review → Share → the verifier reports exactly the asked claims.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.dialogs.request_review import RequestReviewDialog
from app.main_window import MainWindow
from core.services.issuer import create_issuer_app
from core.services.runner import serve_in_thread
from tests.app.driving import WAIT_MS, press
from tests.app.test_receive_flow import (
    ISSUER_KEY,
    accept,
    credentials_page,
    make_offer,
    open_scan,
    paste_link,
)
from tests.app.test_request_review import (
    new_request,
    preview,
    query,
    running_verifier,
    share,
    status,
)

DEMO_IDENTITY_VCT = "urn:tessera:demo:identity:1"


@pytest.fixture
def services() -> Iterator[tuple[str, str]]:
    """The demo issuer and the demo verifier, each on its own loopback port."""
    with serve_in_thread(
        lambda base_url: create_issuer_app(base_url=base_url, issuer_key=ISSUER_KEY)
    ) as issuer, running_verifier() as verifier:
        yield issuer, verifier


def scan_request(qtbot, window: MainWindow, uri: str) -> RequestReviewDialog:
    """Paste a verifier's request link into Scan and wait for the review to be ready."""
    scan = open_scan(qtbot, window)
    scan.link.setText(uri)
    press(qtbot, scan.link, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.request_dialog is not None, timeout=WAIT_MS)
    dialog = window.request_dialog
    assert isinstance(dialog, RequestReviewDialog)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT_MS)
    return dialog


def test_offer_accept_then_request_share_is_verified(
    qtbot, wallet_window: MainWindow, services: tuple[str, str]
) -> None:
    issuer, verifier = services

    # Receive: Scan the offer link → offer dialog → Accept → the card is on the page.
    offer = paste_link(qtbot, wallet_window, make_offer(issuer))
    assert offer.types_label.text() == "Identity credential"
    accept(qtbot, offer)
    stored = offer.stored
    assert stored is not None and stored.vct == DEMO_IDENTITY_VCT
    page = credentials_page(wallet_window)
    assert page.model.rowCount() == 1 and page.selected_id() == stored.id
    press(qtbot, offer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: wallet_window.offer_dialog is None, timeout=WAIT_MS)

    # Present: Scan the request link → review → Share.
    created = new_request(
        verifier, query(["given_name"], ["address", "locality"], vct=DEMO_IDENTITY_VCT)
    )
    dialog = scan_request(qtbot, wallet_window, created["request_uri"])
    [section] = dialog.sections
    assert section.stored.id == stored.id
    assert set(section.boxes) == {"given_name", "address.locality"}
    shown = preview(dialog)
    assert status(verifier, created["id"])["status"] == "pending"  # nothing sent yet
    share(qtbot, dialog)
    assert dialog.outcome is not None

    # The verifier checked it and got the two claims asked for, nothing more.
    answer = status(verifier, created["id"])
    assert answer["status"] == "verified", answer
    [received] = answer["claims"]["pid"]
    assert received["given_name"] == "Erika"
    assert received["address"]["locality"] == "Köln"
    assert not {"family_name", "birthdate", "nationalities"} & set(received)
    assert received == {"given_name": "Erika", "address": {"locality": "Köln"}}
    assert {name: shown[name] for name in received} == received  # the preview was exact
