"""The first two screens: create or restore, then restore from what."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.dialogs.common import note
from app.onboarding.step import Step
from app.resources import app_icon
from app.views.typography import TITLE_SCALE, scaled_font

CHOICE_WIDTH = 460


class ChoiceButton(QPushButton):
    """A large button with a bold title, a sentence under it and a chevron."""

    def __init__(self, title: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choiceButton")
        self.setAccessibleName(title)
        self.setAccessibleDescription(description)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title_label = QLabel(title, self)
        self.title_label.setFont(scaled_font(self.font(), 1.08, QFont.Weight.DemiBold))
        self.description_label = note(description, self)
        self.description_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        chevron = QLabel("\u203a", self)  # a single right-pointing angle quote
        chevron.setFont(scaled_font(self.font(), 1.8))
        chevron.setAccessibleName("")
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title_label)
        text.addWidget(self.description_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 12, 16, 12)
        row.setSpacing(12)
        row.addLayout(text, 1)
        row.addWidget(chevron)
        for label in (self.title_label, self.description_label, chevron):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)

    def sizeHint(self) -> QSize:
        hint = self.layout().sizeHint()
        return QSize(max(hint.width(), 200), hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.layout().heightForWidth(width)


class WelcomeStep(Step):
    """Create a new wallet, or restore one."""

    create_chosen = Signal()
    restore_chosen = Signal()
    next_text = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Welcome to Tessera",
            "Tessera keeps your digital identities and credentials on this computer. "
            "You decide what to share, with whom, and for how long.",
            parent,
        )
        self.create_button = ChoiceButton(
            "Create a new wallet", "Start fresh. It takes about two minutes.", self
        )
        self.restore_button = ChoiceButton(
            "Restore a wallet", "Use your recovery phrase or a backup file.", self
        )
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_chosen)
        self.restore_button.clicked.connect(self.restore_chosen)
        self.centre(self.create_button, self.restore_button)

    def centre(self, *buttons: QPushButton) -> None:
        """Lay the step out as a centred column: logo, title, sentence, the buttons."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        while layout.count():
            layout.takeAt(0)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(QSize(72, 72)))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        logo.setAccessibleName("")
        self.title_label.setFont(scaled_font(self.font(), TITLE_SCALE, QFont.Weight.DemiBold))
        for label in (self.title_label, self.intro_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setFixedWidth(CHOICE_WIDTH)
        column = QVBoxLayout()
        column.setSpacing(0)
        column.addWidget(logo, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(18)
        column.addWidget(self.title_label, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(10)
        column.addWidget(self.intro_label, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(28)
        for button in buttons:
            button.setFixedWidth(CHOICE_WIDTH)
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            column.addSpacing(12)
        layout.addStretch(2)
        layout.addLayout(column)
        layout.addStretch(3)

    def entered(self) -> None:
        self.create_button.setFocus()


class RestoreChoiceStep(Step):
    """Restore from the recovery phrase, or from a backup file."""

    phrase_chosen = Signal()
    backup_chosen = Signal()
    next_text = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Restore a wallet",
            "Bring back your identities on this computer. What do you have?",
            parent,
        )
        self.phrase_button = ChoiceButton(
            "My recovery phrase",
            "The 24 words you wrote down when you made your wallet.",
            self,
        )
        self.backup_button = ChoiceButton(
            "A backup file",
            "A backup you saved from Tessera, and its passphrase. "
            "It also brings back your credentials and activity.",
            self,
        )
        self.phrase_button.clicked.connect(self.phrase_chosen)
        self.backup_button.clicked.connect(self.backup_chosen)
        self.content.addWidget(self.phrase_button)
        self.content.addWidget(self.backup_button)

    def entered(self) -> None:
        self.phrase_button.setFocus()
