"""Identities: the user's decentralized identifiers and the keys behind them."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.views.empty_state import EmptyState
from app.views.page import Page


class IdentitiesPage(Page):
    """The list of the user's identifiers; for now, how to create the first one."""

    page_name = "identities"
    title = "Identities"
    icon_name = "identities"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_empty_state(
            EmptyState(
                "No identities yet",
                "Create a decentralized identifier (DID) to receive credentials.",
                icon_name=self.icon_name,
                primary_action="Create identity",
            )
        )
