"""What the app shows, and when: onboarding on the first run, the unlock dialog for an
existing wallet (unless this device remembers its key), the main window once unlocked,
and the unlock dialog again after Lock or the idle timeout."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.context import APP_NAME, AppContext
from app.dialogs.common import explain
from app.dialogs.unlock import UnlockDialog
from app.idle import IdleWatcher
from app.main_window import MainWindow
from app.onboarding import OnboardingWindow
from app.session import WalletSession
from core.errors import TesseraError, VaultBusy
from core.wallet import Wallet

log = logging.getLogger(__name__)
MINUTE_MS = 60_000
SHUTDOWN_WAIT_MS = 10_000
IDLE_REASON = "Tessera locked itself after a while without use. Enter your passphrase."


class AppFlow(QObject):
    """Owns the top-level windows and the open wallet. ``quit_requested(status)`` asks the
    application to end (the person closed onboarding or the first unlock, or the vault
    could not be opened)."""

    quit_requested = Signal(int)

    def __init__(
        self, context: AppContext, *, start_page: str | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.start_page = start_page
        self.session: WalletSession | None = None
        self.window: MainWindow | None = None
        self.onboarding: OnboardingWindow | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.error_box: QMessageBox | None = None
        self.idle = IdleWatcher(0, self)
        self.idle.idle.connect(self._idle_timeout)
        self._idle_locked = False  # the next unlock dialog says why it appeared
        self._pending_notice = ""  # for the status bar once the main window exists

    # --- start ---------------------------------------------------------------------------

    def start(self) -> None:
        """Show the first window: onboarding, the unlock dialog, or (remembered device)
        the main window straight away."""
        if not self.context.vault_exists:
            self._show_onboarding()
            return
        try:
            wallet = Wallet.open(self.context.vault_dir, clock=self.context.clock)
        except VaultBusy:
            self._fatal("Tessera is already open in another window.", "vault_busy")
            return
        except TesseraError as exc:
            sentence, details = explain(exc, "open the wallet")
            self._fatal(sentence, details)
            return
        self._begin(wallet)
        assert self.session is not None
        if self.session.unlock_from_device():
            self._show_main()
        else:
            self._ask_unlock(first=True)

    def front(self) -> QWidget | None:
        """The window the person is looking at (for screenshots)."""
        for widget in (self.error_box, self.onboarding, self.unlock_dialog, self.window):
            if widget is not None and widget.isVisible():
                return widget
        return None

    def _show_onboarding(self) -> None:
        self.onboarding = OnboardingWindow(self.context)
        self.onboarding.completed.connect(self._onboarded)
        self.onboarding.rejected.connect(self._onboarding_closed)
        self.onboarding.show()

    def _onboarded(self, wallet: Wallet) -> None:
        self._begin(wallet)
        self.start_page = "identities"  # where the first identity is waiting
        self._show_main()
        self.onboarding = None

    def _onboarding_closed(self) -> None:
        if self.session is None:
            self.onboarding = None
            self.quit_requested.emit(0)

    def _begin(self, wallet: Wallet) -> None:
        self.session = WalletSession(wallet, self.context, self)
        self.session.locked.connect(self._locked)
        self.session.unlocked.connect(self.idle.reset)
        self.session.preferences_changed.connect(self._apply_idle_interval)
        self._apply_idle_interval()

    def _fatal(self, sentence: str, details: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, sentence)
        box.setInformativeText(f"Nothing was changed. {details}")
        box.finished.connect(lambda _code: self.quit_requested.emit(1))
        self.error_box = box
        box.show()

    # --- the main window -------------------------------------------------------------------

    def _show_main(self) -> None:
        assert self.session is not None
        if self.window is None:
            self.window = MainWindow(self.context, self.session)
            self.window.unlock_requested.connect(lambda: self._ask_unlock(first=False))
            self.window.closed.connect(lambda: self.quit_requested.emit(0))
            if self.start_page:
                self.window.show_page(self.start_page)
            self.window.show()
        self.idle.start()

    # --- locking ---------------------------------------------------------------------------

    def _apply_idle_interval(self) -> None:
        assert self.session is not None
        if self.context.idle_lock_ms is not None:
            self.idle.set_interval(self.context.idle_lock_ms)
        else:
            self.idle.set_interval(self.session.preferences.auto_lock_minutes * MINUTE_MS)

    def lock(self) -> None:
        if self.session is not None:
            self.session.lock()

    def _idle_timeout(self) -> None:
        if self.session is None or self.session.is_locked:
            return
        if self.session.busy:  # never pull the key out from under running work
            self.idle.reset()
            return
        self._idle_locked = True
        self.session.lock()

    def _locked(self) -> None:
        reason = IDLE_REASON if self._idle_locked else ""
        self._idle_locked = False
        self._ask_unlock(first=False, reason=reason)

    def _ask_unlock(self, *, first: bool, reason: str = "") -> None:
        assert self.session is not None
        if self.unlock_dialog is not None:
            self.unlock_dialog.raise_()
            self.unlock_dialog.activateWindow()
            return
        dialog = UnlockDialog(self.session, self.window, reason=reason)
        self.unlock_dialog = dialog
        dialog.accepted.connect(self._unlocked)
        dialog.rejected.connect(lambda: self._unlock_cancelled(first))
        if self.window is not None:
            dialog.notice.connect(self.window.show_message)
            dialog.open()  # window-modal over the locked window
        else:
            dialog.notice.connect(self._remember_notice)
            dialog.show()

    def _remember_notice(self, text: str) -> None:
        self._pending_notice = text

    def _unlocked(self) -> None:
        self.unlock_dialog = None
        self._show_main()
        if self._pending_notice and self.window is not None:
            self.window.show_message(self._pending_notice)
            self._pending_notice = ""

    def _unlock_cancelled(self, first: bool) -> None:
        self.unlock_dialog = None
        if first and self.window is None:
            self.quit_requested.emit(0)

    # --- end -------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Close every window and the vault file (the app is quitting)."""
        self.idle.stop()
        for widget in (self.unlock_dialog, self.onboarding, self.window, self.error_box):
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.unlock_dialog = self.onboarding = self.window = self.error_box = None
        if self.session is not None:
            self.session.cancel_tasks()
            # A worker may still be inside the vault (Argon2id, a backup): let it finish
            # before the file is closed under it.
            QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)
            self.session.close()
            self.session = None
