"""Unlocking, locking, the idle timer and "remember on this device", on a real vault."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.context import AppContext
from app.dialogs.common import NO_KEYRING
from app.flow import IDLE_REASON, MINUTE_MS, AppFlow
from app.idle import IdleWatcher
from app.preferences import PreferencesFile
from core.vault.kdf import KdfParams
from core.vault.keystore import MemoryKeyStore, OsKeyringStore
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import (
    WAIT_MS,
    click,
    create_wallet,
    press,
    submit_passphrase,
    unlock_dialog,
    wait_for_main,
)


def existing_wallet(context: AppContext, passphrase: str = PASSPHRASE) -> list[str]:
    """Make the vault with core directly (as an earlier run would have); its DIDs."""
    wallet, _phrase = Wallet.create(context.vault_dir, passphrase, kdf=context.kdf)
    with wallet:
        wallet.create_identity("key", "ES256", "Second")
        return [identity.did for identity in wallet.identities.all()]


@pytest.fixture
def run_flow(qtbot, styled_app):  # type: ignore[no-untyped-def]
    """Start more AppFlows (later runs of the app); each is shut down afterwards."""
    started: list[AppFlow] = []

    def start(context: AppContext) -> AppFlow:
        app_flow = AppFlow(context)
        started.append(app_flow)
        app_flow.start()
        return app_flow

    yield start
    for app_flow in started:
        app_flow.shutdown()


def test_existing_wallet_opens_with_the_unlock_dialog(
    qtbot, wallet_context: AppContext, run_flow
) -> None:
    dids = existing_wallet(wallet_context)
    flow = run_flow(wallet_context)
    assert flow.onboarding is None and flow.window is None
    dialog = unlock_dialog(qtbot, flow)
    assert dialog.unlock_button.isDefault()
    assert dialog.remember.isEnabled() and not dialog.remember.isChecked()
    submit_passphrase(qtbot, dialog, PASSPHRASE)
    window = wait_for_main(qtbot, flow)
    assert window.current_page().page_name == "credentials"  # the --page default
    model = window.pages["identities"].model
    assert [model.identity(row).did for row in range(model.rowCount())] == dids


def test_escape_on_the_first_unlock_quits(qtbot, wallet_context: AppContext, run_flow) -> None:
    existing_wallet(wallet_context)
    flow = run_flow(wallet_context)
    dialog = unlock_dialog(qtbot, flow)
    with qtbot.waitSignal(flow.quit_requested, timeout=WAIT_MS):
        press(qtbot, dialog.passphrase, Qt.Key.Key_Escape)


def test_unlock_can_be_cancelled_while_argon2id_runs(
    qtbot, wallet_context: AppContext, run_flow
) -> None:
    context = dataclasses.replace(wallet_context, kdf=KdfParams.INTERACTIVE)
    existing_wallet(context)
    flow = run_flow(context)
    dialog = unlock_dialog(qtbot, flow)
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    press(qtbot, dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.working and dialog.busy.isVisible()
    assert not dialog.passphrase.isEnabled() and not dialog.unlock_button.isEnabled()
    click(qtbot, dialog.cancel_button)
    assert not dialog.working and dialog.isVisible()
    assert dialog.message.text == "Stopped. Nothing was unlocked."
    QApplication.processEvents()
    time.sleep(0.3)  # let the abandoned Argon2id run finish: its result must be dropped
    qtbot.wait(50)
    assert flow.session is not None and flow.session.is_locked
    submit_passphrase(qtbot, dialog, PASSPHRASE)
    wait_for_main(qtbot, flow)
    assert not flow.session.is_locked


def test_remember_on_this_device_skips_the_passphrase_next_time(
    qtbot, wallet_context: AppContext, run_flow
) -> None:
    dids = existing_wallet(wallet_context)
    first = run_flow(wallet_context)
    dialog = unlock_dialog(qtbot, first)
    dialog.remember.setFocus()
    press(qtbot, dialog.remember, Qt.Key.Key_Space)
    assert dialog.remember.isChecked()
    submit_passphrase(qtbot, dialog, PASSPHRASE)
    wait_for_main(qtbot, first)
    assert PreferencesFile(wallet_context.preferences_path).load().remember_on_device
    first.shutdown()

    again = run_flow(wallet_context)  # same device: the same key store
    assert again.unlock_dialog is None
    window = wait_for_main(qtbot, again)
    assert again.session is not None and not again.session.is_locked
    model = window.pages["identities"].model
    assert [model.identity(row).did for row in range(model.rowCount())] == dids
    again.shutdown()

    other_device = dataclasses.replace(wallet_context, key_store=MemoryKeyStore())
    elsewhere = run_flow(other_device)  # the key is not there: the passphrase is asked
    unlock_dialog(qtbot, elsewhere)
    assert elsewhere.window is None


def test_turning_remember_off_in_settings_forgets_the_key(
    qtbot, flow: AppFlow, wallet_context: AppContext
) -> None:
    flow.start()
    create_wallet(qtbot, flow, PASSPHRASE)
    assert flow.window is not None and flow.session is not None
    settings = flow.window.pages["settings"]
    flow.window.show_page("settings")
    click(qtbot, settings.remember)
    assert settings.remember.isChecked()
    vault_id = flow.session.wallet.vault.vault_id
    assert wallet_context.key_store.load(vault_id) is not None
    assert flow.window.statusBar().currentMessage() == "Remembered on this device."
    click(qtbot, settings.remember)
    assert wallet_context.key_store.load(vault_id) is None
    assert not PreferencesFile(wallet_context.preferences_path).load().remember_on_device


def test_without_an_os_keyring_remember_is_off_and_says_why(
    qtbot, wallet_context: AppContext, run_flow
) -> None:
    context = dataclasses.replace(wallet_context, key_store=OsKeyringStore(fail.Keyring()))
    existing_wallet(context)
    flow = run_flow(context)
    dialog = unlock_dialog(qtbot, flow)
    assert not dialog.remember.isEnabled() and not dialog.remember.isChecked()
    assert dialog.remember_note.text() == NO_KEYRING
    submit_passphrase(qtbot, dialog, PASSPHRASE)
    window = wait_for_main(qtbot, flow)
    settings = window.pages["settings"]
    assert not settings.remember.isEnabled()
    assert settings.remember_note.text() == NO_KEYRING


def test_lock_button_in_the_status_bar(qtbot, flow: AppFlow) -> None:
    flow.start()
    create_wallet(qtbot, flow, PASSPHRASE)
    window = flow.window
    assert window is not None
    assert window.lock_button.isVisible() and window.lock_action.shortcut().toString() == "Ctrl+L"
    click(qtbot, window.lock_button)
    assert window.is_showing_locked
    dialog = unlock_dialog(qtbot, flow)
    assert dialog.reason_label.text() == "Enter your passphrase to open your wallet."
    # Escape after a manual lock leaves the window locked, with a way back in.
    press(qtbot, dialog.passphrase, Qt.Key.Key_Escape)
    assert flow.unlock_dialog is None and window.is_showing_locked
    button = window.locked_view.primary_button
    assert button is not None
    click(qtbot, button)
    submit_passphrase(qtbot, unlock_dialog(qtbot, flow), PASSPHRASE)
    qtbot.waitUntil(lambda: not window.is_showing_locked, timeout=WAIT_MS)


def test_locking_closes_dialogs_that_show_wallet_data(qtbot, flow: AppFlow) -> None:
    flow.start()
    create_wallet(qtbot, flow, PASSPHRASE)
    assert flow.window is not None and flow.session is not None
    page = flow.window.pages["identities"]
    click(qtbot, page.qr_button)
    qr = page.dialog
    assert isinstance(qr, QWidget) and qr.isVisible()
    flow.session.lock()
    assert not qr.isVisible()


def test_idle_timeout_locks_the_wallet(qtbot, wallet_context: AppContext, run_flow) -> None:
    existing_wallet(wallet_context)
    context = dataclasses.replace(wallet_context, idle_lock_ms=150)
    flow = run_flow(context)
    submit_passphrase(qtbot, unlock_dialog(qtbot, flow), PASSPHRASE)
    window = wait_for_main(qtbot, flow)
    assert flow.session is not None
    qtbot.waitUntil(lambda: flow.session.is_locked, timeout=WAIT_MS)
    assert window.is_showing_locked
    assert window.pages["identities"].model.rowCount() == 0
    dialog = unlock_dialog(qtbot, flow)
    assert dialog.reason_label.text() == IDLE_REASON


def test_user_input_restarts_the_idle_countdown(qtbot, styled_app) -> None:
    target = QWidget()
    qtbot.addWidget(target)
    target.show()
    watcher = IdleWatcher(500)
    fired: list[float] = []
    watcher.idle.connect(lambda: fired.append(time.monotonic()))
    watcher.start()
    try:
        started = time.monotonic()
        for _ in range(8):  # 800 ms of typing, a key every 100 ms
            qtbot.wait(100)
            qtbot.keyClick(target, Qt.Key.Key_A)
        assert fired == []
        qtbot.waitUntil(lambda: bool(fired), timeout=3000)
        assert fired[0] - started >= 1.2
    finally:
        watcher.stop()


def test_auto_lock_minutes_from_settings_drive_the_timer(qtbot, flow: AppFlow) -> None:
    flow.start()
    create_wallet(qtbot, flow, PASSPHRASE)
    assert flow.window is not None
    settings = flow.window.pages["settings"]
    assert flow.idle.interval_ms == 10 * MINUTE_MS  # the default
    flow.window.show_page("settings")
    settings.auto_lock.setFocus()
    settings.auto_lock.selectAll()
    qtbot.keyClicks(settings.auto_lock, "3")
    assert flow.idle.interval_ms == 3 * MINUTE_MS
    assert PreferencesFile(flow.context.preferences_path).load().auto_lock_minutes == 3
    settings.auto_lock.setValue(0)
    assert settings.auto_lock.text() == "Never"
    assert flow.idle.interval_ms == 0 and not flow.idle.active


def test_a_vault_open_elsewhere_is_reported(
    qtbot, wallet_context: AppContext, run_flow, tmp_path: Path
) -> None:
    existing_wallet(wallet_context)
    holder = Wallet.open(wallet_context.vault_dir)  # "another window" holds the lock
    try:
        flow = run_flow(wallet_context)
        assert flow.error_box is not None
        assert flow.error_box.text() == "Tessera is already open in another window."
        with qtbot.waitSignal(flow.quit_requested, timeout=WAIT_MS) as blocker:
            flow.error_box.accept()
        assert blocker.args == [1]
    finally:
        holder.close()
