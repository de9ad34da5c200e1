"""The main window: opens, navigates by mouse and keyboard, reports unavailable actions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QPushButton

from app.__main__ import PAGE_NAMES
from app.main_window import MainWindow

TITLES = {
    "credentials": "Credentials",
    "identities": "Identities",
    "activity": "Activity",
    "consents": "Consents",
    "settings": "Settings",
}
SHORTCUT_KEYS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5)


def test_window_opens_with_title_rail_pages_and_status_bar(window: MainWindow) -> None:
    assert window.isVisible()
    assert window.windowTitle() == "Tessera"
    assert not window.windowIcon().isNull()
    assert window.minimumWidth() >= 960 and window.minimumHeight() >= 640
    assert window.statusBar().isVisible()
    assert [window.nav.item(row).text() for row in range(window.nav.count())] == list(
        TITLES.values()
    )
    assert window.stack.count() == 5
    assert list(window.pages) == list(PAGE_NAMES)
    assert window.current_page().page_name == "credentials"


@pytest.mark.parametrize("row", [4, 3, 1, 2, 0])
def test_clicking_a_navigation_entry_switches_page(qtbot, window: MainWindow, row: int) -> None:
    if row == 0:  # start elsewhere so the click has something to change
        window.show_page("activity")
    rect = window.nav.visualItemRect(window.nav.item(row))
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.nav.currentRow() == row
    assert window.current_page().page_name == PAGE_NAMES[row]
    assert window.current_page().isVisible()


@pytest.mark.parametrize("index", [4, 3, 2, 1, 0])
def test_ctrl_number_switches_page(qtbot, active_window: MainWindow, index: int) -> None:
    window = active_window
    if index == 0:
        window.show_page("settings")
    qtbot.keyClick(window, SHORTCUT_KEYS[index], Qt.KeyboardModifier.ControlModifier)
    assert window.current_page().page_name == PAGE_NAMES[index]
    assert window.nav.currentRow() == index


def test_shortcuts_work_while_focus_is_inside_a_page(qtbot, active_window: MainWindow) -> None:
    window = active_window
    button = window.pages["credentials"].empty_state.primary_button
    assert button is not None
    button.setFocus()
    qtbot.waitUntil(button.hasFocus, timeout=2000)
    qtbot.keyClick(button, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page().page_name == "settings"


def test_arrow_keys_move_through_navigation(qtbot, active_window: MainWindow) -> None:
    window = active_window
    window.nav.setFocus()
    qtbot.waitUntil(window.nav.hasFocus, timeout=2000)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.current_page().page_name == "activity"
    qtbot.keyClick(window.nav, Qt.Key.Key_Up)
    assert window.current_page().page_name == "identities"


def test_tab_moves_between_navigation_and_page(qtbot, active_window: MainWindow) -> None:
    window = active_window
    window.nav.setFocus()
    qtbot.waitUntil(window.nav.hasFocus, timeout=2000)
    qtbot.keyClick(window.nav, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None and window.current_page().isAncestorOf(focused)
    assert focused is window.pages["credentials"].empty_state.primary_button

    # Tab onwards through the page always comes back round to the navigation.
    for _ in range(10):
        if window.nav.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert window.nav.hasFocus()


def test_navigation_and_buttons_have_accessible_names(window: MainWindow) -> None:
    assert window.nav.accessibleName() == "Navigation"
    assert window.stack.accessibleName()
    for name, page in window.pages.items():
        assert page.accessibleName() == TITLES[name]
        for button in page.findChildren(QPushButton):
            assert button.accessibleName(), f"unnamed button on {name}"
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        assert item.data(Qt.ItemDataRole.AccessibleTextRole) == item.text()
        assert f"Ctrl+{row + 1}" in item.toolTip()


@pytest.mark.parametrize(
    ("page", "button", "action"),
    [
        ("credentials", "primary_button", "Scan"),
        ("credentials", "secondary_button", "Import file"),
        ("identities", "primary_button", "Create identity"),
    ],
)
def test_unavailable_action_is_reported_in_status_bar(
    qtbot, window: MainWindow, page: str, button: str, action: str
) -> None:
    window.show_page(page)
    widget = getattr(window.pages[page].empty_state, button)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    message = window.statusBar().currentMessage()
    assert message.startswith(action)
    assert "not available in this build" in message


def test_show_page_rejects_an_unknown_name(window: MainWindow) -> None:
    with pytest.raises(KeyError):
        window.show_page("wallet")
    assert window.current_page().page_name == "credentials"


def test_navigation_icons_follow_a_palette_change(qtbot, window: MainWindow) -> None:
    def icon_colours() -> set[str]:
        image = window.nav.item(1).icon().pixmap(20, 20).toImage()
        return {
            image.pixelColor(x, y).name()
            for x in range(image.width())
            for y in range(image.height())
            if image.pixelColor(x, y).alpha() == 255
        }

    palette = window.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#00aa00"))
    window.setPalette(palette)
    assert icon_colours() == {"#00aa00"}
