"""W3C credentials in the app, on a real vault: cards like the others, a detail page that
marks every claim as shared whole and names the format, a Share dialog that says so before
anything is sent (claims ticked and locked, the presentation verifiable), and the request
review section for a W3C credential answered through the demo verifier."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QLabel

from app.context import AppContext
from app.credential_text import SHARED_WHOLE, Validity
from app.dialogs.credential_detail import CredentialDetailDialog
from app.dialogs.request_review import WHOLE_SECTION
from app.dialogs.share import UNBOUND, ShareDialog
from app.main_window import MainWindow
from app.models.claims import WHOLE_TEXT, ClaimColumn
from app.session import WalletSession
from app.views.credentials import CredentialsPage
from core.vc import verify_w3c_presentation
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import WAIT_MS, click, type_into
from tests.app.issuing import TestIssuer, holder_key
from tests.app.test_request_review import new_request, review, running_verifier, share, status
from tests.core.w3c_build import W3cIssuer, valid_around

NONCE = "n-0S6_WzA2Mj"
AUDIENCE = "https://verifier.example"
DEGREE = W3cIssuer.new(seed=11)
MEMBERS = W3cIssuer.new(seed=12, name="Example Library")
LIBRARY_CARD = {"name": "Erika Mustermann", "memberNumber": "LIB-0042-7781", "branch": "Köln"}


def fill(wallet: Wallet) -> dict[str, str]:
    """An SD-JWT identity credential, a VC-JWT degree and a Data Integrity library card,
    all bound to the first identity; an unbound degree about someone else. Their ids."""
    did = wallet.identities.all()[0].did
    around = valid_around(time.time())
    return {
        "pid": wallet.import_credential(TestIssuer.new().issue(holder_key(wallet))).id,
        "degree": wallet.import_credential(DEGREE.jwt_vc(did, **around)).id,
        "library": wallet.import_credential(MEMBERS.ldp_vc(
            did, subject=LIBRARY_CARD, kind="LibraryMembershipCard", id="urn:x:lib",
            **valid_around(time.time(), days=20))).id,
        "other": wallet.import_credential(DEGREE.jwt_vc(
            "did:example:someone-else", id="urn:x:other", **around)).id,
    }


@pytest.fixture
def filled(wallet_window: MainWindow) -> tuple[CredentialsPage, dict[str, str]]:
    wallet_window.show_page("credentials")
    page = wallet_window.pages["credentials"]
    assert isinstance(page, CredentialsPage) and page.session is not None
    ids = fill(page.session.wallet)
    page.session.changed.emit()
    return page, ids


def open_detail(qtbot, page: CredentialsPage, credential_id: str) -> CredentialDetailDialog:
    assert page.select(credential_id)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    detail = page.dialog
    assert isinstance(detail, CredentialDetailDialog)
    qtbot.waitExposed(detail)
    return detail


def open_share(qtbot, detail: CredentialDetailDialog) -> ShareDialog:
    click(qtbot, detail.share_button)
    dialog = detail.dialog
    assert isinstance(dialog, ShareDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_w3c_credentials_are_cards_like_the_others(filled: tuple[CredentialsPage, dict[str, str]]) -> None:
    page, ids = filled
    assert page.model.rowCount() == 4
    cards = {page.model.card(row).id: page.model.card(row) for row in range(4)}
    degree = cards[ids["degree"]]
    assert degree.type == "University degree"  # "…Credential" says nothing on a card
    assert degree.issuer.startswith("did:key:") and degree.issuer_id == DEGREE.did
    assert degree.main_claim == "Erika Mustermann" and degree.validity is Validity.VALID
    library = cards[ids["library"]]
    assert library.type == "Library membership card"
    assert library.validity is Validity.EXPIRING and library.expiry_note.startswith("Expires in")
    assert cards[ids["pid"]].type == "Identity credential"
    page.filter.set_search("köln library")
    assert page.filter.rowCount() == 1


def test_the_detail_marks_every_claim_shared_whole_and_names_the_format(
    qtbot, filled: tuple[CredentialsPage, dict[str, str]], tmp_path: Path
) -> None:
    page, ids = filled
    detail = open_detail(qtbot, page, ids["degree"])
    nodes = detail.model.nodes()
    assert {n.label for n in nodes} >= {"Name", "Degree", "Alumni of", "Type"}
    for node in nodes:
        index = detail.model.index_of(node.path).siblingAtColumn(ClaimColumn.SHARING)
        assert index.data() == WHOLE_TEXT
    shown = [label.text() for label in detail.findChildren(QLabel)]
    assert "W3C credential (VC-JWT): shared whole (jwt_vc_json)" in shown
    assert SHARED_WHOLE in shown and "Example University (in its own words)" in shown
    assert detail.windowTitle() == "University degree"
    target = tmp_path / "degree.jwt"
    assert detail.export_to(target)
    stored = page.session.wallet.credentials.get(ids["degree"])  # type: ignore[union-attr]
    assert target.read_text(encoding="utf-8").strip() == stored.text
    detail.reject()


def test_the_share_dialog_says_it_is_shared_whole_before_sending_and_presents_all(
    qtbot, filled: tuple[CredentialsPage, dict[str, str]]
) -> None:
    page, ids = filled
    detail = open_detail(qtbot, page, ids["library"])
    dialog = open_share(qtbot, detail)
    assert dialog.whole_warning.isVisible() and dialog.whole_warning.tone.name == "WARNING"
    assert dialog.whole_warning.text_label.text() == SHARED_WHOLE
    assert dialog.cancel_button.isDefault() and dialog.presentation is None
    for node in dialog.model.nodes():
        index = dialog.model.index_of(node.path)
        assert Qt.CheckState(index.data(Qt.ItemDataRole.CheckStateRole)) == Qt.CheckState.Checked
        assert not index.flags() & Qt.ItemFlag.ItemIsEnabled  # locked
        assert not dialog.model.set_checked(node.path, False)
    assert dialog.selected_paths() == []
    preview = json.loads(dialog.preview.toPlainText())
    assert preview["credentialSubject"]["memberNumber"] == "LIB-0042-7781"
    assert preview["type"] == ["VerifiableCredential", "LibraryMembershipCard"]
    type_into(qtbot, dialog.audience, AUDIENCE)
    type_into(qtbot, dialog.nonce, NONCE)
    click(qtbot, dialog.share_button)
    qtbot.waitUntil(lambda: dialog.presentation is not None, timeout=WAIT_MS)
    assert dialog.presentation is not None
    result = verify_w3c_presentation(dialog.presentation, nonce=NONCE, audience=AUDIENCE)
    assert result.format == "ldp_vc" and result.credential.subject["branch"] == "Köln"
    entry, granted = page.session.wallet.ledger.entries()[-2:]  # type: ignore[union-attr]
    assert entry.kind == "credential.presented" and entry.details["shared_whole"] is True
    assert granted.kind == "consent.granted"  # every claim, since it went whole
    assert sorted(granted.details["claims"]) == sorted(entry.details["disclosed"])
    dialog.reject()
    detail.reject()


def test_an_unbound_w3c_credential_cannot_be_shared(
    qtbot, filled: tuple[CredentialsPage, dict[str, str]]
) -> None:
    page, ids = filled
    detail = open_detail(qtbot, page, ids["other"])
    dialog = open_share(qtbot, detail)
    assert not dialog.share_button.isEnabled()
    assert dialog.message.text_label.text() == UNBOUND
    assert "unbound_credential" in dialog.message.details_label.text()
    dialog.reject()
    detail.reject()


@contextmanager
def w3c_session(context: AppContext) -> Iterator[WalletSession]:
    wallet, _phrase = Wallet.create(context.vault_dir, PASSPHRASE, kdf=context.kdf)
    fill(wallet)
    opened = WalletSession(wallet, context)
    try:
        yield opened
    finally:
        QThreadPool.globalInstance().waitForDone(5000)
        opened.close()


def degree_query() -> dict[str, Any]:
    return {"credentials": [{
        "id": "degree", "format": "jwt_vc_json",
        "meta": {"type_values": [["UniversityDegreeCredential"]]},
        "claims": [{"path": ["credentialSubject", "degree", "name"]}],
    }]}


def test_the_request_review_section_of_a_w3c_credential_says_shared_whole(
    qtbot, qapp, wallet_context: AppContext
) -> None:
    with w3c_session(wallet_context) as session, running_verifier() as url:
        created = new_request(url, degree_query(), purpose="Check your degree")
        dialog = review(qtbot, session, created["request_uri"])
        (section,) = dialog.sections
        assert section.whole_note is not None and section.whole_note.isVisible()
        assert section.whole_note.text_label.text() == WHOLE_SECTION
        (box,) = section.boxes.values()
        assert box.isChecked() and not box.isEnabled()
        assert box.text() == "Degree, Name: Bachelor of Science and Arts"
        assert box.accessibleName() == "credentialSubject.degree.name"
        preview = json.loads(dialog.preview.toPlainText())
        assert preview["credentialSubject"]["alumniOf"] == "The School of Examples"
        share(qtbot, dialog)
        assert dialog.outcome is not None
        verdict = status(url, created["id"])
        assert verdict["status"] == "verified", verdict
        assert verdict["claims"]["degree"][0]["name"] == "Erika Mustermann"
        dialog.reject()
