"""Settings: locking, this device, passphrase and backup; then what this wallet is and
where it keeps its data."""

from __future__ import annotations

from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.dialogs.backup import ExportBackupDialog
from app.dialogs.common import NO_KEYRING, explain, note, open_dialog
from app.dialogs.passphrase import ChangePassphraseDialog
from app.dialogs.unlock import REMEMBER_NOTE
from app.preferences import MAX_AUTO_LOCK_MINUTES
from app.session import WalletSession
from app.views.empty_state import EmptyState
from app.views.page import Page
from app.views.typography import scaled_font
from core.errors import TesseraError


def _group(parent: QWidget) -> tuple[QFrame, QFormLayout]:
    group = QFrame(parent)
    group.setObjectName("settingsGroup")
    form = QFormLayout(group)
    form.setContentsMargins(20, 16, 20, 16)
    form.setHorizontalSpacing(32)
    form.setVerticalSpacing(12)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    return group, form


def _with_note(field: QWidget, text: str, parent: QWidget) -> tuple[QWidget, QLabel]:
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(field)
    row.addStretch(1)
    layout.addLayout(row)
    label = note(text, box, small=True)
    layout.addWidget(label)
    return box, label


class SettingsPage(Page):
    """Security options once there is a wallet; the app version and vault location always."""

    page_name = "settings"
    title = "Settings"
    icon_name = "settings"

    def __init__(
        self,
        context: AppContext,
        session: WalletSession | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.session = session
        self.dialog: QWidget | None = None
        self.security_group: QFrame | None = None
        if session is not None:
            self._build_security(session)

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

        group, form = _group(self)
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
        if session is not None:
            self.empty_state.hide()
            self.body.addStretch(1)

    # --- security ----------------------------------------------------------------------

    def _build_security(self, session: WalletSession) -> None:
        heading = QLabel("Security", self)
        heading.setFont(scaled_font(self.font(), 1.05, QFont.Weight.DemiBold))
        group, form = _group(self)
        self.security_group = group

        self.auto_lock = QSpinBox(group)
        self.auto_lock.setRange(0, MAX_AUTO_LOCK_MINUTES)
        self.auto_lock.setSpecialValueText("Never")
        self.auto_lock.setSuffix(" min")
        self.auto_lock.setAccessibleName("Lock after minutes without use")
        self.auto_lock.setValue(session.preferences.auto_lock_minutes)
        self.auto_lock.valueChanged.connect(self._auto_lock_changed)
        lock_box, _ = _with_note(
            self.auto_lock, "Tessera locks itself when you haven't used it for this long.", group
        )

        available = session.keyring_available
        self.remember = QCheckBox("Remember on this device", group)
        self.remember.setEnabled(available)
        self.remember.setChecked(available and session.preferences.remember_on_device)
        self.remember.toggled.connect(self._remember_toggled)
        remember_box, self.remember_note = _with_note(
            self.remember, REMEMBER_NOTE if available else NO_KEYRING, group
        )
        self.remember.setAccessibleDescription(self.remember_note.text())

        self.change_button = QPushButton("Change passphrase…", group)
        self.change_button.setAccessibleName("Change passphrase")
        self.change_button.clicked.connect(self.change_passphrase)
        self.export_button = QPushButton("Export backup…", group)
        self.export_button.setAccessibleName("Export backup")
        self.export_button.clicked.connect(self.export_backup)
        export_box, _ = _with_note(
            self.export_button,
            "One encrypted file with everything in this wallet.",
            group,
        )

        form.addRow("Lock after", lock_box)
        form.addRow("This device", remember_box)
        form.addRow("Passphrase", self.change_button)
        form.addRow("Backup", export_box)
        self.body.addWidget(heading)
        self.body.addWidget(group)
        self.body.addSpacing(8)
        session.preferences_changed.connect(self._sync_from_preferences)

    def _sync_from_preferences(self) -> None:
        assert self.session is not None
        prefs = self.session.preferences
        if self.auto_lock.value() != prefs.auto_lock_minutes:
            self.auto_lock.blockSignals(True)
            self.auto_lock.setValue(prefs.auto_lock_minutes)
            self.auto_lock.blockSignals(False)
        wanted = prefs.remember_on_device and self.session.keyring_available
        if self.remember.isChecked() != wanted:
            self.remember.blockSignals(True)
            self.remember.setChecked(wanted)
            self.remember.blockSignals(False)

    def _auto_lock_changed(self, minutes: int) -> None:
        assert self.session is not None
        try:
            self.session.update_preferences(auto_lock_minutes=minutes)
        except OSError as exc:
            sentence, _ = explain(exc, "save this setting")
            self.status_message.emit(sentence)

    def _remember_toggled(self, checked: bool) -> None:
        assert self.session is not None
        try:
            self.session.set_remember_on_device(checked)
        except (TesseraError, OSError) as exc:
            sentence, details = explain(exc, "change this setting")
            self.status_message.emit(f"{sentence} ({details})")
            self._sync_from_preferences()
            return
        self.status_message.emit(
            "Remembered on this device." if checked else "No longer remembered on this device."
        )

    def change_passphrase(self) -> None:
        if self.session is None or self.session.is_locked:
            return
        dialog = ChangePassphraseDialog(self.session, self)
        dialog.accepted.connect(lambda: self.status_message.emit("Passphrase changed."))
        self._open(dialog)

    def export_backup(self) -> None:
        if self.session is None or self.session.is_locked:
            return
        dialog = ExportBackupDialog(self.session, self, directory=Path.home())
        dialog.accepted.connect(lambda: self._exported(dialog))
        self._open(dialog)

    def _exported(self, dialog: ExportBackupDialog) -> None:
        if dialog.summary is not None:
            self.status_message.emit(f"Backup saved to {dialog.summary.path}.")

    def _open(self, dialog: QDialog) -> None:
        self.dialog = open_dialog(dialog, self._dialog_closed)

    def _dialog_closed(self) -> None:
        self.dialog = None

    # --- about ---------------------------------------------------------------------------

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
