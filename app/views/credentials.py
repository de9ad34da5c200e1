"""Credentials: the cards the user holds from issuers."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.views.empty_state import EmptyState
from app.views.page import Page


class CredentialsPage(Page):
    """The list of stored credentials; for now, how to get the first one."""

    page_name = "credentials"
    title = "Credentials"
    icon_name = "credentials"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_empty_state(
            EmptyState(
                "No credentials yet",
                "Scan a credential offer from an issuer, or import a credential file.",
                icon_name=self.icon_name,
                primary_action="Scan offer",
                secondary_action="Import file…",
            )
        )
