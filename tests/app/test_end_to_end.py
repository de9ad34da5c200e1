"""The issue's acceptance test, on a real vault file: onboarding → identities → lock →
unlock (a wrong passphrase first) → everything still there."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.dialogs.identity import NewIdentityDialog
from app.flow import AppFlow
from app.models.identities import IdentityRole
from app.views.identities import IdentitiesPage
from core.vault.recovery import normalize_phrase
from tests.app.conftest import PASSPHRASE
from tests.app.driving import (
    WAIT_MS,
    click,
    create_wallet,
    submit_passphrase,
    type_into,
    unlock_dialog,
)


def dids(page: IdentitiesPage) -> list[str]:
    model = page.model
    return [model.index(row, 0).data(IdentityRole.DID) for row in range(model.rowCount())]


def test_create_lock_unlock_end_to_end(qtbot, flow: AppFlow) -> None:
    flow.start()
    words = create_wallet(qtbot, flow, PASSPHRASE)
    assert len(words) == 24
    normalize_phrase(" ".join(words))  # a real, checksummed phrase

    window = flow.window
    assert window is not None
    page = window.pages["identities"]
    assert isinstance(page, IdentitiesPage)
    assert window.current_page() is page
    first = dids(page)
    assert len(first) == 1 and first[0].startswith("did:key:z6Mk")
    assert page.table.isVisible() and not page.empty_state.isVisible()

    # A second identity through the New identity dialog.
    click(qtbot, page.new_button)
    dialog = page.dialog
    assert isinstance(dialog, NewIdentityDialog)
    type_into(qtbot, dialog.label_field, "Work")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=WAIT_MS)
    both = dids(page)
    assert both[0] == first[0]
    assert page.selected() is not None and page.selected().label == "Work"

    # Lock with Ctrl+L: the models drop everything and the unlock dialog appears.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert flow.session is not None and flow.session.is_locked
    assert window.is_showing_locked
    assert page.model.rowCount() == 0
    assert window.pages["activity"].model.rowCount() == 0
    dialog = unlock_dialog(qtbot, flow)

    submit_passphrase(qtbot, dialog, "not the passphrase at all")
    assert flow.session.is_locked
    assert dialog.isVisible()
    assert dialog.message.isVisible()
    assert dialog.message.text == "That passphrase doesn't open this wallet."
    assert "wrong_passphrase" in dialog.message.details
    assert not dialog.message.details_label.isVisible()  # the code waits under Details
    click(qtbot, dialog.message.details_button)
    assert dialog.message.details_label.isVisible()

    submit_passphrase(qtbot, dialog, PASSPHRASE)
    qtbot.waitUntil(lambda: flow.unlock_dialog is None, timeout=WAIT_MS)
    assert not flow.session.is_locked
    assert not window.is_showing_locked
    assert dids(page) == both
