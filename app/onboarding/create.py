"""Creating a wallet: choose a passphrase, write down the phrase, check three words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QWidget

from app.onboarding.step import Step
from app.views.message import InlineMessage, Tone
from app.views.new_passphrase import NewPassphraseForm
from app.views.phrase import PhraseGrid, WordEdit
from app.words import clean_word

CONFIRM_COUNT = 3


class PassphraseStep(Step):
    """A new vault passphrase, strong enough and typed twice."""

    def __init__(self, title: str, intro: str, next_text: str, parent: QWidget | None = None):
        super().__init__(title, intro, parent)
        self.next_text = next_text
        self.form = NewPassphraseForm("Passphrase", self)
        self.form.changed.connect(self.completeness_changed)
        self.content.addWidget(self.form)

    def is_complete(self) -> bool:
        return self.form.ready

    def value(self) -> str:
        return self.form.value()

    def entered(self) -> None:
        self.form.passphrase.setFocus()


class PhraseStep(Step):
    """The 24 words, shown once, and "I have written it down"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Write down your recovery phrase",
            "These 24 words bring your wallet back if you forget your passphrase or lose "
            "this computer. Write them on paper, in order. Tessera shows them only now.",
            parent,
        )
        self.grid: PhraseGrid | None = None
        self.warning = InlineMessage(self)
        self.warning.show_message(
            "Anyone who sees these words can take over your identities. "
            "Don't take a photo of them or keep them online.",
            Tone.WARNING,
        )
        self.written = QCheckBox("I have written down all 24 words, in order", self)
        self.written.toggled.connect(self.completeness_changed)
        self.content.addWidget(self.warning)
        self._grid_index = self.content.count()
        self.content.addWidget(self.written)

    def show_words(self, words: list[str]) -> None:
        if self.grid is not None:
            self.grid.wipe()
            self.grid.deleteLater()
        self.grid = PhraseGrid(words, self)
        self.content.insertWidget(self._grid_index, self.grid)
        self.written.setChecked(False)

    def words(self) -> list[str]:
        return [label.text() for label in self.grid.word_labels] if self.grid else []

    def wipe(self) -> None:
        if self.grid is not None:
            self.grid.wipe()

    def is_complete(self) -> bool:
        return self.written.isChecked()

    def entered(self) -> None:
        self.written.setFocus()


class ConfirmStep(Step):
    """Type three words of the phrase, chosen at random, by their position."""

    next_text = "Finish"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Check your recovery phrase",
            "Type these words from your paper. This makes sure you can restore your wallet "
            "when you need to.",
            parent,
        )
        self.positions: list[int] = []  # 0-based
        self.fields: list[WordEdit] = []
        self._expected: list[str] = []
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(10)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.message = InlineMessage(self)
        self.content.addLayout(self.form)
        self.content.addWidget(self.message)

    def ask(self, words: list[str], positions: list[int]) -> None:
        """Ask for ``words`` at the 0-based ``positions`` (sorted here)."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.positions = sorted(positions)
        self._expected = [words[i] for i in self.positions]
        self.fields = []
        for position in self.positions:
            field = WordEdit(f"Word {position + 1}", self)
            field.setMaximumWidth(240)
            field.textChanged.connect(self._edited)
            label = QLabel(f"Word {position + 1}", self)
            label.setBuddy(field)
            self.form.addRow(label, field)
            self.fields.append(field)
        self.message.clear()

    def _edited(self) -> None:
        self.message.clear()
        self.completeness_changed.emit()

    def is_complete(self) -> bool:
        return bool(self.fields) and all(field.text().strip() for field in self.fields)

    def check(self) -> bool:
        """Whether every word matches; otherwise say which position to look at again."""
        for position, field, expected in zip(
            self.positions, self.fields, self._expected, strict=True
        ):
            if clean_word(field.text()) != expected:
                self.message.show_message(
                    f"Word {position + 1} doesn't match. Check it on your paper and try again.",
                    Tone.ERROR,
                )
                field.setFocus()
                field.selectAll()
                return False
        return True

    def wipe(self) -> None:
        self._expected = []
        for field in self.fields:
            field.clear()

    def entered(self) -> None:
        if self.fields:
            self.fields[0].setFocus()
