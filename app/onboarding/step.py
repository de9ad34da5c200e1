"""One screen of the onboarding flow: a title, a sentence or two, then its content."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.dialogs.common import heading, note
from app.views.typography import TITLE_SCALE


class Step(QWidget):
    """Subclasses fill ``content``; ``completeness_changed`` fires when ``is_complete``
    may have changed. ``next_text`` is the primary button's label (empty: no button)."""

    completeness_changed = Signal()
    next_text = "Continue"

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = heading(title, self, TITLE_SCALE * 0.85)
        self.intro_label = note(intro, self)
        self.content = QVBoxLayout()
        self.content.setSpacing(12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro_label)
        layout.addSpacing(10)
        layout.addLayout(self.content)
        layout.addStretch(1)
        self.setAccessibleName(title)

    @property
    def title(self) -> str:
        return self.title_label.text()

    def is_complete(self) -> bool:
        return True

    def entered(self) -> None:
        """Called each time the step comes on screen (to set focus)."""
