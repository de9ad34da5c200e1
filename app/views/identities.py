"""Identities: the user's decentralized identifiers and the keys behind them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QWidget,
)

from app.dialogs.common import explain, open_dialog
from app.dialogs.identity import NewIdentityDialog, QrDialog, RenameDialog, delete_box
from app.models.identities import IdentityColumn, IdentityTableModel
from app.session import WalletSession
from app.views.empty_state import EmptyState
from app.views.page import Page, select_row, selected_row
from core.errors import TesseraError
from core.identity import Identity


class IdentitiesPage(Page):
    """The identities table with its actions, or the empty state when there are none.

    Without a session (no wallet yet) only the empty state shows, and its button is
    reported as unavailable.
    """

    page_name = "identities"
    title = "Identities"
    icon_name = "identities"

    def __init__(self, session: WalletSession | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = IdentityTableModel(parent=self)
        self.dialog: QWidget | None = None  # the dialog this page has open, for tests

        make = self.shortcut_button
        self.new_button = make("New identity…", "Ctrl+N", self.new_identity, True)
        self.rename_button = make("Rename…", "F2", self.rename_identity)
        self.copy_button = make("Copy DID", QKeySequence.StandardKey.Copy, self.copy_did)
        self.qr_button = make("Show QR code…", "Ctrl+R", self.show_qr)
        self.delete_button = make(
            "Delete…", QKeySequence.StandardKey.Delete, self.delete_identity
        )

        self.actions_bar = QWidget(self)
        bar = QHBoxLayout(self.actions_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(8)
        bar.addWidget(self.new_button)
        bar.addSpacing(8)
        for button in (self.rename_button, self.copy_button, self.qr_button,
                       self.delete_button):
            bar.addWidget(button)
        bar.addStretch(1)

        self.table = self.row_table(
            self.model, "identityTable", "Identities",
            elide=Qt.TextElideMode.ElideMiddle, row_padding=20,
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(IdentityColumn.NAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(IdentityColumn.DID, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(IdentityColumn.KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            IdentityColumn.CREATED, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setColumnWidth(IdentityColumn.NAME, 180)
        self.table.doubleClicked.connect(lambda _index: self.show_qr())
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)

        self.body.addWidget(self.actions_bar)
        self.body.addWidget(self.table, 1)
        self.set_empty_state(
            EmptyState(
                "No identities yet",
                "Create a decentralized identifier (DID) to receive credentials.",
                icon_name=self.icon_name,
                primary_action="Create identity",
            ),
            forward=session is None,
        )
        if session is not None:
            self.empty_state.action_requested.connect(lambda _label: self.new_identity())
        self.follow(session)

    # --- content ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the identities from the wallet, keeping the selection where possible."""
        if self.session is None:
            self._show_list(False)
            return
        if self.session.is_locked:
            self.clear()
            return
        selected = self.selected()
        self.model.set_identities(self.session.identities())
        self._show_list(self.model.rowCount() > 0)
        if selected is not None:
            self.select(selected.did)
        elif self.model.rowCount():
            self.table.selectRow(0)

    def clear(self) -> None:
        """Drop everything shown (the wallet was locked)."""
        self.model.clear()
        self._show_list(False, locked=True)

    def _show_list(self, has_rows: bool, *, locked: bool = False) -> None:
        with_session = self.session is not None
        self.actions_bar.setVisible(with_session and has_rows)
        self.table.setVisible(with_session and has_rows)
        self.empty_state.setVisible(not has_rows and not locked)
        self._update_actions()

    def selected(self) -> Identity | None:
        row = selected_row(self.table)
        try:
            return None if row is None else self.model.identity(row)
        except IndexError:
            return None

    def select(self, did: str) -> None:
        select_row(self.table, self.model.row_of(did))

    def _update_actions(self) -> None:
        has = self.selected() is not None
        for button in (self.rename_button, self.copy_button, self.qr_button,
                       self.delete_button):
            button.setEnabled(has)

    # --- actions ---------------------------------------------------------------------------

    def new_identity(self) -> None:
        if self.session is None or self.session.is_locked:
            return
        dialog = NewIdentityDialog(self.session.create_identity, self)
        dialog.accepted.connect(lambda: self._created(dialog))
        self._open(dialog)

    def _created(self, dialog: NewIdentityDialog) -> None:
        if dialog.created is not None:
            self.select(dialog.created.did)
            self.status_message.emit("Identity created.")
            self.table.setFocus()

    def rename_identity(self) -> None:
        identity = self.selected()
        if self.session is None or identity is None:
            return
        dialog = RenameDialog(identity, self.session.relabel_identity, self)
        dialog.accepted.connect(lambda: self.status_message.emit("Identity renamed."))
        self._open(dialog)

    def copy_did(self) -> None:
        identity = self.selected()
        if identity is None:
            return
        QGuiApplication.clipboard().setText(identity.did)
        self.status_message.emit("DID copied.")

    def show_qr(self) -> None:
        identity = self.selected()
        if identity is None:
            return
        self._open(QrDialog(identity, self))

    def delete_identity(self) -> None:
        identity = self.selected()
        if self.session is None or identity is None:
            return
        box = delete_box(identity, self.session.bound_credentials(identity.did), self)

        def clicked(button: object) -> None:
            if button is box.delete_button:  # type: ignore[attr-defined]
                self._delete(identity)

        box.buttonClicked.connect(clicked)
        self._open(box)

    def _delete(self, identity: Identity) -> None:
        assert self.session is not None
        try:
            self.session.delete_identity(identity.did)
        except TesseraError as exc:
            sentence, details = explain(exc, "delete this identity")
            self.status_message.emit(f"{sentence} ({details})")
            return
        self.status_message.emit("Identity deleted.")

    def _open(self, dialog: QDialog) -> None:
        self.dialog = open_dialog(dialog, self._dialog_closed)

    def _dialog_closed(self) -> None:
        self.dialog = None
        self.table.setFocus()
