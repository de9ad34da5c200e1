"""Activity: the signed timeline of everything received, shared and signed."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.views.empty_state import EmptyState
from app.views.page import Page


class ActivityPage(Page):
    """The activity log; empty until the wallet does something."""

    page_name = "activity"
    title = "Activity"
    icon_name = "activity"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_empty_state(
            EmptyState(
                "Nothing here yet",
                "Everything you receive, share or sign will be listed here, "
                "signed so no one can change it.",
                icon_name=self.icon_name,
            )
        )
