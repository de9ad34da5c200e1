"""The Credentials page on a real wallet: import by clipboard, file, Ctrl+V and drop; the
cards; plain-word errors that store nothing; the search box."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from app.credential_text import Validity
from app.main_window import MainWindow
from app.models.credentials import CardRole
from app.views.credential_import import EMPTY_CLIPBOARD
from app.views.credentials import ALREADY_THERE, CredentialsPage
from core.wallet import Wallet
from tests.app.driving import WAIT_MS, click, paste_credential, type_into
from tests.app.issuing import (
    BANK_CLAIMS,
    BANK_DISCLOSABLE,
    BANK_VCT,
    DEGREE_CLAIMS,
    DEGREE_DISCLOSABLE,
    DEGREE_VCT,
    TestIssuer,
    holder_key,
)


@pytest.fixture
def page(wallet_window: MainWindow) -> CredentialsPage:
    wallet_window.show_page("credentials")
    page = wallet_window.pages["credentials"]
    assert isinstance(page, CredentialsPage)
    return page


def wallet_of(page: CredentialsPage) -> Wallet:
    assert page.session is not None
    return page.session.wallet


def shown_cards(page: CredentialsPage) -> list[dict[str, object]]:
    proxy = page.filter
    return [
        {role: proxy.index(row, 0).data(role) for role in CardRole}
        for row in range(proxy.rowCount())
    ]


def wait_for_import(qtbot, page: CredentialsPage) -> None:
    qtbot.waitUntil(lambda: not page.importing, timeout=WAIT_MS)


def assert_pid_card(page: CredentialsPage, issuer: TestIssuer) -> None:
    cards = shown_cards(page)
    assert len(cards) == 1
    card = cards[0]
    assert card[CardRole.TYPE] == "Identity credential"
    assert card[CardRole.ISSUER_ID] == issuer.did
    assert str(card[CardRole.ISSUER]).startswith("did:key:z6Mk")
    assert card[CardRole.INITIAL] == "Z"
    assert card[CardRole.MAIN_CLAIM] == "Erika Mustermann"
    assert card[CardRole.VALIDITY] is Validity.VALID
    assert page.view.isVisible() and not page.empty_state.isVisible()
    assert page.selected_id() == card[CardRole.ID]  # the new card is selected


def test_paste_button_imports_from_the_clipboard(qtbot, page: CredentialsPage) -> None:
    issuer = TestIssuer.new()
    wallet = wallet_of(page)
    assert page.empty_state.isVisible()
    paste_credential(qtbot, page, issuer.issue(holder_key(wallet)))
    assert_pid_card(page, issuer)
    assert page.window().statusBar().currentMessage() == "Identity credential added."
    assert [c.vct for c in wallet.credentials.all()] == ["https://credentials.example.com/IdentityCredential"]
    assert wallet.ledger.entries()[-1].kind == "credential.imported"  # the Wallet logs it


def test_ctrl_v_on_the_page_imports_from_the_clipboard(qtbot, page: CredentialsPage) -> None:
    issuer = TestIssuer.new()
    QApplication.clipboard().setText(issuer.issue(holder_key(wallet_of(page))))
    page.empty_state.setFocus()
    qtbot.keyClick(page.empty_state, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_for_import(qtbot, page)
    assert_pid_card(page, issuer)


def test_import_file_button_reads_the_chosen_file(
    qtbot, page: CredentialsPage, tmp_path: Path, monkeypatch
) -> None:
    issuer = TestIssuer.new()
    path = tmp_path / "pid.sd-jwt"
    path.write_text(issuer.issue(holder_key(wallet_of(page))) + "\n", encoding="utf-8")
    asked: list[str] = []

    def choose(parent, caption, directory, filters):  # type: ignore[no-untyped-def]
        asked.append(filters)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(choose))
    button = page.empty_state.secondary_button
    assert button is not None and button.text() == "Import file…"
    click(qtbot, button)
    wait_for_import(qtbot, page)
    assert_pid_card(page, issuer)
    assert "*.sd-jwt" in asked[0] and "All files (*)" in asked[0]


def test_dropping_a_file_imports_it(qtbot, page: CredentialsPage, tmp_path: Path) -> None:
    issuer = TestIssuer.new()
    path = tmp_path / "dropped.txt"
    path.write_text(issuer.issue(holder_key(wallet_of(page))), encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(20, 20), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), actions, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page, drop)
    assert drop.isAccepted()
    wait_for_import(qtbot, page)
    assert_pid_card(page, issuer)


@pytest.mark.parametrize(
    ("text", "sentence", "code"),
    [
        ("hello, this is not a credential", "This isn't a credential Tessera can read.", "malformed"),
        ("eyJhbGciOiJFZERTQSJ9.e30.AAAA~", "This isn't a credential Tessera can read.", "malformed"),
    ],
)
def test_garbage_shows_plain_words_and_stores_nothing(
    qtbot, page: CredentialsPage, text: str, sentence: str, code: str
) -> None:
    paste_credential(qtbot, page, text)
    assert page.message.isVisible()
    assert page.message.text.startswith(sentence)
    assert page.message.tone.value == "error"
    assert page.message.details.startswith(f"Error code: {code}")
    assert not page.message.details_label.isVisible()  # under "Details" until asked
    click(qtbot, page.message.details_button)
    assert page.message.details_label.isVisible()
    assert wallet_of(page).credentials.all() == []
    assert page.empty_state.isVisible() and page.model.rowCount() == 0


def test_a_credential_for_another_wallet_is_refused(qtbot, page: CredentialsPage) -> None:
    issuer = TestIssuer.new()
    stranger = TestIssuer.new()  # any key that is not one of this wallet's identities
    paste_credential(qtbot, page, issuer.issue(stranger.key.public_key))
    assert page.message.text == "This credential was issued to another wallet."
    assert page.message.details.startswith("Error code: not_bound_to_wallet.")
    assert wallet_of(page).credentials.all() == []


def test_a_tampered_credential_is_refused(qtbot, page: CredentialsPage) -> None:
    issuer = TestIssuer.new()
    text = issuer.issue(holder_key(wallet_of(page)))
    jwt, _, rest = text.partition("~")
    header, payload, signature = jwt.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA~{rest}"
    paste_credential(qtbot, page, forged)
    assert page.message.text.startswith("This credential's signature doesn't match.")
    assert "bad_signature" in page.message.details
    assert wallet_of(page).credentials.all() == []


def test_an_empty_clipboard_says_what_to_do(qtbot, page: CredentialsPage) -> None:
    QApplication.clipboard().clear()
    click(qtbot, page.empty_state.more_buttons[0])
    assert page.message.text == EMPTY_CLIPBOARD
    assert not page.importing


def test_the_same_credential_twice_selects_the_first(qtbot, page: CredentialsPage) -> None:
    text = TestIssuer.new().issue(holder_key(wallet_of(page)))
    paste_credential(qtbot, page, text)
    paste_credential(qtbot, page, text)
    assert page.model.rowCount() == 1
    assert page.message.text == ALREADY_THERE
    assert page.selected_id() == wallet_of(page).credentials.all()[0].id


def test_cards_and_search(qtbot, page: CredentialsPage) -> None:
    issuer = TestIssuer.new()
    holder = holder_key(wallet_of(page))
    paste_credential(qtbot, page, issuer.issue(holder))
    paste_credential(qtbot, page, issuer.issue(holder, BANK_CLAIMS, BANK_DISCLOSABLE, BANK_VCT,
                                               expires_in=10 * 86_400))
    paste_credential(qtbot, page, issuer.issue(holder, DEGREE_CLAIMS, DEGREE_DISCLOSABLE,
                                               DEGREE_VCT))
    by_type = {card[CardRole.TYPE]: card for card in shown_cards(page)}
    assert set(by_type) == {"Identity credential", "Bank account", "University degree"}
    assert by_type["Bank account"][CardRole.MAIN_CLAIM] == "Erika Mustermann"
    assert by_type["Bank account"][CardRole.VALIDITY] is Validity.EXPIRING
    assert by_type["Bank account"][CardRole.EXPIRY_NOTE] == "Expires in 9 days"
    assert by_type["University degree"][CardRole.MAIN_CLAIM] == "Erika Mustermann"

    def search(text: str) -> list[str]:
        page.search.clear()
        type_into(qtbot, page.search, text)
        return sorted(str(card[CardRole.TYPE]) for card in shown_cards(page))

    assert search("bank") == ["Bank account"]
    assert search("KÖLN") == ["Identity credential"]  # claim text, any case
    assert search("computer science") == ["University degree"]
    assert search("erika") == ["Bank account", "Identity credential", "University degree"]
    assert search("did:key") == ["Bank account", "Identity credential", "University degree"]
    assert search("nothing like this") == []
    assert page.no_match.isVisible() and not page.view.isVisible()
    assert "nothing like this" in page.no_match.text()
    page.search.clear()
    assert len(shown_cards(page)) == 3 and page.view.isVisible()
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()


def test_locking_drops_the_cards(qtbot, page: CredentialsPage, wallet_window: MainWindow) -> None:
    paste_credential(qtbot, page, TestIssuer.new().issue(holder_key(wallet_of(page))))
    wallet_window.lock_action.trigger()
    assert page.model.rowCount() == 0 and not page.view.isVisible()
