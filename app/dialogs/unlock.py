"""The unlock dialog: the passphrase, "remember on this device", and Argon2id on a worker
so the window keeps responding (Cancel stops waiting for it)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import APP_NAME
from app.dialogs.common import (
    NO_KEYRING,
    checkbox_indent,
    explain,
    heading,
    note,
    passphrase_field,
)
from app.resources import app_icon
from app.session import WalletSession
from app.views.busy import BusyIndicator
from app.views.message import InlineMessage, Tone
from app.workers import TaskHandle
from core.errors import TesseraError

REMEMBER_NOTE = "Opens without your passphrase on this computer, until you turn it off."


class UnlockDialog(QDialog):
    """Asks for the passphrase and unlocks ``session``'s wallet.

    Accepted once the wallet is unlocked; ``notice(str)`` carries a sentence for the status
    bar (for example when the keyring refused to remember the key). ``reason`` is shown
    above the field ("Locked after 10 minutes without use.").
    """

    notice = Signal(str)

    def __init__(
        self, session: WalletSession, parent: QWidget | None = None, *, reason: str = ""
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._task: TaskHandle | None = None
        self.setWindowTitle(f"Unlock {APP_NAME}")
        self.setProperty("keepOnLock", True)
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(460)

        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(QSize(40, 40)))
        icon.setAccessibleName("")
        title = heading(f"Unlock {APP_NAME}", self)
        subtitle = note(reason or "Enter your passphrase to open your wallet.", self)
        self.reason_label = subtitle
        header_text = QVBoxLayout()
        header_text.setSpacing(2)
        header_text.addWidget(title)
        header_text.addWidget(subtitle)
        header = QHBoxLayout()
        header.setSpacing(14)
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(header_text, 1)

        self.passphrase = passphrase_field("Passphrase", self)
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.textEdited.connect(lambda _t: self.message.clear())

        available = session.keyring_available
        self.remember = QCheckBox("Remember on this device", self)
        self.remember.setEnabled(available)
        self.remember.setChecked(available and session.preferences.remember_on_device)
        self.remember_note = note(REMEMBER_NOTE if available else NO_KEYRING, self, small=True)
        self.remember_note.setContentsMargins(checkbox_indent(self.remember), 0, 0, 0)
        self.remember.setAccessibleDescription(self.remember_note.text())

        self.message = InlineMessage(self)
        self.busy = BusyIndicator(self)

        self.buttons = QDialogButtonBox(self)
        self.unlock_button = QPushButton("Unlock", self)
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setDefault(True)
        self.unlock_button.setAccessibleName("Unlock")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.unlock_button.clicked.connect(self.start_unlock)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 22, 24, 18)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addSpacing(6)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.remember)
        layout.addSpacing(-8)
        layout.addWidget(self.remember_note)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addSpacing(4)
        layout.addWidget(self.buttons)
        self.passphrase.setFocus()

    @property
    def working(self) -> bool:
        return self._task is not None

    def start_unlock(self) -> None:
        """Check the passphrase on a worker; the dialog stays responsive meanwhile."""
        if self.working:
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self.message.show_message("Type your passphrase first.", Tone.ERROR)
            self.passphrase.setFocus()
            return
        self.message.clear()
        self._set_working(True)
        self._task = self.session.unlock(passphrase, self._unlocked, self._failed)

    def _set_working(self, working: bool) -> None:
        self.passphrase.setEnabled(not working)
        self.unlock_button.setEnabled(not working)
        self.remember.setEnabled(not working and self.session.keyring_available)
        if working:
            self.busy.start("Checking your passphrase…")
        else:
            self.busy.stop()
            self._task = None

    def _unlocked(self) -> None:
        self._set_working(False)
        self.passphrase.clear()
        self._apply_remember()
        self.accept()

    def _apply_remember(self) -> None:
        wanted = self.remember.isChecked() and self.session.keyring_available
        if wanted == self.session.preferences.remember_on_device:
            return
        try:
            self.session.set_remember_on_device(wanted)
        except (TesseraError, OSError) as exc:
            sentence, _details = explain(exc, "remember this device")
            self.notice.emit(f"{sentence} You'll type your passphrase next time.")

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        sentence, details = explain(exc, "open this wallet")
        self.message.show_message(sentence, Tone.ERROR, details)
        self.passphrase.setFocus()
        self.passphrase.selectAll()

    def cancel_unlock(self) -> None:
        """Stop waiting for the passphrase check; nothing is unlocked."""
        if self._task is not None:
            self._task.cancel()
            self._set_working(False)
            self.message.show_message("Stopped. Nothing was unlocked.", Tone.INFO)
            self.passphrase.setFocus()

    def reject(self) -> None:
        """Escape or Cancel: stop a running check first; a second press closes."""
        if self.working:
            self.cancel_unlock()
            return
        super().reject()
