"""Export a backup: where to save it and the passphrase that protects it."""

from __future__ import annotations

import datetime
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from app.dialogs.task import TaskDialog
from app.session import WalletSession
from app.views.new_passphrase import NewPassphraseForm
from core.vault.backup import BackupSummary

BACKUP_SUFFIX = ".tessera-backup"
FILE_FILTER = f"Tessera backups (*{BACKUP_SUFFIX});;All files (*)"


def default_backup_name(today: datetime.date) -> str:
    return f"Tessera backup {today.isoformat()}{BACKUP_SUFFIX}"


class ExportBackupDialog(TaskDialog):
    """Writes the backup on a worker; ``summary`` holds what was written once accepted."""

    def __init__(
        self, session: WalletSession, parent: QWidget | None = None, *, directory: Path
    ) -> None:
        super().__init__(
            session,
            "Export a backup",
            "Everything in this wallet goes into one encrypted file: identities, "
            "credentials and the activity log. Keep it somewhere other than this computer.",
            "Export",
            parent,
        )
        self.summary: BackupSummary | None = None
        today = datetime.date.fromtimestamp(session.context.clock.now())
        self.path_field = QLineEdit(str(directory / default_backup_name(today)), self)
        self.path_field.setAccessibleName("Backup file")
        self.browse_button = QPushButton("Choose…", self)
        self.browse_button.setAccessibleName("Choose backup file")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._browse)
        path_row = QWidget(self)
        row = QHBoxLayout(path_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.path_field, 1)
        row.addWidget(self.browse_button)
        self.passphrase = NewPassphraseForm("Backup passphrase", self)
        self.passphrase.insert_row(0, "Save to", path_row)
        self.form_area.addWidget(self.passphrase)
        self.passphrase.changed.connect(self.validate)
        self.path_field.textChanged.connect(self.validate)
        self.validate()
        self.passphrase.passphrase.setFocus()

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save backup", self.path_field.text(), FILE_FILTER
        )
        if chosen:
            self.path_field.setText(chosen)

    def validate(self) -> None:
        self.ok_button.setEnabled(
            not self.working and bool(self.path_field.text().strip()) and self.passphrase.ready
        )

    def _set_working(self, working: bool, text: str = "") -> None:
        super()._set_working(working, text)
        if not working:
            self.validate()

    def accept(self) -> None:
        if self.working or not self.ok_button.isEnabled():
            return
        path = Path(self.path_field.text().strip()).expanduser()
        if path.is_dir():
            self.fail("That is a folder. Choose a file name for the backup.")
            return
        wallet = self.session.wallet
        kdf = self.session.context.kdf
        self.run_task(
            "Encrypting and saving the backup…",
            "save the backup",
            lambda target, secret: wallet.export_backup(target, secret, kdf=kdf),
            path,
            self.passphrase.value(),
            on_result=self._done,
        )

    def _done(self, summary: BackupSummary) -> None:
        self.summary = summary
        self.passphrase.clear()
        self.session.changed.emit()
        super().accept()
