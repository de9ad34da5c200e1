"""The consent duration choice of the request review screen: this once (the default),
1 day, 30 days, or until withdrawn, as a row of radio buttons (arrow keys move between
them) with a sentence saying what the choice means."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QVBoxLayout, QWidget

from app.dialogs.common import caption, note
from core.consent import DURATIONS

LABELS = {
    "once": "This once",
    "1d": "1 day",
    "30d": "30 days",
    "until_withdrawn": "Until I withdraw it",
}
MEANINGS = {
    "once": "They may use it for this request only; the next request asks you again.",
    "1d": "They may use it for one day.",
    "30d": "They may use it for 30 days.",
    "until_withdrawn": "They may use it until you withdraw your consent.",
}
RECORDED = "Tessera keeps a signed record of your consent; withdraw it any time under Consents."
CAPTION = "How long may they use it?"


class ConsentDurationPicker(QWidget):
    """``duration`` is one of :data:`core.consent.DURATIONS`; ``changed(str)`` follows it."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(CAPTION)
        title = caption(CAPTION, self)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        row = QHBoxLayout()
        row.setSpacing(18)
        for duration in DURATIONS:
            button = QRadioButton(LABELS[duration], self)
            button.setAccessibleName(LABELS[duration])
            button.setToolTip(MEANINGS[duration])
            button.toggled.connect(self._toggled)
            self.group.addButton(button)
            self.buttons[duration] = button
            row.addWidget(button)
        row.addStretch(1)
        self.meaning = note("", self, small=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addWidget(self.meaning)
        self.buttons["once"].setChecked(True)  # the least the person can give

    @property
    def duration(self) -> str:
        return next(d for d, button in self.buttons.items() if button.isChecked())

    def set_duration(self, duration: str) -> None:
        """Raises KeyError for a duration that is not offered."""
        self.buttons[duration].setChecked(True)

    def _toggled(self, checked: bool) -> None:
        if not checked:
            return
        duration = self.duration
        self.meaning.setText(f"{MEANINGS[duration]} {RECORDED}")
        self.changed.emit(duration)
