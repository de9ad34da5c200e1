"""The onboarding window: one step at a time, Back and a primary button at the bottom,
and the slow parts (Argon2id while making the vault, reading a backup) on a worker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import APP_NAME, AppContext
from app.dialogs.common import explain
from app.onboarding.choices import RestoreChoiceStep, WelcomeStep
from app.onboarding.create import CONFIRM_COUNT, ConfirmStep, PassphraseStep, PhraseStep
from app.onboarding.restore import RestoreBackupStep, RestorePhraseStep
from app.onboarding.step import Step
from app.resources import app_icon
from app.views.busy import BusyIndicator
from app.views.message import InlineMessage, Tone
from app.views.typography import scaled_font
from app.workers import TaskHandle, run_in_background
from core.errors import BackupInvalid, UnsupportedVersion, WrongPassphrase
from core.vault.backup import read_backup
from core.vault.recovery import PHRASE_WORDS
from core.wallet import Wallet

MINIMUM_SIZE = QSize(780, 660)


def backup_problem(exc: BaseException) -> tuple[str, str]:
    """(sentence, details) for a backup that could not be opened."""
    if isinstance(exc, WrongPassphrase):
        return "That passphrase doesn't open this backup.", f"Error code: {exc.code}"
    if isinstance(exc, BackupInvalid):
        return ("This file isn't a Tessera backup, or it was damaged.",
                f"Error code: {exc.code}. {exc.message}")
    if isinstance(exc, UnsupportedVersion):
        return ("A newer version of Tessera made this backup. Update Tessera first.",
                f"Error code: {exc.code}")
    return explain(exc, "read the backup")


class OnboardingWindow(QDialog):
    """First run. Emits ``completed(wallet)`` with the new, unlocked wallet and closes.

    ``steps`` are reachable by name for tests: welcome, restore_choice, passphrase,
    phrase, confirm, restore_phrase, restore_passphrase, backup, backup_passphrase.
    """

    completed = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.wallet: Wallet | None = None
        self._task: TaskHandle | None = None
        self._finished = False
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(MINIMUM_SIZE)
        self.setObjectName("onboarding")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        self.welcome = WelcomeStep()
        self.restore_choice = RestoreChoiceStep()
        self.passphrase = PassphraseStep(
            "Choose a passphrase",
            "You'll type it to open Tessera on this computer. Use four or more unrelated "
            "words. If you forget it, your recovery phrase gets you back in.",
            "Create wallet",
        )
        self.phrase = PhraseStep()
        self.confirm = ConfirmStep()
        self.restore_phrase = RestorePhraseStep()
        self.restore_passphrase = PassphraseStep(
            "Choose a passphrase",
            "You'll type it to open Tessera on this computer. It can differ from the one "
            "you used before.",
            "Restore wallet",
        )
        self.backup = RestoreBackupStep()
        self.backup_passphrase = PassphraseStep(
            "Choose a passphrase",
            "You'll type it to open Tessera on this computer. It can be the backup's "
            "passphrase or a new one.",
            "Restore wallet",
        )
        self.steps: dict[str, Step] = {
            "welcome": self.welcome,
            "restore_choice": self.restore_choice,
            "passphrase": self.passphrase,
            "phrase": self.phrase,
            "confirm": self.confirm,
            "restore_phrase": self.restore_phrase,
            "restore_passphrase": self.restore_passphrase,
            "backup": self.backup,
            "backup_passphrase": self.backup_passphrase,
        }
        self._back: dict[Step, Step | None] = {
            self.welcome: None,
            self.restore_choice: self.welcome,
            self.passphrase: self.welcome,
            self.phrase: None,  # the wallet exists from here on
            self.confirm: self.phrase,
            self.restore_phrase: self.restore_choice,
            self.restore_passphrase: self.restore_phrase,
            self.backup: self.restore_choice,
            self.backup_passphrase: self.backup,
        }
        self._next: dict[Step, Callable[[], None]] = {
            self.passphrase: self._create,
            self.phrase: lambda: self.go(self.confirm),
            self.confirm: self._check_words,
            self.restore_phrase: lambda: self.go(self.restore_passphrase),
            self.restore_passphrase: self._recover,
            self.backup: self._check_backup,
            self.backup_passphrase: self._restore_backup,
        }

        self.stack = QStackedWidget(self)
        for step in self.steps.values():
            self.stack.addWidget(step)
            step.completeness_changed.connect(self._update_buttons)
        self.welcome.create_chosen.connect(lambda: self.go(self.passphrase))
        self.welcome.restore_chosen.connect(lambda: self.go(self.restore_choice))
        self.restore_choice.phrase_chosen.connect(lambda: self.go(self.restore_phrase))
        self.restore_choice.backup_chosen.connect(lambda: self.go(self.backup))

        self.message = InlineMessage(self)
        self.busy = BusyIndicator(self)
        self.back_button = QPushButton("Back", self)
        self.back_button.setAccessibleName("Back")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("Continue", self)
        self.next_button.setProperty("primary", True)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.advance)

        self.footer_line = footer_line = QFrame(self)
        footer_line.setFrameShape(QFrame.Shape.HLine)
        footer_line.setObjectName("onboardingRule")
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        footer.setSpacing(12)
        footer.addWidget(self.back_button)
        footer.addWidget(self.busy, 1)
        footer.addStretch(0)
        footer.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 20)
        layout.setSpacing(14)
        self.brand = self._brand()
        layout.addWidget(self.brand)
        layout.addSpacing(8)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message)
        layout.addWidget(footer_line)
        layout.addLayout(footer)
        self.go(self.welcome)

    def _brand(self) -> QWidget:
        brand = QWidget(self)
        logo = QLabel(brand)
        logo.setPixmap(app_icon().pixmap(QSize(28, 28)))
        logo.setAccessibleName("")
        name = QLabel(APP_NAME, brand)
        name.setFont(scaled_font(self.font(), 1.2, QFont.Weight.DemiBold))
        row = QHBoxLayout(brand)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        row.addWidget(logo)
        row.addWidget(name)
        row.addStretch(1)
        return brand

    # --- navigation ------------------------------------------------------------------------

    @property
    def current(self) -> Step:
        step = self.stack.currentWidget()
        assert isinstance(step, Step)
        return step

    @property
    def working(self) -> bool:
        return self._task is not None

    def go(self, step: Step) -> None:
        self.message.clear()
        self.stack.setCurrentWidget(step)
        self.next_button.setText(step.next_text or "Continue")
        self.next_button.setAccessibleName(step.next_text or "Continue")
        self._update_buttons()
        step.entered()

    def back(self) -> None:
        target = self._back.get(self.current)
        if target is not None and not self.working:
            self.go(target)

    def advance(self) -> None:
        """The primary button (also Enter): do what the current step's button says."""
        action = self._next.get(self.current)
        if action is not None and not self.working and self.current.is_complete():
            self.message.clear()
            action()

    def _update_buttons(self) -> None:
        step = self.current
        self.brand.setVisible(step is not self.welcome)
        self.back_button.setVisible(self._back.get(step) is not None)
        self.back_button.setEnabled(not self.working)
        self.next_button.setVisible(bool(step.next_text))
        self.footer_line.setVisible(self.back_button.isVisibleTo(self)
                                    or self.next_button.isVisibleTo(self))
        self.next_button.setEnabled(not self.working and step.is_complete())

    def _run(
        self, busy_text: str, fn: Callable[..., Any], *args: Any,
        on_result: Callable[[Any], object], on_error: Callable[[BaseException], object],
    ) -> None:
        self._set_working(True, busy_text)

        def result(value: Any) -> None:
            self._set_working(False)
            on_result(value)

        def error(exc: BaseException) -> None:
            self._set_working(False)
            on_error(exc)

        self._task = run_in_background(fn, *args, on_result=result, on_error=error)

    def _set_working(self, working: bool, text: str = "") -> None:
        self.stack.setEnabled(not working)
        if working:
            self.busy.start(text)
        else:
            self.busy.stop()
            self._task = None
        self._update_buttons()

    def _fail(self, exc: BaseException, action: str) -> None:
        sentence, details = explain(exc, action)
        self.message.show_message(sentence, Tone.ERROR, details)

    # --- creating ----------------------------------------------------------------------------

    def _create(self) -> None:
        context = self.context
        self._run(
            "Creating your wallet…",
            lambda passphrase: Wallet.create(
                context.vault_dir, passphrase, kdf=context.kdf, clock=context.clock
            ),
            self.passphrase.value(),
            on_result=self._created,
            on_error=lambda exc: self._fail(exc, "create the wallet"),
        )

    def _created(self, created: tuple[Wallet, str]) -> None:
        self.wallet, phrase = created
        self.passphrase.form.clear()
        words = phrase.split()
        self.phrase.show_words(words)
        positions = self.context.rng.sample(range(PHRASE_WORDS), CONFIRM_COUNT)
        self.confirm.ask(words, positions)
        del phrase, words
        self.go(self.phrase)

    def _check_words(self) -> None:
        if self.confirm.check():
            self._finish()

    # --- restoring ---------------------------------------------------------------------------

    def _recover(self) -> None:
        context = self.context
        self._run(
            "Restoring your wallet…",
            lambda passphrase, phrase, count: Wallet.recover(
                context.vault_dir, passphrase, phrase, identities=count,
                kdf=context.kdf, clock=context.clock,
            ),
            self.restore_passphrase.value(),
            self.restore_phrase.phrase(),
            self.restore_phrase.identities.value(),
            on_result=self._restored,
            on_error=lambda exc: self._fail(exc, "restore the wallet"),
        )

    def _check_backup(self) -> None:
        def check(path: Path, passphrase: str) -> None:
            read_backup(path, passphrase)  # authenticates every byte; contents dropped

        self._run(
            "Opening the backup…",
            check,
            self.backup.path(),
            self.backup.passphrase.text(),
            on_result=lambda _none: self.go(self.backup_passphrase),
            on_error=lambda exc: self.backup.fail(*backup_problem(exc)),
        )

    def _restore_backup(self) -> None:
        context = self.context

        def restore(passphrase: str, path: Path, backup_passphrase: str) -> Wallet:
            wallet, _summary = Wallet.restore_backup(
                context.vault_dir, passphrase, path, backup_passphrase,
                kdf=context.kdf, clock=context.clock,
            )
            return wallet

        def failed(exc: BaseException) -> None:
            if isinstance(exc, WrongPassphrase | BackupInvalid | UnsupportedVersion):
                self.go(self.backup)
                self.backup.fail(*backup_problem(exc))
            else:
                self._fail(exc, "restore the wallet")

        self._run(
            "Restoring your wallet…",
            restore,
            self.backup_passphrase.value(),
            self.backup.path(),
            self.backup.passphrase.text(),
            on_result=self._restored,
            on_error=failed,
        )

    def _restored(self, wallet: Wallet) -> None:
        self.wallet = wallet
        self._finish()

    # --- ending ------------------------------------------------------------------------------

    def _finish(self) -> None:
        assert self.wallet is not None
        self._wipe()
        self._finished = True
        self.completed.emit(self.wallet)
        self.accept()

    def _wipe(self) -> None:
        """Drop every secret the steps still show or hold."""
        self.phrase.wipe()
        self.confirm.wipe()
        self.restore_phrase.wipe()
        for step in (self.passphrase, self.restore_passphrase, self.backup_passphrase):
            step.form.clear()
        self.backup.passphrase.clear()

    def reject(self) -> None:
        """Escape goes back a step; it never throws away what was typed."""
        self.back()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._finished:
            event.accept()
            return
        if self.working:
            event.ignore()
            return
        if self.wallet is not None and not self._confirm_abandon():
            event.ignore()
            return
        self._wipe()
        if self.wallet is not None:
            self.wallet.close()
            self.wallet = None
        event.accept()
        super().done(QDialog.DialogCode.Rejected)

    def _confirm_abandon(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Close Tessera?",
                          "Close without checking your recovery phrase?", parent=self)
        box.setInformativeText(
            "Your wallet is ready, but Tessera won't show the recovery phrase again. "
            "Only close if you have written it down."
        )
        close = box.addButton("Close", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep going", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is close
