"""Change the wallet passphrase: the current one, then a new one twice."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.dialogs.common import passphrase_field
from app.dialogs.task import TaskDialog
from app.session import WalletSession
from app.views.new_passphrase import NewPassphraseForm


class ChangePassphraseDialog(TaskDialog):
    """Both Argon2id runs (checking the current passphrase, wrapping the key under the
    new one) happen on a worker. Accepted once the new passphrase is in place."""

    def __init__(self, session: WalletSession, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            "Change passphrase",
            "Your recovery phrase stays the same. Only the passphrase you type on this "
            "computer changes.",
            "Change passphrase",
            parent,
        )
        self.current = passphrase_field("Current passphrase", self)
        self.new = NewPassphraseForm("New passphrase", self)
        self.new.insert_row(0, "Current passphrase", self.current)
        self.new.changed.connect(self.validate)
        self.current.textChanged.connect(self.validate)
        self.form_area.addWidget(self.new)
        self.validate()
        self.current.setFocus()

    def validate(self) -> None:
        self.ok_button.setEnabled(
            not self.working and bool(self.current.text()) and self.new.ready
        )

    def _set_working(self, working: bool, text: str = "") -> None:
        super()._set_working(working, text)
        if not working:
            self.validate()

    def accept(self) -> None:
        if self.working or not self.ok_button.isEnabled():
            return
        wallet = self.session.wallet
        self.run_task(
            "Changing your passphrase…",
            "change the passphrase",
            lambda current, new: wallet.change_passphrase(
                current, new, kdf=self.session.context.kdf
            ),
            self.current.text(),
            self.new.value(),
            on_result=self._done,
        )

    def _done(self, _value: object) -> None:
        self.current.clear()
        self.new.clear()
        self.session.changed.emit()
        super().accept()
