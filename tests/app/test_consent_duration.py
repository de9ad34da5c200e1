"""The request review screen's consent duration: this once by default, chosen with the
keyboard, and the chosen duration is what the signed consent record in the vault says
(against the real demo verifier on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.context import AppContext
from app.session import WalletSession
from app.views.consent_duration import LABELS, MEANINGS
from core.consent import DAY
from tests.app.test_request_review import (  # noqa: F401 - fixtures used by name
    NAME_AND_TOWN,
    new_request,
    open_session,
    review,
    share,
    status,
    verifier,
)


@pytest.fixture
def session(qapp, wallet_context: AppContext) -> Iterator[WalletSession]:
    with open_session(wallet_context) as opened:
        yield opened


def test_this_once_is_the_default(qtbot, session: WalletSession, verifier: str) -> None:  # noqa: F811
    created = new_request(verifier, NAME_AND_TOWN, purpose="Check your name")
    dialog = review(qtbot, session, created["request_uri"])
    picker = dialog.duration_picker
    assert picker.isVisible() and picker.duration == "once"
    assert [b.text() for b in picker.buttons.values()] == list(LABELS.values())
    assert picker.meaning.text().startswith(MEANINGS["once"])
    share(qtbot, dialog)
    assert status(verifier, created["id"])["status"] == "verified"
    [stored] = session.wallet.consents()
    assert stored.consent.duration == "once" and stored.state == "expired"
    assert stored.consent.purpose == "Check your name"
    assert not picker.isEnabled()  # after sharing it cannot be changed


def test_chosen_duration_ends_up_in_the_signed_record(
    qtbot, session: WalletSession, verifier: str  # noqa: F811
) -> None:
    created = new_request(verifier, NAME_AND_TOWN)
    dialog = review(qtbot, session, created["request_uri"])
    picker = dialog.duration_picker
    once = picker.buttons["once"]
    once.setFocus()
    qtbot.keyClick(once, Qt.Key.Key_Right)  # 1 day
    qtbot.keyClick(picker.buttons["1d"], Qt.Key.Key_Right)  # 30 days
    assert picker.duration == "30d" and picker.buttons["30d"].hasFocus()
    assert picker.meaning.text().startswith(MEANINGS["30d"])
    assert status(verifier, created["id"])["status"] == "pending"  # choosing sends nothing
    share(qtbot, dialog)
    [stored] = session.wallet.consents()
    consent = stored.consent
    assert consent.duration == "30d" and consent.valid_until == consent.granted_at + 30 * DAY
    assert stored.state == "active"
    assert consent.verifier == f"redirect_uri:{verifier}/response"
    assert consent.claim_names == ("given_name", "address.locality")
    kinds = [entry.kind for entry in session.wallet.ledger.entries()]
    assert kinds[-2:] == ["credential.presented", "consent.granted"]


def test_until_withdrawn(qtbot, session: WalletSession, verifier: str) -> None:  # noqa: F811
    created = new_request(verifier, NAME_AND_TOWN)
    dialog = review(qtbot, session, created["request_uri"])
    dialog.duration_picker.buttons["until_withdrawn"].click()
    share(qtbot, dialog)
    [stored] = session.wallet.consents()
    assert stored.consent.duration == "until_withdrawn" and stored.consent.valid_until is None
