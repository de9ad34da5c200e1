"""Consents: every consent the person gave a verifier (active, expired or withdrawn), with
Withdraw and the signed withdrawal to export or copy for the verifier."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHeaderView,
    QMessageBox,
    QWidget,
)

from app.dialogs.common import confirm_box, explain, note, open_dialog
from app.formatting import local_time
from app.models.consents import (
    FILTERS,
    ConsentColumn,
    ConsentTableModel,
    shared_text,
    until_text,
)
from app.session import WalletSession
from app.views.bars import buddy_label, control_bar
from app.views.empty_state import EmptyState
from app.views.message import InlineMessage, Tone
from app.views.page import Page, select_row, selected_row
from core.consents import DURATION_WORDS, StoredConsent
from core.errors import TesseraError

#: Asks where to save a withdrawal, given a suggested file name; None when cancelled.
PathChooser = Callable[[QWidget, str], Path | None]
WITHDRAWAL_FILTER = "Signed withdrawal (*.jwt);;All files (*)"


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    """The platform's save dialog."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, "Export signed withdrawal", str(Path.home() / suggested), WITHDRAWAL_FILTER
    )
    return Path(name) if name else None


def withdrawal_file_name(stored: StoredConsent) -> str:
    """``withdrawal-example-shop-1a2b3c4d.jwt``."""
    who = stored.consent.verifier_label.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", who).strip("-")[:40] or "verifier"
    return f"withdrawal-{slug}-{stored.id[:8]}.jwt"


def withdraw_box(stored: StoredConsent, parent: QWidget | None = None) -> QMessageBox:
    """A confirmation naming the verifier and what it received; "Keep" is the default."""
    consent = stored.consent
    name = consent.verifier_label
    box, withdraw = confirm_box(
        "Withdraw consent",
        f"Withdraw your consent for {name}?",
        f"{name} ({consent.verifier}) may then no longer use what it received: "
        f"{shared_text(consent)}.\n\nTessera signs a withdrawal that you can export and send "
        "to the verifier. You can't undo this.",
        "Withdraw",
        parent,
    )
    box.withdraw_button = withdraw  # type: ignore[attr-defined]
    return box


class ConsentsPage(Page):
    """The consents table with its filter and actions, or the empty state."""

    page_name = "consents"
    title = "Consents"
    icon_name = "consents"

    def __init__(
        self,
        session: WalletSession | None = None,
        parent: QWidget | None = None,
        *,
        choose_path: PathChooser = ask_save_path,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.choose_path = choose_path  # a seam: tests pass the file to write
        self.model = ConsentTableModel(parent=self)
        self.dialog: QWidget | None = None  # the dialog this page has open, for tests
        self._all: list[StoredConsent] = []

        self.filter = QComboBox(self)
        self.filter.setAccessibleName("Show consents")
        for label, _states in FILTERS:
            self.filter.addItem(label)
        self.filter.currentIndexChanged.connect(lambda _index: self._show_rows())

        make = self.shortcut_button
        self.withdraw_button = make("Withdraw…", QKeySequence.StandardKey.Delete, self.withdraw)
        self.export_button = make("Export signed withdrawal…", "Ctrl+E", self.export_withdrawal)
        self.copy_button = make("Copy withdrawal", QKeySequence.StandardKey.Copy,
                                self.copy_withdrawal)

        self.actions_bar = control_bar(
            self, buddy_label("&Show", self.filter, self), self.filter, 16,
            self.withdraw_button, self.export_button, self.copy_button,
        )

        self.message = InlineMessage(self)
        self.table = self.row_table(
            self.model, "consentTable", "Consents",
            elide=Qt.TextElideMode.ElideRight, row_padding=18,
        )
        header = self.table.horizontalHeader()
        fit = QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(ConsentColumn.VERIFIER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ConsentColumn.SHARED, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ConsentColumn.PURPOSE, QHeaderView.ResizeMode.Interactive)
        for column in (ConsentColumn.GRANTED, ConsentColumn.UNTIL, ConsentColumn.STATE):
            header.setSectionResizeMode(column, fit)
        self.table.setColumnWidth(ConsentColumn.VERIFIER, 210)
        self.table.setColumnWidth(ConsentColumn.PURPOSE, 150)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.detail = note("", self)
        self.detail.setObjectName("consentDetail")
        self.no_rows = note("", self)
        self.no_rows.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.body.addWidget(self.actions_bar)
        self.body.addWidget(self.message)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.no_rows, 1)
        self.body.addWidget(self.detail)
        self.set_empty_state(
            EmptyState(
                "No consents yet",
                "When you share with a verifier, the consent you give is recorded here, "
                "signed, and you can withdraw it.",
                icon_name=self.icon_name,
            )
        )
        self.follow(session)

    # --- content ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """States depend on the time: read them again whenever the page appears."""
        self.stale = True
        super().showEvent(event)

    def refresh(self) -> None:
        """Reload the consents (their states as of now), keeping the selection."""
        if self.session is None or self.session.is_locked:
            self.clear()
            return
        self._all = self.session.consents()
        self._show_rows()

    def clear(self) -> None:
        """Drop everything shown (the wallet was locked)."""
        self._all = []
        self.model.clear()
        self.message.clear()
        self._layout(has_any=False, locked=self.session is not None)

    def set_filter(self, label: str) -> None:
        """Show the consents of one filter ("Active", "Expired", "Withdrawn", "All")."""
        self.filter.setCurrentIndex([name for name, _s in FILTERS].index(label))

    def _show_rows(self) -> None:
        selected = self.selected()
        label, states = FILTERS[max(self.filter.currentIndex(), 0)]
        rows = [stored for stored in self._all if stored.state in states]
        self.model.set_consents(rows)
        for index, (name, wanted) in enumerate(FILTERS):
            count = sum(1 for stored in self._all if stored.state in wanted)
            self.filter.setItemText(index, f"{name} ({count})")
        self.no_rows.setText(f"No {label.lower()} consents." if label != "All" else "")
        self._layout(has_any=bool(self._all))
        if selected is not None and self.model.row_of(selected.id) >= 0:
            self.select(selected.id)
        elif self.model.rowCount():
            self.table.selectRow(0)

    def _layout(self, *, has_any: bool, locked: bool = False) -> None:
        has_rows = self.model.rowCount() > 0
        self.actions_bar.setVisible(has_any)
        self.table.setVisible(has_rows)
        self.detail.setVisible(has_rows)
        self.no_rows.setVisible(has_any and not has_rows)
        self.empty_state.setVisible(not has_any and not locked)
        self._update_actions()

    def selected(self) -> StoredConsent | None:
        row = selected_row(self.table)
        try:
            return None if row is None else self.model.consent(row)
        except IndexError:
            return None

    def select(self, consent_id: str) -> None:
        select_row(self.table, self.model.row_of(consent_id))

    def _update_actions(self) -> None:
        stored = self.selected()
        self.withdraw_button.setEnabled(stored is not None and stored.state == "active")
        has_withdrawal = stored is not None and stored.withdrawal is not None
        self.export_button.setEnabled(has_withdrawal)
        self.copy_button.setEnabled(has_withdrawal)
        self.detail.setText(self._describe(stored) if stored is not None else "")

    @staticmethod
    def _describe(stored: StoredConsent) -> str:
        """The selected consent in one plain paragraph."""
        consent = stored.consent
        name = consent.verifier_label
        trust = "verified" if consent.verified else "not verified"
        purpose = f" to “{consent.purpose}”" if consent.purpose else ""
        lasting = DURATION_WORDS[consent.duration]
        until = "" if consent.duration in ("once", "until_withdrawn") else (
            f", until {until_text(consent, exact=True)}"
        )
        text = (f"{name} ({trust}: {consent.verifier}) received {shared_text(consent)}"
                f"{purpose} on {local_time(consent.granted_at)}. You consented {lasting}{until}.")
        if stored.withdrawal is not None:
            text += (f" You withdrew it on {local_time(stored.withdrawal.withdrawn_at)}; "
                     "export the signed withdrawal and send it to them.")
        return text

    # --- actions ---------------------------------------------------------------------------

    def withdraw(self) -> None:
        stored = self.selected()
        if self.session is None or stored is None or stored.state != "active":
            return
        box = withdraw_box(stored, self)

        def clicked(button: object) -> None:
            if button is box.withdraw_button:  # type: ignore[attr-defined]
                self._withdraw(stored)

        box.buttonClicked.connect(clicked)
        self._open(box)

    def _withdraw(self, stored: StoredConsent) -> None:
        assert self.session is not None
        try:
            self.session.withdraw_consent(stored.id)
        except TesseraError as exc:
            sentence, details = explain(exc, "withdraw this consent")
            self.message.show_message(sentence, Tone.ERROR, details)
            return
        if "withdrawn" not in FILTERS[self.filter.currentIndex()][1]:
            self.set_filter("Withdrawn")  # keep it in view, with its withdrawal to export
        self.select(stored.id)
        self.message.show_message(
            "Consent withdrawn. Export the signed withdrawal and send it to "
            f"{stored.consent.verifier_label}.",
            Tone.SUCCESS,
        )
        self.status_message.emit("Consent withdrawn.")

    def export_withdrawal(self) -> None:
        stored = self.selected()
        if stored is None or stored.withdrawal is None:
            return
        path = self.choose_path(self, withdrawal_file_name(stored))
        if path is None:
            return
        try:
            path.write_text(stored.withdrawal.token + "\n", encoding="ascii")
        except OSError as exc:
            sentence, details = explain(exc, "save the withdrawal")
            self.message.show_message(sentence, Tone.ERROR, details)
            return
        self.message.show_message(f"Saved the signed withdrawal to {path}.", Tone.SUCCESS)
        self.status_message.emit("Withdrawal saved.")

    def copy_withdrawal(self) -> None:
        stored = self.selected()
        if stored is None or stored.withdrawal is None:
            return
        QGuiApplication.clipboard().setText(stored.withdrawal.token)
        self.status_message.emit("Signed withdrawal copied.")

    def _open(self, dialog: QMessageBox) -> None:
        self.dialog = open_dialog(dialog, self._dialog_closed)

    def _dialog_closed(self) -> None:
        self.dialog = None
        self.table.setFocus()
