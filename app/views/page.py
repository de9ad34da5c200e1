"""The common frame of a page: a title at the top and a body below it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.views.empty_state import EmptyState
from app.views.typography import TITLE_SCALE, scaled_font


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

    def set_empty_state(
        self, empty_state: EmptyState, stretch: int = 1, *, forward: bool = True
    ) -> None:
        """Add the page's empty state to the body; with ``forward``, its actions go out
        on ``action_requested`` (pages that handle them themselves pass False)."""
        self.empty_state = empty_state
        if forward:
            empty_state.action_requested.connect(self.action_requested)
        self.body.addWidget(empty_state, stretch)
