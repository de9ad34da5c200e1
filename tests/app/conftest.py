"""Fixtures for the Qt shell: a styled main window on a throw-away vault path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.context import AppContext
from app.main_window import MainWindow
from app.resources import load_stylesheet


@pytest.fixture
def context(tmp_path: Path) -> AppContext:
    return AppContext(vault_dir=tmp_path / "vault", version="9.9.9-test")


@pytest.fixture
def styled_app(qapp: QApplication) -> Iterator[QApplication]:
    """The test QApplication with Tessera's stylesheet, removed again afterwards."""
    qapp.setStyleSheet(load_stylesheet())
    yield qapp
    qapp.setStyleSheet("")


@pytest.fixture
def window(qtbot, styled_app: QApplication, context: AppContext) -> MainWindow:
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def active_window(qtbot, window: MainWindow) -> MainWindow:
    """The main window as the active window, so shortcuts and focus behave as on a desktop."""
    window.activateWindow()
    window.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window
