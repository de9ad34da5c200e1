"""A credential's detail dialog on a real wallet: every claim, what can be withheld, the
dates; Export and Delete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton

from app.credential_text import REGISTERED_CLAIMS
from app.dialogs.credential_detail import CredentialDetailDialog, export_name
from app.formatting import local_time
from app.main_window import MainWindow
from app.models.claims import ClaimColumn, ClaimRole, ClaimTreeModel
from app.views.credentials import ALREADY_THERE, CredentialsPage
from core.credentials import StoredCredential
from tests.app.driving import WAIT_MS, click, paste_credential
from tests.app.issuing import TestIssuer, holder_key


@pytest.fixture
def page(qtbot, wallet_window: MainWindow) -> CredentialsPage:
    wallet_window.show_page("credentials")
    page = wallet_window.pages["credentials"]
    assert isinstance(page, CredentialsPage) and page.session is not None
    paste_credential(qtbot, page, TestIssuer.new().issue(holder_key(page.session.wallet)))
    return page


def stored(page: CredentialsPage) -> StoredCredential:
    assert page.session is not None
    return page.session.wallet.credentials.all()[0]


def open_detail(qtbot, page: CredentialsPage) -> CredentialDetailDialog:
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)  # Enter on the selected card
    dialog = page.dialog
    assert isinstance(dialog, CredentialDetailDialog)
    qtbot.waitExposed(dialog)
    return dialog


def claim_paths(value: Any, prefix: str = "") -> set[str]:
    """Every node of a claim tree, dotted."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    found = set()
    for key, child in items:
        path = f"{prefix}{key}"
        found.add(path)
        if isinstance(child, dict | list):
            found |= claim_paths(child, path + ".")
    return found


def tree_rows(model: ClaimTreeModel, parent: QModelIndex = QModelIndex()) -> list[QModelIndex]:  # noqa: B008
    rows = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        rows.append(index)
        rows.extend(tree_rows(model, index))
    return rows


def test_detail_shows_every_claim_and_what_can_be_withheld(
    qtbot, page: CredentialsPage
) -> None:
    dialog = open_detail(qtbot, page)
    held = stored(page).held()
    subject = {k: v for k, v in held.claims.items() if k not in REGISTERED_CLAIMS}
    rows = tree_rows(dialog.model)
    paths = {row.data(ClaimRole.PATH) for row in rows}
    assert paths == claim_paths(subject)
    withholdable = {row.data(ClaimRole.PATH) for row in rows if row.data(ClaimRole.WITHHOLDABLE)}
    assert withholdable == set(held.disclosable_paths())
    by_path = {row.data(ClaimRole.PATH): row for row in rows}
    assert by_path["given_name"].siblingAtColumn(ClaimColumn.VALUE).data() == "Erika"
    assert by_path["given_name"].data() == "Given name"
    assert by_path["address.locality"].siblingAtColumn(ClaimColumn.VALUE).data() == "Köln"
    assert by_path["given_name"].siblingAtColumn(ClaimColumn.SHARING).data() == "Can be withheld"
    always = by_path["nationalities.0"]
    assert always.siblingAtColumn(ClaimColumn.SHARING).data() == "Always shared"
    assert always.data(Qt.ItemDataRole.ToolTipRole) == "The issuer made this part of every presentation."
    assert dialog.tree.isExpanded(by_path["address"])  # grouped, and open


def test_detail_names_the_issuer_and_dates(qtbot, page: CredentialsPage) -> None:
    dialog = open_detail(qtbot, page)
    credential = stored(page)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Identity credential" in texts  # the heading
    assert any(text.startswith("did:key:z6Mk") and "…" in text for text in texts)
    assert local_time(credential.issued_at) in texts
    assert any(text.startswith(local_time(credential.expires_at)) and text.endswith("Valid")
               for text in texts)
    buttons = [button.text() for button in dialog.findChildren(QPushButton)]
    assert {"Share…", "Export…", "Delete…", "Close"} <= set(buttons)
    assert not any("QR" in text for text in buttons)  # a later issue; no fake button


def test_double_click_opens_the_detail_too(qtbot, page: CredentialsPage) -> None:
    index = page.filter.index(0, 0)
    rect = page.view.visualRect(index)
    viewport = page.view.viewport()
    # A real double click: press and release, then the double-click press.
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert isinstance(page.dialog, CredentialDetailDialog)
    qtbot.keyClick(page.dialog, Qt.Key.Key_Escape)
    assert page.dialog is None


def test_export_saves_the_credential_as_issued(
    qtbot, page: CredentialsPage, tmp_path: Path, monkeypatch
) -> None:
    dialog = open_detail(qtbot, page)
    target = tmp_path / "export" / export_name(dialog.kind)
    target.parent.mkdir()
    suggested: list[str] = []

    def choose(parent, caption, directory, filters):  # type: ignore[no-untyped-def]
        suggested.append(directory)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    click(qtbot, dialog.export_button)
    assert suggested[0].endswith("Identity credential.sd-jwt")
    assert target.read_text(encoding="utf-8").strip() == stored(page).sd_jwt
    assert dialog.message.text == f"Saved to {target}."
    assert not dialog.export_to(tmp_path / "missing" / "x.sd-jwt")
    assert dialog.message.details.startswith("Error code: io_error")

    dialog.reject()
    page.import_path(target)  # the exported file imports as the same credential
    qtbot.waitUntil(lambda: not page.importing, timeout=WAIT_MS)
    assert page.message.text == ALREADY_THERE
    assert page.model.rowCount() == 1


def test_delete_asks_first(qtbot, page: CredentialsPage) -> None:
    assert page.session is not None
    dialog = open_detail(qtbot, page)
    click(qtbot, dialog.delete_button)
    box = dialog.dialog
    assert isinstance(box, QMessageBox)
    assert box.text().startswith("Delete “Identity credential” from did:key:")
    assert box.defaultButton().text() == "Keep"
    click(qtbot, box.defaultButton())
    assert page.model.rowCount() == 1 and dialog.isVisible()

    click(qtbot, dialog.delete_button)
    box = dialog.dialog
    assert isinstance(box, QMessageBox)
    click(qtbot, box.delete_button)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT_MS)
    assert page.session.wallet.credentials.all() == []
    assert page.model.rowCount() == 0 and page.empty_state.isVisible()
    assert page.window().statusBar().currentMessage() == "Identity credential deleted."
    assert page.session.wallet.ledger.entries()[-1].kind == "credential.deleted"
