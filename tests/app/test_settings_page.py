"""Settings on a real wallet: change the passphrase, export a backup."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.dialogs.backup import ExportBackupDialog
from app.dialogs.passphrase import ChangePassphraseDialog
from app.flow import AppFlow
from app.views.settings import SettingsPage
from core.vault.backup import read_backup
from tests.app.conftest import PASSPHRASE
from tests.app.driving import (
    WAIT_MS,
    click,
    create_wallet,
    submit_passphrase,
    type_into,
    unlock_dialog,
)

NEW_PASSPHRASE = "copper meadow whistle orbit"


@pytest.fixture
def settings(qtbot, flow: AppFlow) -> SettingsPage:
    flow.start()
    create_wallet(qtbot, flow, PASSPHRASE)
    assert flow.window is not None
    flow.window.show_page("settings")
    page = flow.window.pages["settings"]
    assert isinstance(page, SettingsPage)
    return page


def test_settings_shows_security_options_instead_of_the_empty_state(
    settings: SettingsPage,
) -> None:
    assert not settings.empty_state.isVisible()
    assert settings.security_group is not None and settings.security_group.isVisible()
    assert settings.vault_status_label.text() == "Set up"
    assert settings.auto_lock.value() == 10


def test_change_passphrase(qtbot, flow: AppFlow, settings: SettingsPage) -> None:
    click(qtbot, settings.change_button)
    dialog = settings.dialog
    assert isinstance(dialog, ChangePassphraseDialog)
    assert not dialog.ok_button.isEnabled()
    type_into(qtbot, dialog.current, "this is not it at all")
    type_into(qtbot, dialog.new.passphrase, NEW_PASSPHRASE)
    type_into(qtbot, dialog.new.confirm, NEW_PASSPHRASE)
    click(qtbot, dialog.ok_button)
    assert dialog.busy.isVisible() or not dialog.working
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT_MS)
    assert dialog.isVisible()
    assert dialog.message.text == "That passphrase doesn't open this wallet."

    dialog.current.clear()
    type_into(qtbot, dialog.current, PASSPHRASE)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: settings.dialog is None, timeout=WAIT_MS)
    assert settings.window().statusBar().currentMessage() == "Passphrase changed."

    assert flow.session is not None
    flow.session.lock()
    dialog_after = unlock_dialog(qtbot, flow)
    submit_passphrase(qtbot, dialog_after, PASSPHRASE)
    assert dialog_after.message.text == "That passphrase doesn't open this wallet."
    submit_passphrase(qtbot, dialog_after, NEW_PASSPHRASE)
    qtbot.waitUntil(lambda: not flow.session.is_locked, timeout=WAIT_MS)


def test_export_backup(qtbot, flow: AppFlow, settings: SettingsPage, tmp_path: Path) -> None:
    click(qtbot, settings.export_button)
    dialog = settings.dialog
    assert isinstance(dialog, ExportBackupDialog)
    assert dialog.path_field.text().endswith(".tessera-backup")
    target = tmp_path / "out" / "my.tessera-backup"
    target.parent.mkdir()
    dialog.path_field.clear()
    type_into(qtbot, dialog.path_field, str(target))
    type_into(qtbot, dialog.passphrase.passphrase, "short")
    type_into(qtbot, dialog.passphrase.confirm, "short")
    assert not dialog.ok_button.isEnabled()  # a backup passphrase must be strong too
    dialog.passphrase.clear()
    type_into(qtbot, dialog.passphrase.passphrase, NEW_PASSPHRASE)
    type_into(qtbot, dialog.passphrase.confirm, NEW_PASSPHRASE)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: settings.dialog is None, timeout=WAIT_MS)
    assert target.is_file()
    assert settings.window().statusBar().currentMessage() == f"Backup saved to {target}."
    contents = read_backup(target, NEW_PASSPHRASE)
    assert flow.session is not None
    dids = {i.did for i in flow.session.identities()}
    assert any(record.kind == "identity" and record.id in dids for record in contents.records)


def test_export_to_a_folder_is_refused_in_plain_words(
    qtbot, settings: SettingsPage, tmp_path: Path
) -> None:
    click(qtbot, settings.export_button)
    dialog = settings.dialog
    assert isinstance(dialog, ExportBackupDialog)
    dialog.path_field.setText(str(tmp_path))
    type_into(qtbot, dialog.passphrase.passphrase, NEW_PASSPHRASE)
    type_into(qtbot, dialog.passphrase.confirm, NEW_PASSPHRASE)
    click(qtbot, dialog.ok_button)
    assert dialog.message.text == "That is a folder. Choose a file name for the backup."
