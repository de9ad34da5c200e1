"""Composition root: parse the command line, build the application and its window.

``tessera-gui`` and ``python -m app`` both call ``main()``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE_NAMES = ("credentials", "identities", "activity", "consents", "settings")


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    vault: str | None
    screenshot: Path | None
    page: str


def parse_args(argv: Sequence[str] | None = None) -> Options:
    """Parse the command line. Exits with status 2 (argparse) on a usage error."""
    parser = argparse.ArgumentParser(prog="tessera-gui", description="Tessera wallet")
    parser.add_argument(
        "--vault",
        metavar="DIR",
        help="vault directory (default: $TESSERA_VAULT or the platform's user data dir)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        type=Path,
        help="render the window to a PNG file once it is shown, then exit",
    )
    parser.add_argument(
        "--page", choices=PAGE_NAMES, default=PAGE_NAMES[0],
        help="starting page once the wallet is open",
    )
    args = parser.parse_args(argv)
    return Options(vault=args.vault, screenshot=args.screenshot, page=args.page)


def _headless() -> bool:
    """True on Linux/BSD with no display server to connect to."""
    if sys.platform in ("win32", "darwin"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app; returns the process exit status (1 when a screenshot cannot be saved)."""
    options = parse_args(argv)
    if options.screenshot is not None and _headless():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    # Qt is imported here so that parse_args and --help work without it.
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from app import qt_workarounds
    from app.context import APP_NAME, ORGANIZATION, AppContext, app_version, resolve_vault_dir
    from app.flow import AppFlow
    from app.resources import app_icon, load_stylesheet
    from core.clock import SystemClock
    from core.vault.kdf import KdfParams
    from core.vault.keystore import OsKeyringStore

    qt_workarounds.apply()
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationVersion(app_version())
    app = QApplication.instance() or QApplication(list(sys.argv[:1]))
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)  # AppFlow decides: windows come and go at start
    app.setWindowIcon(app_icon())
    try:
        app.setStyleSheet(load_stylesheet())
    except FileNotFoundError as exc:
        print(f"tessera-gui: {exc}; using the plain style", file=sys.stderr)

    # The real services: the OS keyring, the default Argon2id cost and the wall clock.
    context = AppContext(
        vault_dir=resolve_vault_dir(options.vault),
        version=app_version(),
        key_store=OsKeyringStore(),
        kdf=KdfParams.MODERATE,
        clock=SystemClock(),
    )
    flow = AppFlow(context, start_page=options.page)
    flow.quit_requested.connect(app.exit)
    app.aboutToQuit.connect(flow.shutdown)
    flow.start()

    if options.screenshot is not None:
        path = options.screenshot

        def save_and_quit() -> None:
            app.processEvents()
            front = flow.front()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                saved = front is not None and front.grab().save(str(path), "PNG")
            except OSError:
                saved = False
            if not saved:
                print(f"tessera-gui: could not write {path}", file=sys.stderr)
            app.exit(0 if saved else 1)

        QTimer.singleShot(0, save_and_quit)

    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
