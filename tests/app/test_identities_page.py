"""The Identities page on a real wallet: new, rename, copy, QR, delete; by keyboard too."""

from __future__ import annotations

import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.dialogs.identity import NewIdentityDialog, QrDialog, RenameDialog
from app.flow import AppFlow
from app.models.identities import IdentityColumn, IdentityRole
from app.views.identities import IdentitiesPage
from core.identity import CREDENTIAL_KIND
from tests.app.conftest import PASSPHRASE
from tests.app.driving import WAIT_MS, click, create_wallet, type_into


@pytest.fixture
def page(qtbot, flow: AppFlow) -> IdentitiesPage:
    flow.start()
    create_wallet(qtbot, flow, PASSPHRASE)
    assert flow.window is not None
    window = flow.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    identities = window.pages["identities"]
    assert isinstance(identities, IdentitiesPage)
    return identities


def new_identity(qtbot, page: IdentitiesPage, label: str, method: int = 0, key: int = 0) -> None:
    click(qtbot, page.new_button)
    dialog = page.dialog
    assert isinstance(dialog, NewIdentityDialog)
    type_into(qtbot, dialog.label_field, label)
    dialog.method_box.setCurrentIndex(method)
    dialog.key_box.setCurrentIndex(key)
    rows = page.model.rowCount()
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: page.model.rowCount() == rows + 1, timeout=WAIT_MS)


@pytest.mark.parametrize(
    ("method", "key", "prefix", "kind"),
    [
        (0, 0, "did:key:z6Mk", "did:key · Ed25519"),
        (0, 1, "did:key:zDn", "did:key · P-256"),
        (1, 0, "did:jwk:", "did:jwk · Ed25519"),
        (1, 1, "did:jwk:", "did:jwk · P-256"),
    ],
)
def test_new_identity_of_each_kind(
    qtbot, page: IdentitiesPage, method: int, key: int, prefix: str, kind: str
) -> None:
    new_identity(qtbot, page, "Bank", method, key)
    row = page.model.row_of(page.selected().did)  # the new one is selected
    index = page.model.index(row, IdentityColumn.KIND)
    assert index.data() == kind
    assert index.data(IdentityRole.DID).startswith(prefix)
    assert page.model.index(row, IdentityColumn.NAME).data() == "Bank"
    assert page.window().statusBar().currentMessage() == "Identity created."


def test_actions_are_reachable_by_keyboard(qtbot, page: IdentitiesPage) -> None:
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(page.dialog, NewIdentityDialog)
    qtbot.keyClick(page.dialog.label_field, Qt.Key.Key_Escape)
    assert page.dialog is None

    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    dialog = page.dialog
    assert isinstance(dialog, RenameDialog)
    qtbot.keyClicks(dialog.label_field, "Everyday")
    qtbot.keyClick(dialog.label_field, Qt.Key.Key_Return)
    assert page.model.index(0, IdentityColumn.NAME).data() == "Everyday"
    assert page.model.index(0, 0).data(IdentityRole.LABEL) == "Everyday"

    qtbot.keyClick(page.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == page.selected().did
    assert page.window().statusBar().currentMessage() == "DID copied."

    qtbot.keyClick(page.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(page.dialog, QrDialog)
    page.dialog.reject()

    # Tab walks through the buttons in reading order.
    page.new_button.setFocus()
    order = [page.new_button]
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order[1:5] == [page.rename_button, page.copy_button, page.qr_button,
                          page.delete_button]
    assert order[5] is page.table


@pytest.mark.parametrize(("method", "key"), [(0, 0), (1, 1)])
def test_qr_code_reads_back_as_the_did(qtbot, page: IdentitiesPage, method: int, key: int) -> None:
    new_identity(qtbot, page, "Scan me", method, key)
    did = page.selected().did
    click(qtbot, page.qr_button)
    dialog = page.dialog
    assert isinstance(dialog, QrDialog)
    qtbot.waitExposed(dialog)
    assert dialog.did_text.toPlainText() == did
    for image in (dialog.code_label.pixmap().toImage(), dialog.grab().toImage()):
        results = zxingcpp.read_barcodes(image)
        assert [r.text for r in results] == [did]
        assert results[0].format == zxingcpp.BarcodeFormat.QRCode  # never Micro QR


def test_delete_names_bound_credentials_and_asks_first(
    qtbot, page: IdentitiesPage, flow: AppFlow
) -> None:
    new_identity(qtbot, page, "Old job")
    doomed = page.selected()
    assert flow.session is not None
    vault = flow.session.wallet.vault
    vault.put_json(CREDENTIAL_KIND, "employee-badge", {"holder_did": doomed.did})
    vault.put_json(CREDENTIAL_KIND, "library-card", {"holder_did": "did:key:someone-else"})

    click(qtbot, page.delete_button)
    box = page.dialog
    assert isinstance(box, QMessageBox)
    assert box.text() == "Delete “Old job”?"
    assert "employee-badge" in box.informativeText()
    assert "library-card" not in box.informativeText()
    assert box.defaultButton().text() == "Keep"
    click(qtbot, box.defaultButton())
    assert page.model.rowCount() == 2

    page.select(doomed.did)
    click(qtbot, page.delete_button)
    box = page.dialog
    assert isinstance(box, QMessageBox)
    click(qtbot, box.delete_button)  # type: ignore[attr-defined]
    assert page.model.rowCount() == 1
    assert page.model.row_of(doomed.did) == -1
    assert page.window().statusBar().currentMessage() == "Identity deleted."


def test_deleting_the_last_identity_brings_back_the_empty_state(
    qtbot, page: IdentitiesPage
) -> None:
    click(qtbot, page.delete_button)
    click(qtbot, page.dialog.delete_button)  # type: ignore[union-attr]
    assert page.model.rowCount() == 0
    assert page.empty_state.isVisible() and not page.table.isVisible()
    button = page.empty_state.primary_button
    assert button is not None
    click(qtbot, button)  # now it really creates one
    assert isinstance(page.dialog, NewIdentityDialog)


def test_a_too_long_name_is_cut_at_the_limit(qtbot, page: IdentitiesPage) -> None:
    click(qtbot, page.new_button)
    dialog = page.dialog
    assert isinstance(dialog, NewIdentityDialog)
    dialog.label_field.setText("x" * 200)
    assert len(dialog.label) == 80
