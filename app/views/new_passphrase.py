"""Choosing a new passphrase: the field, its confirmation, a strength meter, and a plain
sentence about what is still missing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from app.dialogs.common import note, passphrase_field
from app.strength import Strength, estimate
from app.views.strength_meter import StrengthMeter

MISMATCH = "The two passphrases don't match yet."


class NewPassphraseForm(QWidget):
    """``changed`` fires on every edit; ``ready`` says whether the passphrase is strong
    enough and typed the same twice. ``avoid`` are words the passphrase should not be
    built from (the app name, for instance). ``form`` is open for rows that belong with
    it (:meth:`insert_row`), so that every field lines up."""

    changed = Signal()

    def __init__(
        self,
        label: str = "Passphrase",
        parent: QWidget | None = None,
        *,
        avoid: tuple[str, ...] = ("tessera", "wallet"),
    ) -> None:
        super().__init__(parent)
        self._avoid = avoid
        self.passphrase = passphrase_field(label, self)
        self.confirm = passphrase_field(f"Confirm {label.lower()}", self)
        self.show_box = QCheckBox("Show passphrase", self)
        self.show_box.toggled.connect(self._show)
        self.meter = StrengthMeter(self)
        self.mismatch = note(MISMATCH, self, small=True)
        self.strength: Strength = estimate("")
        self.meter.show_strength(self.strength)

        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(8)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow(label, self.passphrase)
        self.form.addRow("", self.meter)
        self.form.addRow("Type it again", self.confirm)
        self.form.addRow("", self.mismatch)
        self.form.addRow("", self.show_box)
        self.form.setRowVisible(self.mismatch, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)

        self.passphrase.textChanged.connect(self._update)
        self.confirm.textChanged.connect(self._update)

    def insert_row(self, row: int, label: str, field: QWidget) -> None:
        """Put another field in the same form (its labels and fields line up)."""
        self.form.insertRow(row, label, field)

    def _show(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.confirm.setEchoMode(mode)

    def _update(self) -> None:
        self.strength = estimate(self.passphrase.text(), self._avoid)
        self.meter.show_strength(self.strength)
        typed = self.confirm.text()
        self.form.setRowVisible(self.mismatch, bool(typed) and typed != self.passphrase.text())
        self.changed.emit()

    @property
    def mismatch_shown(self) -> bool:
        return not self.mismatch.isHidden()

    @property
    def matches(self) -> bool:
        return bool(self.passphrase.text()) and self.passphrase.text() == self.confirm.text()

    @property
    def ready(self) -> bool:
        return self.strength.acceptable and self.matches

    def value(self) -> str:
        return self.passphrase.text()

    def clear(self) -> None:
        self.passphrase.clear()
        self.confirm.clear()
