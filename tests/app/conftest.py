"""Fixtures for the Qt app: a styled main window on a throw-away vault path, and the whole
app flow on a real vault file there."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from app import qt_workarounds
from app.context import AppContext
from app.flow import AppFlow
from app.main_window import MainWindow
from app.resources import load_stylesheet
from core.clock import SystemClock
from core.vault.kdf import KdfParams
from core.vault.keystore import MemoryKeyStore
from core.wallet import Wallet

qt_workarounds.apply()  # as app.__main__ does, before any signal is emitted


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


# --- a real wallet on disk: MemoryKeyStore, the cheapest Argon2id, a seeded word picker ---

PASSPHRASE = "violet harbor lantern quietly"


@pytest.fixture
def wallet_context(tmp_path: Path) -> AppContext:
    return AppContext(
        vault_dir=tmp_path / "vault",
        version="9.9.9-test",
        key_store=MemoryKeyStore(),
        kdf=KdfParams.FAST_INSECURE,
        clock=SystemClock(),
        rng=random.Random(20240531),
    )


@pytest.fixture
def flow(qtbot, styled_app: QApplication, wallet_context: AppContext) -> Iterator[AppFlow]:
    """The app as ``python -m app`` builds it, on a throw-away vault (not started yet)."""
    app_flow = AppFlow(wallet_context)
    yield app_flow
    app_flow.shutdown()
    QThreadPool.globalInstance().waitForDone(5000)


@pytest.fixture
def wallet_window(qtbot, flow: AppFlow, wallet_context: AppContext) -> MainWindow:
    """A wallet made on disk beforehand (one identity), unlocked through the unlock
    dialog, its main window active."""
    from tests.app.driving import submit_passphrase, unlock_dialog, wait_for_main

    made, _phrase = Wallet.create(wallet_context.vault_dir, PASSPHRASE, kdf=wallet_context.kdf)
    made.close()
    flow.start()
    submit_passphrase(qtbot, unlock_dialog(qtbot, flow), PASSPHRASE)
    main = wait_for_main(qtbot, flow)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=5000)
    return main
