"""Credentials: the cards the person holds from issuers, a search box over them, every
way to bring one in (a file, the clipboard, a drop), and Refresh status (F5)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.credential_text import kind_name
from app.dialogs.common import open_dialog
from app.dialogs.credential_detail import CredentialDetailDialog
from app.importing import FILE_FILTER
from app.models.credentials import CardRole, CredentialFilterModel, CredentialListModel, make_card
from app.session import WalletSession
from app.status_refresh import StatusRefresher
from app.views.busy import BusyIndicator
from app.views.credential_card import CardGrid
from app.views.credential_import import CredentialImporter
from app.views.empty_state import EmptyState
from app.views.message import InlineMessage, Tone
from app.views.page import Page
from core.credential_status import CredentialStatus, StatusOutcome, StatusState
from core.credentials import StoredCredential
from core.errors import TesseraError
from core.sdjwt.holder import HeldCredential
from core.vc import HeldW3cCredential

log = logging.getLogger(__name__)
ALREADY_THERE = "This credential is already in your wallet. It is selected below."
REFRESH_STATUS = "Refresh status"
CHECKING_STATUS = "Checking status…"


class CredentialsPage(Page):
    """The cards, or the empty state when there are none. Without a session (no wallet
    yet) only the empty state shows and its buttons are reported as unavailable."""

    page_name = "credentials"
    title = "Credentials"
    icon_name = "credentials"

    def __init__(
        self,
        session: WalletSession | None = None,
        parent: QWidget | None = None,
        *,
        status_refresher: StatusRefresher | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.status_refresher = status_refresher
        self.model = CredentialListModel(self)
        self.filter = CredentialFilterModel(self)
        self.filter.setSourceModel(self.model)
        self.dialog: QWidget | None = None  # the dialog this page has open, for tests
        self.importer: CredentialImporter | None = None
        self._stored: dict[str, StoredCredential] = {}

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search by type, issuer or claim")
        self.search.setAccessibleName("Search credentials")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(380)
        self.search.textChanged.connect(self._search_changed)
        # these shortcuts work on the empty page too, where the toolbar is hidden
        self.paste_button = self.shortcut_button(
            "Paste", QKeySequence.StandardKey.Paste, self.paste, only_when_usable=False
        )
        self.import_button = self.shortcut_button(
            "Import file…", "Ctrl+O", self.import_file, only_when_usable=False
        )
        self.scan_button = QPushButton("Scan…", self)
        self.scan_button.setAccessibleName("Scan")
        self.scan_button.setProperty("primary", True)
        self.scan_button.setAutoDefault(False)
        self.scan_button.setToolTip("Scan a QR code or open a link (Ctrl+Shift+S)")
        self.scan_button.clicked.connect(lambda: self.action_requested.emit("Scan"))
        self.status_button = self.shortcut_button(REFRESH_STATUS, "F5", self.refresh_status)
        self.status_button.setText(CHECKING_STATUS)  # as wide as it gets: no jump later
        self.status_button.setMinimumWidth(self.status_button.sizeHint().width())
        self.status_button.setText(REFRESH_STATUS)
        self.status_button.setVisible(status_refresher is not None)
        find = QAction("Find", self)
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._focus_search)
        self.addAction(find)

        self.toolbar = QWidget(self)
        bar = QHBoxLayout(self.toolbar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(8)
        bar.addWidget(self.search, 1)
        bar.addStretch(0)
        bar.addWidget(self.status_button)
        bar.addWidget(self.paste_button)
        bar.addWidget(self.import_button)
        bar.addWidget(self.scan_button)

        self.message = InlineMessage(self)
        self.busy = BusyIndicator(self)
        self.view = CardGrid(self)
        self.view.setObjectName("credentialCards")
        self.view.setAccessibleName("Credentials")
        self.view.setModel(self.filter)
        self.view.activated.connect(self._activated)  # double-click, Enter
        self.no_match = QLabel(self)
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.hide()

        self.body.addWidget(self.toolbar)
        self.body.addWidget(self.message)
        self.body.addWidget(self.busy)
        self.body.addWidget(self.view, 1)
        self.body.addWidget(self.no_match, 1)
        self.set_empty_state(
            EmptyState(
                "No credentials yet",
                "Scan a credential offer from an issuer, or import a credential file. "
                "You can also paste one, or drop its file here.",
                icon_name=self.icon_name,
                primary_action="Scan…",
                secondary_action="Import file…",
                more_actions=("Paste",),
            ),
            forward=session is None,
        )
        self.setAcceptDrops(session is not None)
        if session is not None:
            self.importer = CredentialImporter(
                session, self.message, self.busy, lambda: set(self._stored), self
            )
            self.importer.imported.connect(self._imported)
            self.importer.running_changed.connect(self._importing_changed)
            self.empty_state.action_requested.connect(self._empty_state_action)
        if status_refresher is not None:
            status_refresher.checked.connect(self._status_checked)
            status_refresher.running_changed.connect(self._status_running)
        self.follow(session)

    def _empty_state_action(self, label: str) -> None:
        if label == "Import file":
            self.import_file()
        elif label == "Paste":
            self.paste()
        else:
            self.action_requested.emit(label)

    # --- content ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the cards from the wallet, keeping the selection where possible."""
        if self.session is None or self.session.is_locked:
            self.clear()
            return
        selected = self.selected_id()
        now = self.session.context.clock.now()
        statuses = self._statuses()
        cards = []
        self._stored = {}
        newest_first = sorted(self.session.credentials(), key=lambda c: -c.imported_at)
        for stored in newest_first:
            try:
                held = stored.parsed()  # an SD-JWT VC or a W3C credential
            except TesseraError:
                log.warning("stored credential %s cannot be read", stored.id, exc_info=True)
                continue
            self._stored[stored.id] = stored
            cards.append(make_card(
                stored.id, vct=kind_name(stored.kind, shared_whole=stored.shared_whole),
                issuer=stored.issuer, claims=card_claims(held),
                issued_at=stored.issued_at, expires_at=stored.expires_at, now=now,
                credential_status=statuses.get(stored.id),
            ))
        self.model.set_cards(cards)
        self._show()
        if selected is not None:
            self.select(selected)

    def _statuses(self) -> dict[str, CredentialStatus]:
        assert self.session is not None
        try:
            return self.session.wallet.statuses.all()
        except TesseraError:
            log.warning("the stored status of credentials cannot be read", exc_info=True)
            return {}

    # --- status ----------------------------------------------------------------------------

    def refresh_status(self) -> None:
        """Check the status of every credential now, on a worker (Refresh status, F5)."""
        if self.status_refresher is not None and self.status_refresher.refresh_now():
            self.status_message.emit("Checking the status of your credentials…")

    def _status_running(self, running: bool) -> None:
        self.status_button.setEnabled(not running)
        self.status_button.setText(CHECKING_STATUS if running else REFRESH_STATUS)

    def _status_checked(
        self, outcomes: list[StatusOutcome], manual: bool, announced: bool
    ) -> None:
        if not announced:  # else session.changed has reloaded the cards already
            self.refresh()
        if manual:
            self.status_message.emit(status_summary(outcomes))

    def clear(self) -> None:
        """Drop everything shown (the wallet was locked)."""
        if self.importer is not None:
            self.importer.cancel()
        self.model.clear()
        self._stored = {}
        self.message.clear()
        self._show(locked=self.session is not None)

    def _show(self, *, locked: bool = False) -> None:
        has_cards = self.model.rowCount() > 0 and not locked
        shown = self.filter.rowCount()
        if self.view.hasFocus() and shown == 0:
            self.search.setFocus()  # the focus must not fall out of the page
        self.toolbar.setVisible(has_cards)
        self.view.setVisible(has_cards and shown > 0)
        self.no_match.setVisible(has_cards and shown == 0)
        self.no_match.setText(f"No credentials match “{self.search.text().strip()}”.")
        self.empty_state.setVisible(not has_cards and not locked)

    def _search_changed(self, text: str) -> None:
        self.filter.set_search(text)
        self._show()

    def _focus_search(self) -> None:
        if self.search.isVisible():
            self.search.setFocus()
            self.search.selectAll()

    def selected_id(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isSelected(index):
            return None
        return str(index.data(CardRole.ID))

    def select(self, credential_id: str) -> bool:
        """Select (and scroll to) the card of ``credential_id``; False if it is hidden."""
        row = self.model.row_of(credential_id)
        if row < 0:
            return False
        index = self.filter.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(index)
        return True

    # --- import ----------------------------------------------------------------------------

    @property
    def importing(self) -> bool:
        return self.importer is not None and self.importer.running

    def import_file(self) -> None:
        if self.importer is None or not self.importer.ready:
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Import a credential", str(Path.home()), FILE_FILTER
        )
        if chosen:
            self.import_path(Path(chosen))

    def import_path(self, path: Path) -> None:
        """Read and import one file on a worker."""
        if self.importer is not None:
            self.importer.start(path)

    def paste(self) -> None:
        """Import what the clipboard holds: credential text, or a copied file."""
        if self.importer is not None:
            self.importer.from_clipboard()

    def _importing_changed(self, running: bool) -> None:
        self.paste_button.setEnabled(not running)
        self.import_button.setEnabled(not running)

    def _imported(self, stored: StoredCredential, known: bool) -> None:
        self.search.clear()  # the new card must be in sight
        self.select(stored.id)
        self.view.setFocus()
        if known:
            self.message.show_message(ALREADY_THERE, Tone.INFO)
            return
        row = self.model.row_of(stored.id)
        name = self.model.card(row).type if row >= 0 else "Credential"
        self.status_message.emit(f"{name} added.")

    # --- drag and drop -----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.importer is not None and self.importer.accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        importer = self.importer
        if importer is not None and importer.ready and importer.from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    # --- detail ----------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        self.open_detail(str(index.data(CardRole.ID)))

    def open_detail(self, credential_id: str) -> None:
        stored = self._stored.get(credential_id)
        if self.session is None or stored is None:
            return
        dialog = CredentialDetailDialog(self.session, stored, self)
        dialog.status_message.connect(self.status_message)
        self.dialog = open_dialog(dialog, self._dialog_closed)

    def _dialog_closed(self) -> None:
        self.dialog = None
        if self.view.isVisible():
            self.view.setFocus()


def card_claims(held: HeldCredential | HeldW3cCredential) -> dict[str, Any]:
    """What a card reads: an SD-JWT's claims; a W3C credential's subject claims, with the
    start of its validity as ``nbf`` (so a card says "Not valid yet")."""
    if isinstance(held, HeldCredential):
        return held.claims
    if held.valid_from is None:
        return held.claims
    return {**held.claims, "nbf": held.valid_from}


def status_summary(outcomes: list[StatusOutcome]) -> str:
    """One sentence after Refresh status: how many are revoked, suspended or unreachable."""
    counts = {state: sum(o.state is state for o in outcomes) for state in StatusState}
    parts = [
        f"{counts[state]} {word}"
        for state, word in (
            (StatusState.REVOKED, "revoked"),
            (StatusState.SUSPENDED, "suspended"),
            (StatusState.UNKNOWN, "with an unknown status"),
        )
        if counts[state]
    ]
    sentence = "Status checked: " + (", ".join(parts) if parts else "nothing revoked or suspended")
    offline = counts[StatusState.UNAVAILABLE]
    if offline:
        sentence += f". {offline} could not be checked (offline); their last known status is shown"
    return sentence + "."
