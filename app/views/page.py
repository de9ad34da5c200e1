"""The common frame of a page: a title at the top and a body below it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.views.empty_state import EmptyState
from app.views.typography import TITLE_SCALE, scaled_font

if TYPE_CHECKING:
    from app.session import WalletSession


class Page(QWidget):
    """Base class of the main window's pages.

    Subclasses set ``page_name`` (stable id, used by ``--page``), ``title`` (shown) and
    ``icon_name`` (a file stem in ``resources/icons/nav``), and build ``empty_state``.
    ``action_requested(str)`` carries the label of an action the user asked for;
    ``status_message(str)`` is a short sentence for the window's status bar.
    """

    action_requested = Signal(str)
    status_message = Signal(str)

    page_name: str = ""
    title: str = ""
    icon_name: str = ""
    empty_state: EmptyState
    #: Whether the session changed while the page was hidden (it refreshes when shown).
    stale: bool = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName(self.title)

        self.title_label = QLabel(self.title, self)
        self.title_label.setObjectName("pageTitle")
        self.title_label.setFont(scaled_font(self.font(), TITLE_SCALE, QFont.Weight.DemiBold))
        self.title_label.setAccessibleName(self.title)

        self.body = QVBoxLayout()
        self.body.setSpacing(16)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 22, 40, 24)
        layout.setSpacing(16)
        layout.addWidget(self.title_label)
        layout.addLayout(self.body, 1)

    def follow(self, session: WalletSession | None) -> None:
        """Keep the page in step with ``session``: ``refresh`` after changes and on
        unlocking (at once when shown; a hidden page when it next appears, so a page
        nobody looks at does no work), ``clear`` on locking (both methods of the
        subclass), then refresh now."""
        if session is not None:
            session.changed.connect(self._session_changed)
            session.unlocked.connect(self._session_changed)
            session.locked.connect(self.clear)
        self.refresh()

    def _session_changed(self) -> None:
        self.stale = not self.isVisible()
        if not self.stale:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """A page that missed changes while hidden reads them now."""
        super().showEvent(event)
        if self.stale:
            self.stale = False
            self.refresh()

    def refresh(self) -> None:
        """Read what the page shows again (subclasses that follow a session)."""

    def clear(self) -> None:
        """Drop what the page shows (subclasses that follow a session)."""

    def set_empty_state(
        self, empty_state: EmptyState, stretch: int = 1, *, forward: bool = True
    ) -> None:
        """Add the page's empty state to the body; with ``forward``, its actions go out
        on ``action_requested`` (pages that handle them themselves pass False)."""
        self.empty_state = empty_state
        if forward:
            empty_state.action_requested.connect(self.action_requested)
        self.body.addWidget(empty_state, stretch)

    def shortcut_button(
        self,
        text: str,
        shortcut: str | QKeySequence.StandardKey,
        slot: Callable[[], None],
        primary: bool = False,
        *,
        only_when_usable: bool = True,
    ) -> QPushButton:
        """A button for an action, with a keyboard shortcut that works anywhere on the
        page (a focused text field keeps its own, such as Ctrl+V). With
        ``only_when_usable`` the shortcut does nothing while the button is disabled or
        hidden."""
        button = QPushButton(text, self)
        button.setAccessibleName(text.rstrip("…"))
        button.setProperty("primary", primary)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        def triggered() -> None:
            if not only_when_usable or (button.isEnabled() and button.isVisible()):
                slot()

        action.triggered.connect(triggered)
        self.addAction(action)
        sequence = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if sequence:
            button.setToolTip(f"{text.rstrip('…')} ({sequence})")
        return button

    def row_table(
        self,
        model: QAbstractItemModel,
        object_name: str,
        accessible_name: str,
        *,
        elide: Qt.TextElideMode,
        row_padding: int,
    ) -> QTableView:
        """A read-only table of ``model`` that selects one whole row at a time, without
        grid or row numbers; each row is a line of text plus ``row_padding`` pixels."""
        table = QTableView(self)
        table.setObjectName(object_name)
        table.setAccessibleName(accessible_name)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTextElideMode(elide)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + row_padding)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return table


def selected_row(table: QTableView) -> int | None:
    """The row selected in a :meth:`Page.row_table`, or None."""
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


def select_row(table: QTableView, row: int) -> None:
    """Select ``row`` (if it is one) in a :meth:`Page.row_table`."""
    if row >= 0:
        table.selectionModel().setCurrentIndex(
            table.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
