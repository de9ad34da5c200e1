"""Restoring a wallet: from the 24 words, or from a backup file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.dialogs.backup import FILE_FILTER
from app.dialogs.common import note, passphrase_field
from app.onboarding.step import Step
from app.views.message import InlineMessage, Tone
from app.views.phrase import PhraseEntry
from app.words import PhraseCheck, check_words

MAX_IDENTITIES = 1000


class RestorePhraseStep(Step):
    """The 24 words, checked as they are typed, and how many identities to bring back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Enter your recovery phrase",
            "Type the 24 words in order. Press Space to go to the next word.",
            parent,
        )
        self.entry = PhraseEntry(parent=self)
        self.entry.changed.connect(self._update)
        self.status = InlineMessage(self)
        self.identities = QSpinBox(self)
        self.identities.setRange(1, MAX_IDENTITIES)
        self.identities.setValue(1)
        self.identities.setAccessibleName("How many identities did you have?")
        self.identities.setMinimumWidth(90)
        count_note = note(
            "Tessera brings back this many identities, oldest first. If you had more, "
            "create them again in the same order and they come back too.",
            self,
            small=True,
        )
        count_label = QLabel("How many identities did you have?", self)
        count_label.setBuddy(self.identities)
        count_row = QHBoxLayout()
        count_row.setSpacing(12)
        count_row.addWidget(count_label)
        count_row.addWidget(self.identities)
        count_row.addStretch(1)
        self.content.addWidget(self.entry)
        self.content.addWidget(self.status)
        self.content.addSpacing(4)
        self.content.addLayout(count_row)
        self.content.addWidget(count_note)
        self.verdict: PhraseCheck = check_words(self.entry.words())

    def _update(self) -> None:
        self.verdict = check_words(self.entry.words(), self.entry.editing())
        if self.verdict.ok:
            self.status.show_message(self.verdict.message, Tone.SUCCESS)
        elif self.verdict.bad_position is not None or self.verdict.error_code:
            self.status.show_message(
                self.verdict.message, Tone.ERROR, f"Error code: {self.verdict.error_code}"
            )
        elif any(self.entry.words()):
            self.status.show_message(self.verdict.message, Tone.INFO)
        else:
            self.status.clear()
        self.completeness_changed.emit()

    def is_complete(self) -> bool:
        return self.verdict.ok

    def phrase(self) -> str:
        return " ".join(self.entry.words())

    def wipe(self) -> None:
        self.entry.clear()

    def entered(self) -> None:
        self.entry.fields[0].setFocus()


class RestoreBackupStep(Step):
    """Which backup file, and the passphrase it was saved with."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Restore from a backup file",
            "Choose the backup and type the passphrase you gave it. "
            "Next you'll choose a passphrase for this computer.",
            parent,
        )
        self.path_field = QLineEdit(self)
        self.path_field.setAccessibleName("Backup file")
        self.path_field.setPlaceholderText("Backup file")
        self.browse_button = QPushButton("Choose…", self)
        self.browse_button.setAccessibleName("Choose backup file")
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.path_field, 1)
        row.addWidget(self.browse_button)
        self.passphrase = passphrase_field("Backup passphrase", self)
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("Backup file", row)
        form.addRow("Backup passphrase", self.passphrase)
        self.message = InlineMessage(self)
        self.content.addLayout(form)
        self.content.addWidget(self.message)
        self.path_field.textChanged.connect(self._edited)
        self.passphrase.textChanged.connect(self._edited)

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Choose a backup", str(Path.home()), FILE_FILTER
        )
        if chosen:
            self.path_field.setText(chosen)

    def _edited(self) -> None:
        self.message.clear()
        self.completeness_changed.emit()

    def path(self) -> Path:
        return Path(self.path_field.text().strip()).expanduser()

    def is_complete(self) -> bool:
        return bool(self.path_field.text().strip()) and bool(self.passphrase.text())

    def fail(self, sentence: str, details: str) -> None:
        self.message.show_message(sentence, Tone.ERROR, details)

    def entered(self) -> None:
        (self.passphrase if self.path_field.text() else self.path_field).setFocus()
