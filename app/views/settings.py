"""Settings: what this wallet is and where it keeps its data; options come with the vault."""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from app.context import AppContext
from app.views.empty_state import EmptyState
from app.views.page import Page
from app.views.typography import scaled_font


class SettingsPage(Page):
    """App version and vault location, then an empty state for the options to come."""

    page_name = "settings"
    title = "Settings"
    icon_name = "settings"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context

        heading = QLabel("About this wallet", self)
        heading.setFont(scaled_font(self.font(), 1.05, QFont.Weight.DemiBold))

        self.version_label = self._value(context.version, "Version")
        self.vault_label = self._value(str(context.vault_dir), "Vault folder")
        self.vault_status_label = self._value(
            "Set up" if context.vault_exists else "Not set up yet", "Wallet status"
        )
        self.copy_button = QPushButton("Copy path", self)
        self.copy_button.setAccessibleName("Copy vault folder path")
        self.copy_button.clicked.connect(self._copy_vault_path)

        vault_row_widget = QWidget(self)
        vault_row = QHBoxLayout(vault_row_widget)
        vault_row.setContentsMargins(0, 0, 0, 0)
        vault_row.setSpacing(12)
        vault_row.addWidget(self.vault_label, 1)
        vault_row.addWidget(self.copy_button, 0)

        group = QFrame(self)
        group.setObjectName("settingsGroup")
        form = QFormLayout(group)
        form.setContentsMargins(20, 16, 20, 16)
        form.setHorizontalSpacing(32)
        form.setVerticalSpacing(12)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Version", self.version_label)
        form.addRow("Qt for Python", self._value(pyside_version, "Qt for Python version"))
        vault_caption = QLabel("Vault folder", group)
        vault_caption.setMinimumHeight(self.copy_button.sizeHint().height())
        vault_caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(vault_caption, vault_row_widget)
        form.addRow("Wallet status", self.vault_status_label)

        self.body.addWidget(heading)
        self.body.addWidget(group)
        self.set_empty_state(
            EmptyState(
                "No options yet",
                "Lock, backup and recovery options appear here after set-up.",
                icon_name=self.icon_name,
                icon_size=28,
            )
        )

    def _value(self, text: str, accessible_name: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("settingsValue")
        label.setAccessibleName(accessible_name)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        return label

    def _copy_vault_path(self) -> None:
        QGuiApplication.clipboard().setText(str(self._context.vault_dir))
        self.status_message.emit("Vault folder path copied.")
