"""Driving the app the way a person does: clicks and typing, then waiting for workers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QWidget

from app.dialogs.unlock import UnlockDialog
from app.flow import AppFlow
from app.main_window import MainWindow
from app.onboarding import OnboardingWindow
from app.views.credentials import CredentialsPage

WAIT_MS = 10_000


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)


def press(qtbot, widget: QWidget, key: Qt.Key) -> None:
    qtbot.keyClick(widget, key)


def onboarding(qtbot, flow: AppFlow) -> OnboardingWindow:
    window = flow.onboarding
    assert window is not None
    qtbot.waitExposed(window)
    return window


def create_wallet(qtbot, flow: AppFlow, passphrase: str) -> list[str]:
    """Welcome → passphrase → phrase grid → three-word check → main window.

    Returns the 24 words as read from the grid on screen.
    """
    window = onboarding(qtbot, flow)
    click(qtbot, window.welcome.create_button)
    assert window.current is window.passphrase
    type_into(qtbot, window.passphrase.form.passphrase, passphrase)
    type_into(qtbot, window.passphrase.form.confirm, passphrase)
    click(qtbot, window.next_button)
    qtbot.waitUntil(lambda: window.current is window.phrase, timeout=WAIT_MS)
    grid = window.phrase.grid
    assert grid is not None
    words = [label.text() for label in grid.word_labels]
    window.phrase.written.setFocus()
    press(qtbot, window.phrase.written, Qt.Key.Key_Space)
    click(qtbot, window.next_button)
    assert window.current is window.confirm
    for position, field in zip(window.confirm.positions, window.confirm.fields, strict=True):
        type_into(qtbot, field, words[position])
    click(qtbot, window.next_button)
    wait_for_main(qtbot, flow)
    return words


def wait_for_main(qtbot, flow: AppFlow) -> MainWindow:
    qtbot.waitUntil(lambda: flow.window is not None and flow.window.isVisible(), timeout=WAIT_MS)
    assert flow.window is not None
    return flow.window


def unlock_dialog(qtbot, flow: AppFlow) -> UnlockDialog:
    qtbot.waitUntil(
        lambda: flow.unlock_dialog is not None and flow.unlock_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    assert flow.unlock_dialog is not None
    return flow.unlock_dialog


def submit_passphrase(qtbot, dialog: UnlockDialog, passphrase: str) -> None:
    """Type the passphrase and press Enter, then wait for the check to finish."""
    dialog.passphrase.clear()
    type_into(qtbot, dialog.passphrase, passphrase)
    press(qtbot, dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT_MS)


def paste_credential(qtbot, page: CredentialsPage, text: str) -> None:
    """Put ``text`` on the clipboard, press Paste, and wait for the check to finish."""
    QApplication.clipboard().setText(text)
    empty = page.empty_state.isVisible()
    click(qtbot, page.empty_state.more_buttons[0] if empty else page.paste_button)
    qtbot.waitUntil(lambda: not page.importing, timeout=WAIT_MS)
