"""Every page shows an empty state that tells the user what to do next, without clipping."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.context import AppContext
from app.main_window import MainWindow
from app.views.empty_state import EmptyState, action_label

# page -> (title, a phrase the sentence must contain, button labels)
EXPECTED = {
    "credentials": ("No credentials yet", "credential offer", ["Scan…", "Import file…"]),
    "identities": ("No identities yet", "decentralized identifier (DID)", ["Create identity"]),
    "activity": ("Nothing here yet", "no one can change it", []),
    "consents": ("No consents yet", "you can withdraw it", []),
    "settings": ("No options yet", "after set-up", []),
}


def _button_texts(state: EmptyState) -> list[str]:
    return [b.text() for b in (state.primary_button, state.secondary_button) if b is not None]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_page_shows_its_empty_state(qtbot, window: MainWindow, name: str) -> None:
    title, phrase, buttons = EXPECTED[name]
    window.show_page(name)
    page = window.pages[name]
    assert page.page_name == name
    state = page.empty_state
    assert state.isVisible()
    assert state.title == title
    assert phrase in state.text
    assert state.text.endswith(".")
    assert _button_texts(state) == buttons
    assert state.accessibleName() == title


@pytest.mark.parametrize("name", list(EXPECTED))
def test_empty_state_labels_are_not_clipped(qtbot, window: MainWindow, name: str) -> None:
    window.show_page(name)
    state = window.pages[name].empty_state
    qtbot.waitUntil(state.isVisible)
    for label in state.findChildren(QLabel):
        if label.isVisible() and label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()


def test_empty_state_emits_clean_action_labels(qtbot) -> None:
    state = EmptyState("Title", "Do this next.", primary_action="&Go", secondary_action="Open…")
    qtbot.addWidget(state)
    for button, expected in ((state.primary_button, "Go"), (state.secondary_button, "Open")):
        assert button is not None
        with qtbot.waitSignal(state.action_requested, timeout=1000) as blocker:
            button.click()
        assert blocker.args == [expected]


def test_empty_state_without_actions_or_icon(qtbot) -> None:
    state = EmptyState("Title", "Text.")
    qtbot.addWidget(state)
    assert state.primary_button is None and state.secondary_button is None
    assert state.icon_label.isHidden()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Scan offer", "Scan offer"),
        ("Import file…", "Import file"),
        ("&Save...", "Save"),
        ("Fish && chips", "Fish & chips"),
    ],
)
def test_action_label(text: str, label: str) -> None:
    assert action_label(text) == label


def test_settings_shows_version_and_vault_location(
    qtbot, window: MainWindow, context: AppContext
) -> None:
    window.show_page("settings")
    page = window.pages["settings"]
    assert page.version_label.text() == "9.9.9-test"
    assert page.vault_label.text() == str(context.vault_dir)
    assert page.vault_status_label.text() == "Not set up yet"
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == str(context.vault_dir)
    assert window.statusBar().currentMessage() == "Vault folder path copied."
