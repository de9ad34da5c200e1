"""The Share dialog on a real wallet: minimal by default, parents follow, the preview is
what the verifier receives, and the presentation verifies with exactly the ticked claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from app.dialogs.credential_detail import CredentialDetailDialog
from app.dialogs.share import MISSING, ShareDialog, preview_text
from app.main_window import MainWindow
from app.views.credentials import CredentialsPage
from tests.app.driving import WAIT_MS, click, paste_credential, type_into
from tests.app.issuing import TestIssuer, holder_key

NONCE = "n-0S6_WzA2Mj"
AUDIENCE = "https://verifier.example"


@pytest.fixture
def issuer() -> TestIssuer:
    return TestIssuer.new()


@pytest.fixture
def share(qtbot, wallet_window: MainWindow, issuer: TestIssuer) -> ShareDialog:
    wallet_window.show_page("credentials")
    page = wallet_window.pages["credentials"]
    assert isinstance(page, CredentialsPage) and page.session is not None
    paste_credential(qtbot, page, issuer.issue(holder_key(page.session.wallet)))
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    detail = page.dialog
    assert isinstance(detail, CredentialDetailDialog)
    click(qtbot, detail.share_button)
    dialog = detail.dialog
    assert isinstance(dialog, ShareDialog)
    qtbot.waitExposed(dialog)
    return dialog


def check_state(dialog: ShareDialog, path: str) -> Qt.CheckState:
    return Qt.CheckState(dialog.model.index_of(path).data(Qt.ItemDataRole.CheckStateRole))


def toggle(qtbot, dialog: ShareDialog, path: str) -> None:
    """Select the claim's row and press Space, as a keyboard user does."""
    dialog.tree.setFocus()
    dialog.tree.setCurrentIndex(dialog.model.index_of(path))
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)


def preview(dialog: ShareDialog) -> dict[str, object]:
    return json.loads(dialog.preview.toPlainText())


def test_nothing_optional_is_ticked_at_first(share: ShareDialog) -> None:
    assert share.selected_paths() == []
    held = share.held
    assert preview(share) == held.will_disclose([]) == held.always_visible()
    for path in held.disclosable_paths():
        assert check_state(share, path) == Qt.CheckState.Unchecked
    always = share.model.index_of("nationalities.0")
    assert check_state(share, "nationalities.0") == Qt.CheckState.Checked
    assert not always.flags() & Qt.ItemFlag.ItemIsEnabled
    assert always.siblingAtColumn(2).data() == "Always shared"


def test_parents_follow_and_the_preview_is_what_they_receive(qtbot, share: ShareDialog) -> None:
    toggle(qtbot, share, "address.locality")
    assert check_state(share, "address.locality") == Qt.CheckState.Checked
    assert check_state(share, "address") == Qt.CheckState.Checked  # followed
    assert check_state(share, "address.street_address") == Qt.CheckState.Checked  # goes with it
    assert share.selected_paths() == ["address", "address.locality"]
    assert preview(share) == share.held.will_disclose(["address", "address.locality"])
    assert share.preview.toPlainText() == preview_text(share.held.will_disclose(
        share.selected_paths()))
    assert "postal_code" not in share.preview.toPlainText()

    toggle(qtbot, share, "address")  # unticking a parent unticks what is inside it
    assert check_state(share, "address") == Qt.CheckState.Unchecked
    assert check_state(share, "address.locality") == Qt.CheckState.Unchecked
    assert check_state(share, "address.street_address") == Qt.CheckState.Unchecked
    assert share.selected_paths() == []
    assert "address" not in preview(share)


def test_cancel_is_the_default_and_escape_closes(qtbot, share: ShareDialog) -> None:
    assert share.cancel_button.isDefault()
    assert not share.share_button.isDefault()
    detail = share.parent()
    assert isinstance(detail, CredentialDetailDialog)
    qtbot.keyClick(share.tree, Qt.Key.Key_Escape)
    assert detail.dialog is None and share.presentation is None


def test_share_needs_the_verifier_and_its_code(qtbot, share: ShareDialog) -> None:
    click(qtbot, share.share_button)
    assert share.message.text == MISSING
    assert share.audience.hasFocus()
    type_into(qtbot, share.audience, AUDIENCE)
    qtbot.keyClick(share.audience, Qt.Key.Key_Return)  # moves on, does not press Cancel
    assert share.isVisible() and share.nonce.hasFocus()
    click(qtbot, share.share_button)
    assert share.message.text == MISSING and share.presentation is None


def test_shared_presentation_verifies_with_exactly_the_ticked_claims(
    qtbot, share: ShareDialog, issuer: TestIssuer, tmp_path: Path, monkeypatch
) -> None:
    toggle(qtbot, share, "address.locality")
    toggle(qtbot, share, "given_name")
    toggle(qtbot, share, "nationalities.1")
    chosen = share.selected_paths()
    assert sorted(chosen) == ["address", "address.locality", "given_name", "nationalities.1"]
    expected = preview(share)
    type_into(qtbot, share.audience, AUDIENCE)
    type_into(qtbot, share.nonce, NONCE)
    click(qtbot, share.share_button)
    qtbot.waitUntil(lambda: share.presentation is not None, timeout=WAIT_MS)
    presentation = share.presentation
    assert presentation is not None

    verified = issuer.verifier().verify(presentation, nonce=NONCE, audience=AUDIENCE)
    assert verified.issuer == issuer.did
    assert set(verified.disclosed) == set(chosen)
    assert verified.claims == expected  # the preview was exactly what they receive
    assert verified.claims["address"] == {
        "street_address": "Heidestraße 17", "locality": "Köln", "country": "DE"}
    assert verified.claims["nationalities"] == ["DE", "FR"]
    for withheld in ("family_name", "birthdate"):
        assert withheld not in verified.claims

    assert share.result.isVisible() and not share.share_button.isVisible()
    assert share.cancel_button.text() == "Close"
    click(qtbot, share.copy_button)
    assert QApplication.clipboard().text() == presentation
    target = tmp_path / "presentation.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args: (str(target), "")))
    click(qtbot, share.save_button)
    assert target.read_text(encoding="utf-8").strip() == presentation

    wallet = share.session.wallet
    entry, granted = wallet.ledger.entries()[-2:]
    assert entry.kind == "credential.presented"
    assert entry.details["audience"] == AUDIENCE
    assert sorted(entry.details["disclosed"]) == sorted(chosen)
    assert granted.kind == "consent.granted"
    (consent,) = wallet.consents()
    assert consent.consent.verifier == AUDIENCE and consent.consent.duration == "once"
    (shared,) = consent.consent.shared
    assert sorted(shared.claims) == sorted(chosen)


def test_the_chosen_duration_is_the_consent_kept(qtbot, share: ShareDialog) -> None:
    click(qtbot, share.duration_picker.buttons["30d"])
    type_into(qtbot, share.audience, AUDIENCE)
    type_into(qtbot, share.nonce, NONCE)
    click(qtbot, share.share_button)
    qtbot.waitUntil(lambda: share.presentation is not None, timeout=WAIT_MS)
    (stored,) = share.session.wallet.consents()
    assert stored.consent.duration == "30d" and stored.state == "active"
    assert stored.consent.valid_until == stored.consent.granted_at + 30 * 86400


def test_a_presentation_with_nothing_optional(qtbot, share: ShareDialog, issuer: TestIssuer) -> None:
    type_into(qtbot, share.audience, AUDIENCE)
    type_into(qtbot, share.nonce, NONCE)
    click(qtbot, share.share_button)
    qtbot.waitUntil(lambda: share.presentation is not None, timeout=WAIT_MS)
    verified = issuer.verifier().verify(share.presentation or "", nonce=NONCE, audience=AUDIENCE)
    assert verified.disclosed == ()
    assert verified.claims == share.held.always_visible()
